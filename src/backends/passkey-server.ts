import type { StoredSession } from './backend.js';

/** A credential as WebAuthn's JSON form (`PublicKeyCredential.toJSON()`: id, type, response…): what the server verifies. */
export interface CredentialJSON {
  id: string;
  type: string;
}

/**
 * One of the signed-in user's passkeys, as `listPasskeys()` gives it: public fields only. `id` is
 * the server's name for the record (what `deletePasskey` takes), never the credential id, and no
 * public key or counter is ever shown.
 */
export interface PasskeyInfo {
  id: string;
  /** The name given when it was added, if any. */
  name?: string;
  /** When it was added (ms since the epoch). */
  createdAt?: number;
  /** Whether the passkey is synced between devices (a passkey manager backs it up). */
  synced?: boolean;
}

/**
 * A server's passkey (WebAuthn relying party) endpoints, as the `passkeys` feature uses them.
 * Options and credentials travel as WebAuthn's JSON forms; the challenge is the server's to keep
 * (Better Auth: a short-lived signed cookie) and is good for one ceremony.
 */
export interface PasskeyServer {
  /** Creation options for a new passkey of the signed-in user. */
  registrationOptions(name: string | undefined, o: { signal: AbortSignal }): Promise<PublicKeyCredentialCreationOptionsJSON>;
  /** Checks the new credential against the challenge and keeps it: the new passkey. */
  register(credential: CredentialJSON, name: string | undefined, o: { signal: AbortSignal }): Promise<PasskeyInfo>;
  /** Request options for a sign-in (no user named: any passkey of this site). */
  authenticationOptions(o: { signal: AbortSignal }): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /** Checks the assertion against the challenge and opens a session: `invalid-credentials` when refused. */
  authenticate(credential: CredentialJSON, o: { signal: AbortSignal }): Promise<StoredSession>;
  /** The signed-in user's passkeys, newest first. */
  list(o: { signal: AbortSignal }): Promise<PasskeyInfo[]>;
  /** Removes one of the signed-in user's passkeys; an id that is not theirs is left alone (nothing done). */
  remove(id: string, o: { signal: AbortSignal }): Promise<void>;
}
