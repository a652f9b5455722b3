import { AddOnCapability, Capability, hasCapability, type AuthBackend, type PublicUser } from '../backends/backend.js';
import { BetterAuthBackend } from '../backends/better-auth.js';
import { betterAuthPasskeys } from '../backends/better-auth-passkeys.js';
import type { CredentialJSON, PasskeyInfo, PasskeyServer } from '../backends/passkey-server.js';
import { AuthError } from '../errors.js';
import { nonEmptyString } from '../internal/guards.js';
import { createPasskey, getPasskey, requireWebAuthn } from '../internal/webauthn.js';
import type { SessionCore, SessionFeature } from '../session/feature.js';
import { onSession, signedIn } from './on-session.js';
import { signInWith } from './sign-in-flow.js';

/** Options of a passkey sign-in. */
export interface PasskeyLogInOptions {
  /**
   * Offer the passkeys in the autofill of a field with `autocomplete="username webauthn"` instead
   * of a dialog: the request waits for the person to pick one, until `signal` aborts it or
   * another sign-in (or a sign-out) starts.
   */
  autofill?: boolean;
  /** Cancels the sign-in (rejects with `aborted`); nothing is stored. */
  signal?: AbortSignal;
}

/** Passkeys (capability `passkeys`): what `<passkey-log-in-action>`, `<add-passkey-action>` and `<passkey-list>` need. */
export interface Passkeys extends SessionFeature {
  logInWithPasskey(options?: PasskeyLogInOptions): Promise<PublicUser>;
  addPasskey(name?: string, cancel?: AbortSignal): Promise<PasskeyInfo>;
  listPasskeys(cancel?: AbortSignal): Promise<readonly PasskeyInfo[]>;
  deletePasskey(id: unknown, cancel?: AbortSignal): Promise<void>;
}

/** The `passkeys` feature, an add-on: `user-session-elements/passkeys.js` (its tags import it). */
export function passkeys(core: SessionCore): Passkeys {
  const changed = () => core.report({ type: 'passkeys-change' });
  return {
    async logInWithPasskey({ autofill = false, signal } = {}) {
      const server = passkeyServerOf(core.settings.backend);
      requireWebAuthn();
      // The ceremony waits for the person, so it is not timed; `signal` ends it. A dialog is a
      // sign-in of its own (a newer sign-in or a sign-out ends it); autofill only waits beside
      // the page's other sign-ins and never ends one (its element stops it when one starts).
      const ceremony = autofill ? new AbortController() : core.beginSignIn();
      const stop = () => ceremony.abort(new AuthError('aborted'));
      signal?.addEventListener('abort', stop, { once: true });
      let credential: CredentialJSON;
      try {
        if (signal?.aborted) stop();
        const options = await core.call((s) => server.authenticationOptions({ signal: s }), ceremony.signal);
        credential = await getPasskey(options, ceremony.signal, autofill);
      } finally {
        signal?.removeEventListener('abort', stop);
        core.endSignIn(ceremony);
      }
      return signInWith(core, 'passkey', (s) => server.authenticate(credential, { signal: s }));
    },
    addPasskey: (name, cancel) =>
      core.withShared(async (shared) => {
        const server = passkeyServerOf(core.settings.backend);
        requireWebAuthn();
        const label = nonEmptyString(name) && name.trim() ? name.trim() : undefined;
        const session = await signedIn(core, shared, cancel, 'Sign in to add a passkey.');
        const options = await onSession(core, shared, session, (s) => server.registrationOptions(label, { signal: s }), cancel);
        const credential = await createPasskey(options, cancel ?? new AbortController().signal);
        const passkey = await onSession(core, shared, session, (s) => server.register(credential, label, { signal: s }), cancel);
        changed();
        return passkey;
      }),
    listPasskeys: (cancel) =>
      core.withShared(async (shared) => {
        const server = passkeyServerOf(core.settings.backend);
        const session = await signedIn(core, shared, cancel);
        return Object.freeze(await onSession(core, shared, session, (s) => server.list({ signal: s }), cancel));
      }),
    deletePasskey: (id, cancel) =>
      core.withShared(async (shared) => {
        if (!nonEmptyString(id) || !id.trim()) throw new AuthError('bad-request', 'Name the passkey to remove (its id).');
        const server = passkeyServerOf(core.settings.backend);
        const session = await signedIn(core, shared, cancel);
        await onSession(core, shared, session, (s) => server.remove(id, { signal: s }), cancel);
        changed();
      }),
  };
}

/** The backend's passkey endpoints, or `misconfigured` saying why there are none. */
function passkeyServerOf(backend: AuthBackend): PasskeyServer {
  if (hasCapability(backend, AddOnCapability.passkeys) && backend instanceof BetterAuthBackend)
    return betterAuthPasskeys(backend);
  throw new AuthError(
    'misconfigured',
    hasCapability(backend, Capability.redirectLogIn)
      ? "With OpenID Connect, passkeys belong to the provider's own sign-in page: sign in there (logIn() without arguments)."
      : 'This backend has no passkeys (Parse Server has no passkey support): use backend="better-auth" with its passkey plugin.',
  );
}
