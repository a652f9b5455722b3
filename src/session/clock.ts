/** Time and timers, injectable so tests can move time on. */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The real clock. Its members may be replaced (tests do, before elements connect). */
export const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** Re-checks with the server at most once per this many ms per stored session on a page. */
export const recheckGap = 30_000;
