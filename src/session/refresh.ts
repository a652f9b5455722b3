import type { PublicUser } from '../backends/backend.js';
import { encodeWith, toPublicUser } from '../backends/session-codec.js';
import { AuthError, toAuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { SessionCore } from './feature.js';
import type { SharedSession } from './shared-session.js';

/**
 * Checks the session stored in `shared` with the server and takes the user's fields (SPEC §7):
 * the user, or `null` (an invalid session ends as `session-lost`). Rejects when the server
 * cannot tell. Like every flow it writes back only over the value it started from.
 */
export async function refreshStored(core: SessionCore, shared: SharedSession, cancel?: AbortSignal): Promise<PublicUser | null> {
  const usable = core.usable(shared, shared.read(), cancel);
  // Not due: at once, so the request that follows starts in this task (and `pending` says so).
  const [raw, session] = Array.isArray(usable) ? usable : await usable;
  if (!session) return null;
  const backend = core.settings.backend;
  try {
    const fields = await core.call((signal) => backend.currentUser(session, { signal }), cancel);
    if (!isRecord(fields)) throw new AuthError('server', 'No user in the answer.');
    const user = toPublicUser(fields, nonEmptyString(fields.id) ? fields.id : session.user.id);
    const fresh = encodeWith(backend, { token: session.token, user });
    // Only over the value it started from: a session removed meanwhile stays removed.
    shared.replace(raw, fresh, 'restored');
  } catch (caught) {
    const error = toAuthError(caught, session.token);
    if (error.code !== 'invalid-session') throw error;
    shared.replace(raw, null, 'session-lost');
  }
  return core.decode(shared.read())?.user ?? null;
}
