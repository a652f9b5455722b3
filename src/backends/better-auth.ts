import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString, parseJson } from '../internal/guards.js';
import { sendRequest } from '../internal/http-reply.js';
import { withWebLock } from '../internal/web-lock.js';
import { toServerTarget, type ServerTarget } from '../internal/server-url.js';
import {
  Capability,
  type AuthBackend,
  type PublicUser,
  type RevokeOptions,
  type SessionInfo,
  type StoredSession,
} from './backend.js';
import { deserializeSession, toPublicUser } from './session-codec.js';

export interface BetterAuthBackendOptions {
  /**
   * Where Better Auth's handler is mounted, basePath included: `https://app.example/api/auth`,
   * or a path on this origin such as `/api/auth`.
   */
  serverURL: string;
}

/** What `StoredSession.token` holds: a marker naming the server's session, never its cookie. */
const markerPrefix = 'better-auth-session:';

/** Better Auth's error codes the kit gives a meaning to. */
const credentialCodes = new Set(['INVALID_EMAIL_OR_PASSWORD', 'INVALID_USERNAME_OR_PASSWORD']);
const takenCodes = new Set(['USER_ALREADY_EXISTS', 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', 'USERNAME_IS_ALREADY_TAKEN']);
const originCodes = new Set(['INVALID_ORIGIN', 'MISSING_OR_NULL_ORIGIN', 'CROSS_SITE_NAVIGATION_LOGIN_BLOCKED']);

/**
 * Better Auth (and servers that speak its REST API) with its session in an httpOnly cookie the
 * page cannot read: every request goes with `credentials: 'include'`. What `<user-session>`
 * stores is the public user and a marker naming the server's session (its id, which is no
 * credential), so the first paint is right and tabs stay in step while the secret stays in
 * the cookie. Sign-in by email (`/sign-in/email`) or, for a name without `@`, by username (the
 * username plugin). Requests never follow redirects; replies are read up to 1 MB.
 *
 * A sign-out is only sent for the session it was meant for: the cookie may name a newer one by
 * the time a queued sign-out is replayed, and that one is left alone (SPEC §3.4).
 */
export class BetterAuthBackend implements AuthBackend {
  readonly capabilities = [
    Capability.passwordLogIn,
    Capability.signUp,
    Capability.revokeOthers,
    Capability.revokeAll,
    Capability.listSessions,
    Capability.revokeSession,
    Capability.serverSession,
    // With @better-auth/passkey and the twoFactor plugin on the server (AddOnCapability).
    'passkeys' as const,
    'two-factor' as const,
  ];
  readonly #options: BetterAuthBackendOptions;
  #target: ServerTarget | undefined;

  constructor(options: BetterAuthBackendOptions) {
    this.#options = { ...options };
  }

  /** One key per server: two Better Auth servers on one origin keep apart. */
  get defaultStorageKey(): string {
    return `user-session/better-auth@${String(this.#options.serverURL ?? '')
      .trim()
      .replace(/\/+$/, '')}`;
  }

  /** The server, as the storage key: a revocation queued for this backend is sent to no other. */
  get server(): string | undefined {
    return this.#options.serverURL ? this.defaultStorageKey : undefined;
  }

  /**
   * A name with `@` signs in by email, any other by username (Better Auth's username plugin). An
   * account with two-step sign-in (the `twoFactor` plugin) needs the add-on that asks for its code.
   * Read on first use (`better-auth-sign-in.ts`), as `signUp`: pages without a sign-in never download it.
   */
  async logIn(username: string, password: string, { signal }: { signal: AbortSignal }): Promise<StoredSession> {
    return (await import('./better-auth-sign-in.js')).logIn(this, username, password, signal);
  }

  /**
   * `/sign-up/email`: Better Auth needs an email and a name. A name with `@` is the email; any
   * other is the username (username plugin) and `extra.email` is then required.
   */
  async signUp(
    username: string,
    password: string,
    extra: Record<string, unknown>,
    { signal }: { signal: AbortSignal },
  ): Promise<StoredSession> {
    return (await import('./better-auth-sign-in.js')).signUp(this, username, password, extra, signal);
  }

  /**
   * `current`: this session alone, by the token get-session gave for it (`/revoke-session`,
   * which also clears the cookie while it still names it), never `/sign-out`: the cookie may name
   * a newer session by the time the request goes (a sign-in meanwhile), and that one lives on.
   * When the cookie already names a newer one, this session is revoked by its id. `others` and
   * `all` (read on first use, `better-auth-sessions.ts`): the user's other sessions first.
   */
  logOut(session: StoredSession, { scope, signal, createdBefore }: RevokeOptions): Promise<void> {
    return this.#withSession(signal, async (current) => {
      const mine = sessionIdOf(session);
      const cookie = current?.sessionId;
      if (!cookie) {
        // No session behind the cookie: nothing left here to sign out.
        if (scope === 'current') return;
        throw new AuthError('invalid-session');
      }
      if (scope !== 'current') {
        await (await import('./better-auth-sessions.js')).revokeOthers(this, mine, cookie, createdBefore, signal);
        if (scope === 'others') return;
      }
      if (cookie === mine) await this.request('POST', '/revoke-session', signal, { token: current.token });
      // By its id: not a cookie step (it takes no lock), so it may run inside this one.
      else await this.revokeSession(session, mine, { signal });
    });
  }

  /** `/get-session`: `null` (no session behind the cookie) or another session there is `invalid-session`. */
  currentUser(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<PublicUser> {
    return this.#withSession(signal, (reply) => {
      if (reply?.sessionId !== sessionIdOf(session)) throw new AuthError('invalid-session');
      return reply.user;
    });
  }

  /** `/list-sessions`: this browser's session first, then the newest first. */
  async listSessions(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<SessionInfo[]> {
    const mine = sessionIdOf(session);
    // Read on first use: pages without <session-list> never download it.
    const { listed, sessionInfos } = await import('./better-auth-sessions.js');
    const all = await listed(this, signal);
    if (!all.some((s) => s.id === mine)) throw new AuthError('invalid-session');
    return sessionInfos(all, mine);
  }

  /** `/revoke-session` with the token the list gives for `id` (read here, sent back, never kept). */
  async revokeSession(_session: StoredSession, id: string, { signal }: { signal: AbortSignal }): Promise<void> {
    await (await import('./better-auth-sessions.js')).revokeById(this, id, signal);
  }

  /** A stored session of this backend (a marker); anything else (a Parse token, an OIDC set) is none. */
  deserialize(raw: string): StoredSession | null {
    const session = deserializeSession(raw);
    return session && session.token.startsWith(markerPrefix) ? session : null;
  }

  /**
   * `/get-session`: the session behind the cookie (signed in by the page's own form, say), or
   * `null`. Not a cookie step: the take-up only reads, and holding the lock while its answer is
   * slow would make a sign-in in another tab wait, then be outdated by what it took up.
   */
  async serverSession({ signal }: { signal: AbortSignal }): Promise<StoredSession | null> {
    return marked(readSession(await this.request('GET', '/get-session?disableCookieCache=true', signal)));
  }

  /**
   * Sends `send`, the request that gives the browser a new session cookie (a sign-in by
   * password, passkey or code; turning two-step sign-in on or off, which replaces the session),
   * then reads the session the cookie now names, as one cookie step. No cookie kept by the
   * browser is a setup fault, said plainly. For the kit's add-ons; not a general API.
   */
  signedIn(signal: AbortSignal, send: () => Promise<unknown>): Promise<StoredSession> {
    return this.#withSession(
      signal,
      (reply) => {
        if (!reply) {
          throw new AuthError(
            'misconfigured',
            'Signed in, but the browser did not keep the session cookie: the server must be same-site with this page (or send SameSite=None; Secure cookies) and allow credentials.',
          );
        }
        return marked(reply)!;
      },
      send,
    );
  }

  /**
   * `send` (if any), then `/get-session`, then `then` with the session behind the cookie (or
   * `null`), as one cookie step: no other cookie step of this server (a sign-in, a sign-out, a
   * check) runs meanwhile in this browser (a Web Lock per server, across tabs). Better Auth sets
   * the cookie on a sign-in and clears it in the reply that revokes the cookie's own session (or
   * finds it ended); side by side, the late reply of an old session's sign-out cleared the cookie
   * a new sign-in had just set. Other requests (the take-up, session lists, revocation by id,
   * the add-ons' passkey and setup requests) take no lock: they change no cookie unless its
   * session has already ended. When the server cannot say after `send` (get-session fails), the
   * session `send` just made is ended (`/sign-out`, best effort): a failed sign-in leaves none
   * for a reload to take up. Once granted the lock, `signal` hears `lock-granted` first.
   */
  async #withSession<T>(
    signal: AbortSignal,
    then: (reply: CookieSession | null) => T | Promise<T>,
    send?: () => Promise<unknown>,
  ): Promise<T> {
    const step = async (): Promise<T> => {
      // Its turn at the lock: a listener may abort the call here with news it has not heard yet
      // (a sign-in re-reads storage: another tab's, stored meanwhile, outdates it; `signInWith`);
      // every request below takes `signal`, so an aborted call sends nothing.
      signal.dispatchEvent(new Event('lock-granted'));
      await send?.();
      let reply: CookieSession | null;
      try {
        // `disableCookieCache`: the server's word, not a copy cached in another cookie.
        reply = readSession(await this.request('GET', '/get-session?disableCookieCache=true', signal));
      } catch (error) {
        if (send) await this.request('POST', '/sign-out', AbortSignal.timeout(10_000), {}).catch(() => {});
        throw error;
      }
      return then(reply);
    };
    // The lock is named by the server's parsed URL: two spellings of one server share it.
    return withWebLock(this.#server().base, step, signal);
  }

  #server(): ServerTarget {
    return (this.#target ??= toServerTarget(this.#options.serverURL, '/api/auth'));
  }

  /**
   * One request to the server's REST API, `path` under its base path: the cookie goes with it,
   * redirects are refused, the reply is read up to 1 MB and turned into JSON or an `AuthError`.
   * What add-on features call for their own endpoints (passkeys).
   */
  async request(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: Record<string, unknown>): Promise<unknown> {
    const target = this.#server();
    const init: RequestInit = { method, credentials: 'include', cache: 'no-store' };
    if (body) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const [pathname, query = ''] = path.split('?');
    const search = [target.search.slice(1), query].filter(Boolean).join('&');
    const url = target.base + pathname + (search ? `?${search}` : '');
    const { status, text } = await sendRequest(url, init, signal, target.origin);
    return readReply(status, text, url);
  }
}

