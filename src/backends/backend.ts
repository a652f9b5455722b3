/** The public fields of a signed-in user. Never holds the session token. */
export interface PublicUser {
  id: string;
  username?: string;
  email?: string;
  [field: string]: unknown;
}

/** What a backend hands back after sign-in: the secret token and the public user. */
export interface StoredSession {
  token: string;
  user: PublicUser;
}

/** `current`: this browser's session. `all`: every session of the user, where the backend can. */
export type RevokeScope = 'current' | 'all';

/**
 * What `<user-session>` needs from a server. Any object of this shape can be set as
 * `userSession.backend`. Methods reject with an `AuthError` (anything else is wrapped in one
 * of code `server`). The elements never look inside `token` and never expose it.
 */
export interface AuthBackend {
  logIn(username: string, password: string, o: { signal: AbortSignal }): Promise<StoredSession>;
  signUp(
    username: string,
    password: string,
    extra: Record<string, unknown>,
    o: { signal: AbortSignal },
  ): Promise<StoredSession>;
  /** Revokes the session on the server. Rejects with code `invalid-session` if it already was. */
  logOut(session: StoredSession, o: { scope: RevokeScope; signal: AbortSignal }): Promise<void>;
  /** The user behind a session; rejects with code `invalid-session` if the server refuses it. */
  currentUser(session: StoredSession, o: { signal: AbortSignal }): Promise<PublicUser>;
  /** Optional: how a session is written to storage (default: JSON of `StoredSession`). */
  serialize?(session: StoredSession): string;
  /** Optional: reads what `serialize` wrote; `null` for anything that is not a session. */
  deserialize?(raw: string): StoredSession | null;
}
