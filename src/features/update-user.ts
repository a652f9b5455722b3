import { Capability, hasCapability, missingCapability, type PublicUser } from '../backends/backend.js';
import { toPublicUser } from '../backends/session-codec.js';
import { AuthError } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import type { SessionCore, SessionFeature } from '../session/feature.js';
import { onSession, signedIn } from './on-session.js';
import { checkUserFields } from './user-fields.js';

/** Changing the signed-in user's own fields (capability `update-user`). */
export interface UserUpdates extends SessionFeature {
  updateUser(fields: unknown): Promise<PublicUser>;
}

/**
 * The `update-user` feature: sets fields of the signed-in user. Reserved and server-private
 * names are refused with `bad-request` before any request. The answer is stored over the
 * session it started from (compare-and-write), so every member on the key and every tab gets
 * `user-change`; an invalid session ends as `session-lost`. Resolves to the user.
 */
export function userUpdates(core: SessionCore): UserUpdates {
  return {
    updateUser: (fields) =>
      core.withShared(async (shared) => {
        const { backend } = core.settings;
        if (!hasCapability(backend, Capability.updateUser)) throw missingCapability(Capability.updateUser);
        const changes = checkUserFields(fields);
        const session = await signedIn(core, shared, undefined, 'Not signed in: nobody to update.');
        let user = await onSession(core, shared, session, (signal) => backend.updateUser!(session, changes, { signal }));
        if (!isRecord(user)) throw new AuthError('server', 'No user in the answer.');
        user = toPublicUser(user, session.user.id);
        // Still that session (its fields may have been re-read meanwhile): the answer is the newest word.
        const now = shared.read();
        if (core.decode(now)?.token === session.token) {
          const fresh = core.encode(backend, { token: session.token, user });
          shared.replace(now, fresh, 'restored');
        }
        return Object.freeze(user);
      }),
  };
}
