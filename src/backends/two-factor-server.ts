import type { StoredSession } from './backend.js';

/**
 * A new secret for an authenticator app, not in force until a first code confirms it: the
 * `otpauth://` URI a QR code shows and the same secret in base32 for typing in by hand. Held in
 * memory by the `two-factor` feature only; never stored, never in `user` or an event.
 */
export interface TwoFactorSetup {
  uri: string;
  secret: string;
  /** The recovery codes of a server that gives them before the confirmation (Better Auth): kept back until then. */
  recoveryCodes?: string[];
}

/** What turning two-step sign-in on gives: recovery codes (shown once), and the session when the server replaced it. */
export interface TwoFactorEnabled {
  recoveryCodes: string[];
  session?: StoredSession;
}

/**
 * A server's two-step sign-in (TOTP) endpoints, as the `two-factor` feature uses them. Parse
 * Server: its `mfa` auth adapter. Better Auth: its `twoFactor` plugin.
 */
export interface TwoFactorServer {
  /**
   * A password log-in, with the second step's `code` when given. Rejects with
   * `second-factor-required` (the password was right; nothing is open yet) or `invalid-code`.
   */
  logIn(username: string, password: string, code: string | undefined, o: { signal: AbortSignal }): Promise<StoredSession>;
  /** A new secret for the signed-in user (`password`: the servers that ask for it). */
  begin(session: StoredSession, password: string | undefined, o: { signal: AbortSignal }): Promise<TwoFactorSetup>;
  /** Puts `setup` in force with a first `code` from the app: the recovery codes. */
  confirm(session: StoredSession, setup: TwoFactorSetup, code: string, o: { signal: AbortSignal }): Promise<TwoFactorEnabled>;
  /** Turns it off; resolves to the session when the server replaced it. */
  disable(session: StoredSession, password: string | undefined, o: { signal: AbortSignal }): Promise<StoredSession | undefined>;
}
