import { AuthError } from '../errors.js';
import { memberOf } from '../internal/guards.js';

/** The public fields of a signed-in user. Never holds a secret. */
export interface PublicUser {
  id: string;
  username?: string;
  email?: string;
  [field: string]: unknown;
}

/**
 * What a backend hands back after sign-in and reads back from storage: the backend's secret
 * and the public user. `token` is opaque to the elements: a Parse session token, an encoded
 * OAuth token set, or for cookie sessions a non-secret marker naming the session. The elements
 * never look inside it and never expose it; they only compare it (has the session changed?).
 */
export interface StoredSession {
  token: string;
  user: PublicUser;
}

/**
 * How far a log-out reaches. `current`: this browser's session, revoked on the server.
 * `local`: forget it in this browser only, no server call. `others`: every other session of
 * the user, this one kept. `all`: every session of the user, this one included.
 */
export const LogOutScope = { current: 'current', local: 'local', others: 'others', all: 'all' } as const;
export type LogOutScope = (typeof LogOutScope)[keyof typeof LogOutScope];
/** The scope an attribute or caller names, trimmed and case-insensitive; `null` if unknown. */
export const toLogOutScope = memberOf(LogOutScope);

/** The scopes a backend is asked to revoke on the server (`local` never reaches it). */
export type RevokeScope = Exclude<LogOutScope, 'local'>;

/**
 * Optional things a backend can do, declared in `capabilities`. An element asking for one the
 * backend lacks fails with an `AuthError` of code `misconfigured` that names it.
 */
export const Capability = {
  /** `logIn(username, password)`. */
  passwordLogIn: 'password-log-in',
  /** `signUp(username, password, extra)`. */
  signUp: 'sign-up',
  /** `logOut` with scope `others`: end every other session of the user. */
  revokeOthers: 'revoke-others',
  /** `logOut` with scope `all`: end every session of the user. */
  revokeAll: 'revoke-all',
  /** `beginLogIn` / `finishLogIn`: sign-in by sending the browser to the provider and back (OpenID Connect). */
  redirectLogIn: 'redirect-log-in',
  /** `refreshAt` / `refreshSession`: credentials that expire and are renewed before use. */
  refresh: 'refresh',
  /** `endSessionUrl`: after log-out, the browser can end the provider's own session there. */
  endSession: 'end-session',
  /** `updateUser(session, fields)`: change the signed-in user's own fields (email, custom fields). */
  updateUser: 'update-user',
  /** `requestPasswordReset(email)`: the server mails a link to set a new password. */
  passwordReset: 'password-reset',
  /** `requestVerificationEmail(email)`: the server mails (again) a link that verifies the address. */
  verificationEmail: 'verification-email',
  /** `listSessions(session)`: the signed-in user's sessions on every device. */
  listSessions: 'list-sessions',
  /** `revokeSession(session, id)`: end one other session of the user, by its id. */
  revokeSession: 'revoke-session',
  /** `serverSession()`: the session the server already keeps for this browser (a cookie), signed in outside the kit. */
  serverSession: 'server-session',
} as const;
/**
 * Capabilities of add-on features (`user-session-elements/passkeys.js`): declared like the others,
 * kept apart so a page without the add-on carries none of their names.
 */
export const AddOnCapability = {
  /** Passkeys (WebAuthn): sign in with one, add one, list and remove the user's. */
  passkeys: 'passkeys',
  /** Two-step sign-in: a code from an authenticator app (TOTP) or a recovery code after the password; turning it on and off. */
  twoFactor: 'two-factor',
} as const;
export type Capability = (typeof Capability)[keyof typeof Capability] | (typeof AddOnCapability)[keyof typeof AddOnCapability];

/**
 * One session of the signed-in user, as `listSessions` gives it. Holds no secret: `id` is the
 * server's name for the session, never a credential. Times are ms since the epoch; a field the
 * server does not keep is absent.
 */
export interface SessionInfo {
  /** The server's id of the session: what `revokeSession` takes. */
  id: string;
  /** Whether it is this browser's own session. */
  current: boolean;
  /** When it was created. */
  createdAt?: number;
  /** When it was last used, where the server keeps that. */
  lastActiveAt?: number;
  /** When it ends by itself. */
  expiresAt?: number;
  /** The User-Agent of the browser that opened it, where the server keeps that. */
  userAgent?: string;
}

