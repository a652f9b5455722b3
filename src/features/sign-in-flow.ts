import type { PublicUser, StoredSession } from '../backends/backend.js';
import { asStoredSession } from '../backends/session-codec.js';
import { AuthError, notInDocument, superseded } from '../errors.js';
import type { SessionCore, SignInReason } from '../session/feature.js';
import { revokeOrQueue } from '../session/revocations.js';

/**
 * Stores the session a sign-in gives: the one path of every sign-in method (password, the
 * provider's answer, passkeys…). An active session is signed out first (unless `signOutFirst`
 * is false: a forged provider answer must sign nobody out); a newer sign-in or sign-out aborts
 * this one; a session that reaches the kit for a sign-in given up on (a newer call, the timeout,
 * a disconnect) is revoked, never left alive. The built-in backends abort the request instead
 * (README, Known limitations: a session the server opened by then stays there).
 */
export async function signInWith(
  core: SessionCore,
  reason: SignInReason,
  start: (signal: AbortSignal) => Promise<StoredSession>,
  signOutFirst = true,
): Promise<PublicUser> {
  const shared = core.shared;
  if (!shared) throw notInDocument();
  const { backend } = core.settings;
  // Signing in over an active session signs that one out first (revoked, or queued).
  if (signOutFirst && core.decode(shared.read())) void core.logOut({ scope: 'current' });
  const call = core.beginSignIn();
  const abandon = (answer: StoredSession) => {
    const orphan = asStoredSession(answer);
    if (orphan) void revokeOrQueue(core, shared, backend, orphan);
  };
  let answer: StoredSession;
  try {
    // Granted its turn at a lock (Better Auth's cookie step), a sign-in is outdated before it
    // sends anything when its key, read afresh where the element is now, holds another value than
    // it last saw (a sign-in another tab stored meanwhile, not heard of yet), or the element left
    // the document (README, Known limitations: what this misses).
    answer = await core.call(
      (signal) => (
        signal.addEventListener('lock-granted', () => {
          if (core.shared?.read() !== shared.raw) call.abort(superseded());
        }),
        start(signal)
      ),
      call.signal,
      abandon,
    );
  } finally {
    core.endSignIn(call);
  }
  const fresh = asStoredSession(answer);
  if (!fresh) throw new AuthError('server', 'No session in the answer.');
  // Still connected to that key (possibly after a move in the document: another object, same key)?
  const now = core.shared;
  if (now?.id !== shared.id) {
    abandon(fresh);
    throw notInDocument();
  }
  // A session stored meanwhile by other code (the Parse SDK…) is replaced: signed out first.
  const other = core.decode(now.read());
  if (other && other.token !== fresh.token) void revokeOrQueue(core, now, backend, other);
  let raw: string;
  try {
    raw = core.encode(backend, fresh);
  } catch (cause) {
    abandon(fresh);
    throw new AuthError('server', 'The backend cannot store its session.', { cause });
  }
  now.write(raw, reason);
  now.trust(raw);
  if (core.decode(now.raw)?.token !== fresh.token || !core.user) {
    // Unreadable with this backend: neither kept nor left alive on the server.
    now.replace(raw, null, 'log-out');
    abandon(fresh);
    throw new AuthError('server', 'The new session cannot be read back.');
  }
  return core.user;
}
