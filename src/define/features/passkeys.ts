// Opting in to the `passkeys` add-on (SPEC §10, §11): importing this module attaches the feature
// to every `<user-session>` of the page and gives the element its passkey methods
// (`user-session-elements/features/passkeys.js`; the passkey tags import it).
import type { PublicUser } from '../../backends/backend.js';
import type { PasskeyInfo } from '../../backends/passkey-server.js';
import { UserSessionElement } from '../../elements/user-session.js';
import { passkeys, type PasskeyLogInOptions, type Passkeys } from '../../features/passkeys.js';
import { AddOnFeature, registerFeature } from '../../session/feature.js';
import { addSessionMethods } from './session-methods.js';

registerFeature(AddOnFeature.passkeys, passkeys);

declare module '../../elements/user-session.js' {
  interface UserSessionElement {
    /**
     * Signs in with a passkey (add-on `passkeys`, Better Auth with its passkey plugin): the
     * browser asks the person to pick one. Resolves to the user (`logged-in` reason `passkey`);
     * rejects with `cancelled` (dismissed, or no passkey for this site), `unsupported`,
     * `invalid-credentials` (a passkey the server does not know), `network`, `misconfigured`
     * (Parse, OpenID Connect). Nothing is stored unless the server accepted the passkey.
     */
    logInWithPasskey(options?: PasskeyLogInOptions): Promise<PublicUser>;
    /** Makes a passkey for the signed-in user (optional `name`); resolves to its public fields. Fires `passkeys-change`. */
    addPasskey(name?: string, options?: { signal?: AbortSignal }): Promise<PasskeyInfo>;
    /** The signed-in user's passkeys, newest first: frozen, public fields only. `bad-request` when signed out. */
    listPasskeys(options?: { signal?: AbortSignal }): Promise<readonly PasskeyInfo[]>;
    /** Removes one of the user's passkeys by its `PasskeyInfo.id` (another user's id: nothing done). Fires `passkeys-change`. */
    deletePasskey(id: string, options?: { signal?: AbortSignal }): Promise<void>;
  }
}

const use = <T>(session: UserSessionElement, run: (feature: Passkeys) => Promise<T>) => session.use(AddOnFeature.passkeys, run);
const methods: Pick<UserSessionElement, 'logInWithPasskey' | 'addPasskey' | 'listPasskeys' | 'deletePasskey'> &
  ThisType<UserSessionElement> = {
  logInWithPasskey(options) {
    return use(this, (f) => f.logInWithPasskey(options));
  },
  addPasskey(name, options) {
    return use(this, (f) => f.addPasskey(name, options?.signal));
  },
  listPasskeys(options) {
    return use(this, (f) => f.listPasskeys(options?.signal));
  },
  deletePasskey(id, options) {
    return use(this, (f) => f.deletePasskey(id, options?.signal));
  },
};
addSessionMethods(methods);