export interface RevokeOptions {
  scope: RevokeScope;
  signal: AbortSignal;
  /**
   * For `others` and `all` replayed from the outbox: only sessions the server created before
   * this time (ms since the epoch, this browser's clock) are ended, so a session opened after
   * the click (another device signing in meanwhile) survives. Absent: end them all.
   */
  createdBefore?: number;
}

/**
 * What `<user-session>` needs from a server (second edition). Any object of this shape can be
 * set as `userSession.backend`. Methods reject with an `AuthError` (anything else is wrapped in
 * one of code `server`). Three families fit it (SPEC §8): a token kept in Web Storage (Parse),
 * redirect log-in with refresh tokens (OpenID Connect), an httpOnly cookie the page cannot
 * read (Better Auth) — each keeps in `StoredSession.token` what it needs and serializes it.
 */
export interface AuthBackend {
  /**
   * What the backend can do beyond `logOut` (scope `current`) and `currentUser`. Without it
   * (a first-edition backend), the capabilities are read from the methods present, plus
   * `revoke-all` as the first edition promised.
   */
  readonly capabilities?: readonly Capability[];
  /** Signs in with a username (or email) and password. Capability `password-log-in`. */
  logIn?(username: string, password: string, o: { signal: AbortSignal }): Promise<StoredSession>;
  /** Creates an account and signs it in. Capability `sign-up`. */
  signUp?(username: string, password: string, extra: Record<string, unknown>, o: { signal: AbortSignal }): Promise<StoredSession>;
  /**
   * Revokes sessions on the server: `current`, or with the matching capability `others` /
   * `all`. Rejects with code `invalid-session` only when the server itself says the session
   * is already invalid (a bare 401/403/404 from something in front of it is not proof of that).
   */
  logOut(session: StoredSession, o: RevokeOptions): Promise<void>;
  /**
   * Sets fields of the signed-in user (checked by the kit first: no reserved or server-private
   * name) and resolves to the user's public fields as the server now has them; a changed `email`
   * shows `emailVerified: false`. Rejects with `invalid-session` when the server refuses the
   * session. Capability `update-user`.
   */
  updateUser?(session: StoredSession, fields: Record<string, unknown>, o: { signal: AbortSignal }): Promise<PublicUser>;
  /** The user behind a session; rejects with code `invalid-session` if the server refuses it. */
  currentUser(session: StoredSession, o: { signal: AbortSignal }): Promise<PublicUser>;
  /**
   * Starts a sign-in at the provider: keeps what finishing needs (state, PKCE verifier) for
   * this tab and resolves to the URL to send the browser to. Capability `redirect-log-in`.
   */
  beginLogIn?(o: { signal: AbortSignal }): Promise<string>;
  /**
   * Whether `url` is the provider sending the browser back (`null`: it is not). If so,
   * `cleanUrl` is the address without the answer's parameters (put in the address bar at
   * once) and `finish` completes the sign-in. Capability `redirect-log-in`.
   */
  finishLogIn?(url: URL): { cleanUrl: string; finish(o: { signal: AbortSignal }): Promise<StoredSession> } | null;
  /** When (ms since the epoch) the session must be renewed before use; `null`: never. Capability `refresh`. */
  refreshAt?(session: StoredSession): number | null;
  /** Renews the session's credentials; rejects with `invalid-session` when the server refuses. Capability `refresh`. */
  refreshSession?(session: StoredSession, o: { signal: AbortSignal }): Promise<StoredSession>;
  /**
   * Where to send the browser, after the session is signed out here, to end the provider's
   * own session too (OpenID Connect RP-initiated logout). Capability `end-session`.
   */
  endSessionUrl?(session: StoredSession, o: { signal: AbortSignal }): Promise<string>;
  /**
   * Names the server (and app) this backend's sessions belong to, e.g. Parse's server URL and
   * app id: a revocation queued in the outbox is only ever sent to a backend of the same name,
   * so a token never reaches another server after the settings change, and a session stored
   * for it is ended there when the page points `<user-session>` at another server. Without it
   * (or `undefined` while the backend is not set up), queued revocations go only to backends
   * that name none.
   */
  readonly server?: string | undefined;
  /** Where `<user-session>` keeps this backend's session when no `storage-key` is set (OIDC: one key per issuer and client). */
  readonly defaultStorageKey?: string;
  /**
   * Whether revoking `queued` (waiting in the outbox) would also end `current`, the session
   * signed in since: an OpenID provider revokes a whole grant, which a later sign-in of the same
   * user may share. Such a revocation is dropped, never sent (SPEC §3.4).
   */
  revocationWouldEnd?(queued: StoredSession, current: StoredSession): boolean;
  /** The access token to call the page's own APIs with (OpenID Connect). Capability `refresh` renews it first when due. */
  accessToken?(session: StoredSession): string | null;
  /**
   * Asks the server to mail a password-reset link to `email` (no session needed). Resolves the
   * same whether or not an account has that address. Capability `password-reset`.
   */
  requestPasswordReset?(email: string, o: { signal: AbortSignal }): Promise<void>;
  /**
   * Asks the server to mail (again) the link that verifies `email` (no session needed). Resolves
   * the same whether or not an account has that address. Capability `verification-email`.
   */
  requestVerificationEmail?(email: string, o: { signal: AbortSignal }): Promise<void>;
  /**
   * The signed-in user's sessions, this browser's first, then newest first. Rejects with
   * `invalid-session` when the server refuses the session. Capability `list-sessions`.
   */
  listSessions?(session: StoredSession, o: { signal: AbortSignal }): Promise<SessionInfo[]>;
  /**
   * Ends one other session of the user, named by its `SessionInfo.id` (never this browser's:
   * the kit logs out for that). Resolves once no session of the user has that id: also when it
   * had already ended, or was never one of theirs (then nothing is done: another user's session
   * is out of reach). Rejects with `invalid-session` when the server refuses `session`.
   * Capability `revoke-session`.
   */
  revokeSession?(session: StoredSession, id: string, o: { signal: AbortSignal }): Promise<void>;
  /**
   * The session the server already keeps for this browser, or `null`: for a session in a cookie
   * that a page may have signed in outside the kit (a server-rendered form, the server's own
   * client). Asked once on connect while nothing is stored; what it gives is stored as
   * `restored`, unless it is the session this browser last signed out of here. Capability
   * `server-session`.
   */
  serverSession?(o: { signal: AbortSignal }): Promise<StoredSession | null>;
  /** Optional: how a session is written to storage (default: JSON of `StoredSession`). */
  serialize?(session: StoredSession): string;
  /** Optional: reads what `serialize` wrote; `null` for anything that is not a session. */
  deserialize?(raw: string): StoredSession | null;
}

