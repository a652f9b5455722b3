/**
 * Runs `step` holding the Web Lock `name`: one holder at a time across this origin's tabs (a
 * waiter gives up when `signal` aborts). Without Web Locks (a page not in a secure context),
 * `step` runs at once.
 */
export function withWebLock<T>(name: string, step: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const locks = globalThis.navigator?.locks;
  // The lock resolves to what `step` resolves to (TypeScript types it as the promise itself).
  return locks ? (locks.request(name, { signal }, step) as Promise<T>) : step();
}
