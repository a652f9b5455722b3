import { AddOnCapability, Capability, hasCapability, type AuthBackend, type PublicUser } from '../backends/backend.js';
import { BetterAuthBackend } from '../backends/better-auth.js';
import { betterAuthPasskeys } from '../backends/better-auth-passkeys.js';
import type { CredentialJSON, PasskeyInfo, PasskeyServer } from '../backends/passkey-server.js';
import { AuthError, toAuthError } from '../errors.js';
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
  /**
   * Requests made on a session end when it is no longer the stored one (signed out or replaced,
   * here, by another element or in another tab): a late answer to one (Better Auth answers a
   * revoked cookie with a Set-Cookie that clears it) must not clear the cookie of a user signed in since.
   */
  const onASession = new Map<AbortController, string | undefined>();
  const storedToken = () => core.decode(core.shared?.read() ?? null)?.token;
  const bound = async <T>(cancel: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const call = new AbortController();
    const end = () => call.abort(cancel?.reason);
    cancel?.addEventListener('abort', end, { once: true });
    if (cancel?.aborted) end();
    onASession.set(call, storedToken());
    try {
      return await work(call.signal);
    } finally {
      onASession.delete(call);
      cancel?.removeEventListener('abort', end);
    }
  };
  return {
    changed() {
      const now = storedToken();
      for (const [call, token] of onASession)
        if (token !== now) call.abort(new AuthError('aborted', 'The session changed meanwhile.'));
    },
    async logInWithPasskey({ autofill = false, signal } = {}) {
      const { backend } = core.settings;
      const server = passkeyServerOf(backend);
      requireWebAuthn();
      // Signed in already: that session ends first, its revocation answered before the options
      // are asked for. Both go with the cookie: the options of a signed-in user name only their
      // passkeys, and a late answer to the revocation would clear the new session's cookie.
      if (!autofill && core.decode(core.shared?.read() ?? null)) await core.logOut({ scope: 'current' });
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
        // Any passkey of this site: a cookie the server still honours (a `local` log-out) makes it
        // name only that user's, and the verification does not hold the sign-in to that list.
        delete options.allowCredentials;
        credential = await getPasskey(options, ceremony.signal, autofill);
        // An answer that came as the request was ended (a newer sign-in) is dropped, never verified.
        if (ceremony.signal.aborted) throw ceremony.signal.reason;
      } finally {
        signal?.removeEventListener('abort', stop);
        core.endSignIn(ceremony);
      }
      if (core.settings.backend !== backend)
        throw new AuthError('aborted', 'The <user-session> was pointed at another server during the passkey dialog.');
      return signInWith(core, 'passkey', (s) => redacting(credential, server.authenticate(credential, { signal: s })));
    },
    addPasskey: (name, cancel) =>
      core.withShared((shared) =>
        bound(cancel, async (signal) => {
          const server = passkeyServerOf(core.settings.backend);
          requireWebAuthn();
          const label = nonEmptyString(name) && name.trim() ? name.trim() : undefined;
          const session = await signedIn(core, shared, signal, 'Sign in to add a passkey.');
          const options = await onSession(core, shared, session, (s) => server.registrationOptions(label, { signal: s }), signal);
          const credential = await createPasskey(options, signal);
          const passkey = await onSession(
            core,
            shared,
            session,
            (s) => redacting(credential, server.register(credential, label, { signal: s })),
            signal,
          );
          changed();
          return passkey;
        }),
      ),
    listPasskeys: (cancel) =>
      core.withShared((shared) =>
        bound(cancel, async (signal) => {
          const server = passkeyServerOf(core.settings.backend);
          const session = await signedIn(core, shared, signal);
          const list = await onSession(core, shared, session, (s) => server.list({ signal: s }), signal);
          // Each passkey once, whatever the server (or something in front of it) sent.
          const ids = new Set<string>();
          return Object.freeze(list.filter((passkey) => !ids.has(passkey.id) && !!ids.add(passkey.id)));
        }),
      ),
    deletePasskey: (id, cancel) =>
      core.withShared((shared) =>
        bound(cancel, async (signal) => {
          if (!nonEmptyString(id) || !id.trim()) throw new AuthError('bad-request', 'Name the passkey to remove (its id).');
          const server = passkeyServerOf(core.settings.backend);
          const session = await signedIn(core, shared, signal);
          await onSession(core, shared, session, (s) => server.remove(id, { signal: s }), signal);
          changed();
        }),
      ),
  };
}

/** `work`, with the credential's id kept out of any error it rejects with (a server may quote it). */
function redacting<T>(credential: CredentialJSON, work: Promise<T>): Promise<T> {
  return work.catch((caught: unknown) => {
    throw toAuthError(caught, credential.id);
  });
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
