/** What to check once a lock is granted, by the signal of the call that waited for it. */
const grantChecks = new WeakMap<AbortSignal, () => void>();

/**
 * Has `check` run when a call with `signal` is granted a Web Lock, before its step: news the
 * call has not heard yet (another tab's sign-in, stored while this call waited its turn) may
 * abort it there, before it sends anything. Returns `signal`.
 */
export function checkOnGrant(signal: AbortSignal, check: () => void): AbortSignal {
  grantChecks.set(signal, check);
  return signal;
}

/**
 * Runs `step` holding the Web Lock `name`: one holder at a time across this origin's tabs (a
 * waiter gives up when `signal` aborts, also once granted: see `checkOnGrant`). Without Web
 * Locks (a page not in a secure context), `step` runs at once.
 */
export function withWebLock<T>(name: string, step: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const locks = globalThis.navigator?.locks;
  const granted = async () => {
    if (signal) grantChecks.get(signal)?.();
    signal?.throwIfAborted();
    return step();
  };
  // The lock resolves to what `step` resolves to (TypeScript types it as the promise itself).
  return locks ? (locks.request(name, { signal }, granted) as Promise<T>) : granted();
}