/** The session behind the cookie (`token`: its credential, for one request in memory only). */
interface CookieSession {
  sessionId: string;
  token: string;
  user: PublicUser;
}

/** get-session's reply: `null` (no session behind the cookie) or the session and its public user. */
function readSession(reply: unknown): CookieSession | null {
  if (reply === null) return null;
  const { session, user } = isRecord(reply) ? reply : {};
  if (
    !isRecord(session) ||
    !nonEmptyString(session.id) ||
    !nonEmptyString(session.token) ||
    !isRecord(user) ||
    !nonEmptyString(user.id)
  ) {
    throw new AuthError('server', 'get-session answered without a session and user.');
  }
  const publicUser = toPublicUser(user, user.id);
  // A user field that quotes the session's credential (a server that copies it there) is not public.
  for (const [name, value] of Object.entries(publicUser)) {
    if (name !== 'id' && JSON.stringify(value)?.includes(session.token)) delete publicUser[name];
  }
  return { sessionId: session.id, token: session.token, user: publicUser };
}

/** What `<user-session>` stores of a cookie session: a marker naming it, and the public user. */
function marked(reply: CookieSession | null): StoredSession | null {
  return reply && { token: markerPrefix + reply.sessionId, user: reply.user };
}

/** The server's session id in a stored marker. */
function sessionIdOf(session: StoredSession): string {
  return session.token.slice(markerPrefix.length);
}

