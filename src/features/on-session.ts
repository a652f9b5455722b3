import type { StoredSession } from '../backends/backend.js';
import { AuthError, toAuthError } from '../errors.js';
import type { SessionCore } from '../session/feature.js';
import type { SharedSession } from '../session/shared-session.js';

/** The stored session, renewed if due; `bad-request` when signed out. */
export async function signedIn(
  core: SessionCore,
  shared: SharedSession,
  cancel?: AbortSignal,
  signedOut = 'Not signed in.',
): Promise<StoredSession> {
  const usable = core.usable(shared, shared.read(), cancel);
  const [, session] = Array.isArray(usable) ? usable : await usable;
  if (!session) throw new AuthError('bad-request', signedOut);
  return session;
}

/** A request on the user's session: errors redacted of the token; a refused session ends as `session-lost`. */
export async function onSession<T>(
  core: SessionCore,
  shared: SharedSession,
  session: StoredSession,
  task: (signal: AbortSignal) => Promise<T>,
  cancel?: AbortSignal,
): Promise<T> {
  const raw = shared.read();
  try {
    return await core.call(task, cancel);
  } catch (caught) {
    const error = toAuthError(caught, session.token);
    // Only over that session: one signed in meanwhile is not ended by the old one's refusal.
    if (error.code === 'invalid-session' && core.decode(raw)?.token === session.token) shared.replace(raw, null, 'session-lost');
    throw error;
  }
}
