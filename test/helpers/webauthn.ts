// Browser-side helpers for a WebAuthn virtual authenticator on the test page, given by
// scripts/wtr-webauthn-plugin.mjs (Chromium through CDP; Firefox through Marionette when the
// launcher turns it on, with passkey autofill answered too given --remote-allow-system-access;
// WebDriver engines when their driver has the W3C extension). One authenticator per test
// session: adding again replaces it, and it goes when the session finishes.
// Where the engine has none, `virtualAuthenticatorSupported()` says why and every other helper rejects.
import { executeServerCommand } from '@web/test-runner-commands';

export interface VirtualAuthenticatorOptions {
  /** Default 'ctap2'. U2F is 'u2f' in Chromium (CDP), 'ctap1/u2f' over WebDriver. */
  protocol?: 'ctap2' | 'ctap2_1' | 'u2f' | 'ctap1/u2f';
  /** Default 'internal' (a platform authenticator, as a passkey). */
  transport?: 'internal' | 'usb' | 'nfc' | 'ble' | 'hybrid';
  /** Default true: it can store discoverable credentials (passkeys). */
  hasResidentKey?: boolean;
  /** Default true. */
  hasUserVerification?: boolean;
  /** Default true: user verification succeeds (see `setUserVerified`). */
  isUserVerified?: boolean;
  /** Default true: the user is always present (touches the key) without being asked. */
  automaticPresenceSimulation?: boolean;
}

/** A credential the authenticator holds (no private key). Ids and handles are base64url. */
export interface VirtualCredential {
  credentialId: string;
  rpId: string;
  isResidentKey: boolean;
  signCount: number;
  userHandle: string | null;
}

export interface VirtualAuthenticatorSupport {
  supported: boolean;
  /** Why not: the error the engine's driver gave. */
  reason?: string;
}

/** Whether this engine's driver offers a virtual authenticator here, and if not, why. */
export const virtualAuthenticatorSupported = () =>
  executeServerCommand<VirtualAuthenticatorSupport, undefined>('webauthn-supported');

/** Adds the test session's authenticator (removing one added before). */
export const addVirtualAuthenticator = (options: VirtualAuthenticatorOptions = {}) =>
  executeServerCommand<{ authenticatorId: string }, VirtualAuthenticatorOptions>('webauthn-add-authenticator', options);

/** Removes it, with its credentials (fine when there is none). */
export const removeVirtualAuthenticator = () => executeServerCommand<true, undefined>('webauthn-remove-authenticator');

/** What it holds: one entry per credential made by `navigator.credentials.create()`. */
export const virtualCredentials = () => executeServerCommand<VirtualCredential[], undefined>('webauthn-credentials');

/** Forgets one credential (base64url id, as `PublicKeyCredential.id`). */
export const removeVirtualCredential = (credentialId: string) =>
  executeServerCommand<true, { credentialId: string }>('webauthn-remove-credential', { credentialId });

/** Whether user verification succeeds from now on (false: ceremonies requiring it fail with NotAllowedError). */
export const setUserVerified = (isUserVerified: boolean) =>
  executeServerCommand<true, { isUserVerified: boolean }>('webauthn-set-user-verified', { isUserVerified });

/**
 * Whether the user is present without being asked: with it on, a waiting autofill request (conditional
 * mediation) is answered with the site's passkey; off, it waits. Chromium; Firefox adds the
 * authenticator again with the same credentials (without presence a modal ceremony there gets no
 * user-present flag, which the server refuses, where Chromium waits). WebDriver classic rejects.
 */
export const setPresence = (automaticPresenceSimulation: boolean) =>
  executeServerCommand<true, { automaticPresenceSimulation: boolean }>('webauthn-set-presence', { automaticPresenceSimulation });

/**
 * The hooks of a suite that needs a virtual authenticator: skipped (saying why) in an engine whose
 * driver offers none; a fresh authenticator before each test, removed after it.
 */
export function useVirtualAuthenticator(options: VirtualAuthenticatorOptions = {}): void {
  before(async function () {
    const { supported, reason } = await virtualAuthenticatorSupported();
    if (!supported) {
      console.info(`No virtual authenticator in this engine: ${reason}`);
      this.skip();
    }
  });
  beforeEach(async () => {
    await addVirtualAuthenticator(options);
  });
  afterEach(async () => {
    await removeVirtualAuthenticator().catch(() => {});
  });
}