/**
 * A Better Auth reply as JSON, or the matching `AuthError`. Only Better Auth's own error codes
 * are believed: a bare 401 from a proxy in front is no proof the session ended.
 */
function readReply(status: number, text: string, url: string): unknown {
  const data = parseJson(text);
  if (status >= 200 && status < 300) {
    if (data === undefined) throw new AuthError('server', `HTTP ${status} without JSON.`, { status });
    return data;
  }
  const { code, message } = isRecord(data) ? data : {};
  // The kit never knows the cookie's token, so it cannot redact it by value: a message that quotes
  // it (a proxy, a plugin) loses every run of 20+ letters and digits, the shape of Better Auth's tokens.
  const said = typeof message === 'string' ? ` Better Auth says: "${message.replace(/[A-Za-z0-9]{20,}/g, '[redacted]')}"` : '';
  const options = { status };
  if (typeof code !== 'string') {
    throw status === 404
      ? new AuthError(
          'misconfigured',
          `HTTP 404 at ${url.split('?')[0]}: check server-url (Better Auth's basePath included) and its plugins.`,
          options,
        )
      : new AuthError(status === 401 || status === 403 ? 'misconfigured' : 'server', `HTTP ${status}.${said}`, options);
  }
  if (code === 'UNAUTHORIZED' && status === 401)
    throw new AuthError('invalid-session', `Session no longer valid.${said}`, options);
  if (credentialCodes.has(code)) throw new AuthError('invalid-credentials', `Wrong username or password.${said}`, options);
  if (takenCodes.has(code)) throw new AuthError('username-taken', `Already taken.${said}`, options);
  if (originCodes.has(code)) {
    const origin = globalThis.location?.origin ?? 'this page';
    throw new AuthError(
      'misconfigured',
      `The server refuses requests from ${origin}: add it to Better Auth's trustedOrigins.${said}`,
      options,
    );
  }
  if (status >= 500) throw new AuthError('server', `HTTP ${status}.${said}`, options);
  throw new AuthError('bad-request', `Refused.${said}`, options);
}
