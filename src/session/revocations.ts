import type { AuthBackend, StoredSession } from '../backends/backend.js';
import { toAuthError, type AuthError } from '../errors.js';
import type { SessionCore } from './feature.js';
import { worthRetrying, type Revoke } from './outbox.js';
import type { SharedSession } from './shared-session.js';

/** Asks `backend` to revoke, within the core's timeout; errors come redacted of the token. */
export function revoker(core: SessionCore, backend = core.settings.backend): Revoke {
  return async (session, scope, createdBefore) => {
    try {
      await core.call((signal) =>
        backend.logOut(session, createdBefore === undefined ? { scope, signal } : { scope, signal, createdBefore }),
      );
    } catch (caught) {
      throw toAuthError(caught, session.token);
    }
  };
}

/** A promise's error as a value (`null`: it fulfilled), so it can start now and be awaited later. */
export function settle(work: Promise<unknown>): Promise<AuthError | null> {
  return work.then(
    () => null,
    (caught: unknown) => toAuthError(caught),
  );
}

/** Revokes a session this page no longer holds; one the server could not be told of waits in the outbox. */
export async function revokeOrQueue(
  core: SessionCore,
  shared: SharedSession,
  backend: AuthBackend,
  session: StoredSession,
): Promise<void> {
  const error = await settle(revoker(core, backend)(session, 'current'));
  if (error && worthRetrying(error)) shared.outbox.add(session, 'current', Date.now(), backend);
}
