import type { Clock } from '../../src/session/clock.js';

/**
 * A clock the test moves on: `now()` starts at `start` and only `advance()` changes it; timers
 * run in order of their due time as `advance()` passes it. `install()` puts it in place of the
 * kit's clock (its members), `uninstall()` puts the real one back.
 */
export class FakeClock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { at: number; run: () => void }>();
  #saved: Clock | null = null;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  install(target: Clock): this {
    this.#saved = { ...target };
    target.now = () => this.#now;
    target.setTimeout = (run, ms) => {
      const id = this.#next++;
      this.#timers.set(id, { at: this.#now + Math.max(0, ms), run });
      return id;
    };
    target.clearTimeout = (id) => void this.#timers.delete(id as number);
    return this;
  }

  uninstall(target: Clock): void {
    if (this.#saved) Object.assign(target, this.#saved);
    this.#saved = null;
    this.#timers.clear();
  }

  /** Moves time on by `ms`, running each timer due on the way, in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let due: [number, { at: number; run: () => void }] | null = null;
      for (const entry of this.#timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].run();
    }
    this.#now = end;
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }
}
