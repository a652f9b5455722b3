import { AuthError } from '../errors.js';

/** The longest delay `setTimeout` accepts. */
const maxDelay = 2 ** 31 - 1;

/**
 * Runs `task` with an `AbortSignal` that fires after `limit` ms (a positive number, else 10 s;
 * reason: an `AuthError` of code `timeout`) or when `cancel` fires. Settles on abort even if the task ignores its signal,
 * and turns a synchronous throw into a rejection. A value the task still produces after the
 * abort goes to `onLate` (a sign-in the server completed anyway must not be left alive).
 */
export async function callWithTimeout<T>(
  task: (signal: AbortSignal) => Promise<T>,
  limit: unknown,
  cancel?: AbortSignal,
  onLate?: (value: T) => void,
): Promise<T> {
  const asked = Number(limit);
  const ms = asked > 0 && asked < Infinity ? asked : 10_000;
  const controller = new AbortController();
  const { signal } = controller;
  const onCancel = () => controller.abort(cancel?.reason);
  cancel?.addEventListener('abort', onCancel);
  const timer = setTimeout(
    () => controller.abort(new AuthError('timeout', `No answer within ${ms} ms.`)),
    Math.min(ms, maxDelay),
  );
  try {
    return await new Promise<T>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      if (cancel?.aborted) controller.abort(cancel.reason);
      new Promise<T>((run) => run(task(signal))).then((value) => {
        if (signal.aborted) onLate?.(value);
        resolve(value);
      }, reject);
    });
  } finally {
    clearTimeout(timer);
    cancel?.removeEventListener('abort', onCancel);
  }
}