/** The capabilities that send mail, and the method each needs. */
export type MailCapability = typeof Capability.passwordReset | typeof Capability.verificationEmail;

/** The method a capability needs (revocations need `logOut`). */
export const methodOf: Partial<Record<Capability, keyof AuthBackend>> &
  Record<MailCapability, 'requestPasswordReset' | 'requestVerificationEmail'> = {
  [Capability.passwordLogIn]: 'logIn',
  [Capability.signUp]: 'signUp',
  [Capability.redirectLogIn]: 'finishLogIn',
  [Capability.refresh]: 'refreshSession',
  [Capability.endSession]: 'endSessionUrl',
  [Capability.updateUser]: 'updateUser',
  [Capability.passwordReset]: 'requestPasswordReset',
  [Capability.verificationEmail]: 'requestVerificationEmail',
  [Capability.listSessions]: 'listSessions',
  [Capability.revokeSession]: 'revokeSession',
  [Capability.serverSession]: 'serverSession',
};

/** What a backend without `capabilities` (first edition) can do. */
const firstEdition: readonly string[] = [Capability.passwordLogIn, Capability.signUp, Capability.revokeAll];

/**
 * Whether `backend` declares `capability` (or, first edition, implies it) and, for sign-in
 * capabilities, has the method too.
 */
export function hasCapability(backend: AuthBackend, capability: Capability): boolean {
  const method = methodOf[capability] ?? 'logOut';
  return (
    typeof backend[method] === 'function' &&
    (Array.isArray(backend.capabilities) ? backend.capabilities : firstEdition).includes(capability)
  );
}

/** The capability a revoke scope needs (`current` needs none). */
export function capabilityForScope(scope: RevokeScope): Capability | null {
  return scope === 'current' ? null : `revoke-${scope}`;
}

/** The error for a capability the backend lacks. */
export function missingCapability(capability: Capability, code: 'misconfigured' | 'bad-request' = 'misconfigured'): AuthError {
  return new AuthError(code, `This backend cannot do "${capability}" (see its capabilities).`);
}
