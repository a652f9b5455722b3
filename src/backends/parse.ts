import { AuthError, toAuthError } from '../errors.js';
import { isRecord, nonEmptyString, parseJson } from '../internal/guards.js';
import { sendRequest } from '../internal/http-reply.js';
import { toServerTarget, type ServerTarget } from '../internal/server-url.js';
import { KeyStore, type StorageMode } from '../storage/key-store.js';
import { parseBookkeeping } from './parse-fields.js';
import { readTwoFactorStatus } from './two-step-status.js';
import { toPublicUser } from './session-codec.js';
import {
  Capability,
  type AuthBackend,
  type PublicUser,
  type RevokeOptions,
  type SessionInfo,
  type StoredSession,
} from './backend.js';

export interface ParseBackendOptions {
  /** Where Parse Server is mounted: an http(s) URL such as `http://localhost:1337/parse`, or a path on this origin such as `/parse`. */
  serverURL: string;
  /** Parse's application id (`X-Parse-Application-Id`, or `_ApplicationId` to another origin). */
  appId: string;
  /** Optional JavaScript key (`X-Parse-JavaScript-Key`, or `_JavaScriptKey` to another origin). */
  clientKey?: string;
  /**
   * Where the installation id is kept: `local` (default: localStorage, the Parse SDK's key),
   * `session` or `memory` — `<user-session>` passes its own `storage`, so a page that keeps
   * the session in memory leaves nothing in Web Storage.
   */
  storage?: StorageMode;
}

export interface RequestOptions {
  signal: AbortSignal;
  token?: string;
  body?: Record<string, unknown>;
}

/** Fields of the SDK's stored user that `user` never shows but the SDK needs back in storage. */
const keptForSDK = ['authData', 'ACL'];

/**
 * Parse Server's REST API over `fetch` — no Parse SDK. Stores sessions in the SDK's own JSON
 * shape (the user object with `objectId` and `sessionToken`), so a page can share the signed-in
 * user with the Parse JavaScript SDK. Settings are checked when a request is made: bad ones
 * reject with an `AuthError` of code `misconfigured`. Requests never follow redirects, replies
 * are read up to 1 MB, and no error quotes the session token (SPEC §7).
 */
export class ParseBackend implements AuthBackend {
  readonly capabilities = [
    Capability.passwordLogIn,
    Capability.signUp,
    Capability.revokeOthers,
    Capability.revokeAll,
    Capability.updateUser,
    Capability.passwordReset,
    Capability.verificationEmail,
    Capability.listSessions,
    Capability.revokeSession,
    // With the `mfa` auth adapter on the server (AddOnCapability).
    'two-factor' as const,
  ];
  readonly #options: ParseBackendOptions;
  /** Per token, the stored SDK fields that `user` does not show. */
  readonly #kept = new Map<string, Record<string, unknown>>();
  /** `serverURL`, checked and parsed once (the options never change). */
  #target: ServerTarget | undefined;

  constructor(options: ParseBackendOptions) {
    this.#options = { ...options };
  }

  /** The server URL and app id: a revocation queued for this backend is sent to no other. */
  get server(): string | undefined {
    const { serverURL, appId } = this.#options;
    // Not set up yet (a framework sets the attributes after connecting): no server.
    return serverURL && appId ? `${String(serverURL).trim().replace(/\/+$/, '')} ${appId}` : undefined;
  }

  async logIn(username: string, password: string, options: { signal: AbortSignal }): Promise<StoredSession> {
    const reply = await this.request('POST', '/login', { ...options, body: { username, password } });
    return this.#session(reply);
  }

  async signUp(
    username: string,
    password: string,
    extra: Record<string, unknown>,
    options: { signal: AbortSignal },
  ): Promise<StoredSession> {
    // Parse field names start with a letter; a form's `_method`, `_token`… would be read as
    // request keys (`_method=PUT` turns the sign-up into another call): they are not user fields.
    const fields = Object.entries(extra).filter(([name]) => !name.startsWith('_'));
    const body = { ...Object.fromEntries(fields), username, password };
    const reply = await this.request('POST', '/users', { ...options, body });
    return this.#session({ ...body, ...reply });
  }

  /** `current`: `POST /logout`. `others`: ends every other session of the user (`parse-sessions.ts`). `all`: both. */
  async logOut(session: StoredSession, { scope, signal, createdBefore }: RevokeOptions): Promise<void> {
    const token = session.token;
    // The other sessions, read on first use (`parse-sessions.ts`): a page whose log-outs are `current` never downloads them.
    if (scope !== 'current') await (await import('./parse-sessions.js')).endOthers(this, token, signal, createdBefore);
    if (scope !== 'others') await this.request('POST', '/logout', { signal, token });
  }

  /** The user's sessions (`parse-sessions.ts`, read on first use: pages without `<session-list>` never download it). */
  async listSessions(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<SessionInfo[]> {
    return (await import('./parse-sessions.js')).sessionInfos(this, session.token, signal);
  }

  /** `DELETE /sessions/<objectId>` with the user's token (`parse-sessions.ts`). */
  async revokeSession(session: StoredSession, id: string, { signal }: { signal: AbortSignal }): Promise<void> {
    return (await import('./parse-sessions.js')).endSession(this, session.token, id, signal);
  }

  /** `POST /requestPasswordReset` (read on first use, as the mail requests and `updateUser`: `parse-account.ts`). */
  async requestPasswordReset(email: string, { signal }: { signal: AbortSignal }): Promise<void> {
    return (await import('./parse-account.js')).mail(this, '/requestPasswordReset', email, signal);
  }

  /** `POST /verificationEmailRequest`. */
  async requestVerificationEmail(email: string, { signal }: { signal: AbortSignal }): Promise<void> {
    return (await import('./parse-account.js')).mail(this, '/verificationEmailRequest', email, signal);
  }

  async currentUser(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<PublicUser> {
    return this.#session({
      ...(await this.request('GET', '/users/me', { signal, token: session.token })),
      sessionToken: session.token,
    }).user;
  }

  /** `PUT /users/<id>` with the session token (`parse-account.ts`). */
  async updateUser(
    session: StoredSession,
    fields: Record<string, unknown>,
    options: { signal: AbortSignal },
  ): Promise<PublicUser> {
    return (await import('./parse-account.js')).updateUser(this, session, fields, options.signal);
  }

  /**
   * The Parse SDK's `currentUser` JSON, with the fields `user` never shows (`authData`, `ACL`)
   * put back as they were read, so the SDK on the same page loses nothing it relies on.
   */
  serialize(session: StoredSession): string {
    const { id, ...fields } = session.user;
    return JSON.stringify({
      ...this.#kept.get(session.token),
      ...fields,
      objectId: id,
      sessionToken: session.token,
      className: '_User',
    });
  }

  /** A session from Parse's user JSON, noting the fields kept out of `user` for `serialize`. */
  #session(reply: Record<string, unknown>): StoredSession {
    const session = sessionFromReply(reply);
    // Merged: a reply that leaves a field out (as /users/me may) does not drop what storage had.
    const kept = { ...this.#kept.get(session.token) };
    for (const name of keptForSDK) if (name in reply) kept[name] = reply[name];
    this.#kept.delete(session.token); // re-inserted last: the map holds the few newest tokens
    this.#kept.set(session.token, kept);
    for (const old of this.#kept.keys()) if (this.#kept.size > 4) this.#kept.delete(old);
    return session;
  }

  deserialize(raw: string): StoredSession | null {
    const value = parseJson(raw);
    return isRecord(value) && nonEmptyString(value.sessionToken) && nonEmptyString(value.objectId) ? this.#session(value) : null;
  }

  /** One request to Parse's REST API (what add-ons call): a JSON object, or the matching `AuthError`, never quoting `token`. */
  request(method: string, path: string, options: RequestOptions): Promise<Record<string, unknown>> {
    // Whatever went wrong, the error quotes the token nowhere (SPEC §7.9).
    return this.#send(method, path, options).catch((error: unknown) => {
      throw toAuthError(error, options.token);
    });
  }

  async #send(method: string, path: string, { signal, token, body }: RequestOptions): Promise<Record<string, unknown>> {
    const { serverURL, appId, clientKey, storage = 'local' } = this.#options;
    if (!nonEmptyString(appId)) {
      throw new AuthError('misconfigured', 'Set app-id: Parse needs an application id.');
    }
    const target = (this.#target ??= toServerTarget(serverURL, '/parse'));
    const endpoint = target.base + path;
    const keys = { appId, clientKey, token, installationId: installationId(appId, storage) };
    // Custom headers would make every cross-origin call a CORS preflight (an extra round trip,
    // cached 5 s: Parse sends no Access-Control-Max-Age). There the kit speaks like the Parse
    // SDK: a "simple" text/plain POST with the method and keys in the JSON body.
    const init = requestForm(target.sameOrigin, method, keys, body);
    // What fetch could not even build is the page's settings, not the network: never sent, so
    // never worth a retry (SPEC §7.7). Checked here rather than by building a Request twice.
    if (Object.values(init.headers as Record<string, string>).some((v) => /[\0\n\r\u0100-\uffff]/.test(v))) {
      throw new AuthError('misconfigured', 'app-id or client-key is not a valid header value.');
    }

    const { status, text } = await sendRequest(endpoint + target.search, init, signal, target.origin);
    return readReply(status, text, path, endpoint);
  }
}

interface ParseKeys {
  appId: string;
  clientKey: string | undefined;
  token: string | undefined;
  installationId: string;
}

/**
 * Same origin: Parse's REST form — the real method, the keys in `X-Parse-*` headers, the body
 * as JSON. Another origin: the Parse SDK's browser form, which needs no CORS preflight — always
 * POST, `Content-Type: text/plain`, the real method and the keys as `_`-fields of the JSON body.
 */
function requestForm(sameOrigin: boolean, method: string, keys: ParseKeys, body?: Record<string, unknown>): RequestInit {
  if (sameOrigin) {
    const headers: Record<string, string> = {
      'X-Parse-Application-Id': keys.appId,
      'X-Parse-Installation-Id': keys.installationId,
    };
    if (keys.clientKey) headers['X-Parse-JavaScript-Key'] = keys.clientKey;
    if (keys.token) headers['X-Parse-Session-Token'] = keys.token;
    if (body) headers['Content-Type'] = 'application/json';
    return { method, headers, body: body && JSON.stringify(body) };
  }
  const payload: Record<string, unknown> = {
    ...body,
    _method: method,
    _ApplicationId: keys.appId,
    _InstallationId: keys.installationId,
  };
  if (keys.clientKey) payload._JavaScriptKey = keys.clientKey;
  if (keys.token) payload._SessionToken = keys.token;
  return { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(payload) };
}

/**
 * Turns a Parse reply into its JSON object, or throws the matching `AuthError`. Only Parse's
 * own codes are believed: a bare 401/403/404 comes from whatever stands in front of it.
 */
function readReply(status: number, text: string, path: string, endpoint: string): Record<string, unknown> {
  const data = parseJson(text);
  if (status >= 200 && status < 300) {
    if (isRecord(data)) return data;
    throw new AuthError('server', `HTTP ${status} without a JSON object.`, { status });
  }
  const serverCode = isRecord(data) && typeof data.code === 'number' ? data.code : undefined;
  const said = isRecord(data) && typeof data.error === 'string' ? ` Parse says: "${data.error}"` : '';
  const options = { status, serverCode };
  if (serverCode === undefined) {
    // Not Parse speaking, or Parse refusing the app's keys (403): never proof about the session.
    throw status === 404
      ? new AuthError('misconfigured', `HTTP 404 at ${endpoint}: check server-url.`, options)
      : status === 401 || status === 403
        ? new AuthError('misconfigured', `HTTP ${status}: check app-id, client-key and any proxy.${said}`, options)
        : new AuthError('server', `HTTP ${status}.${said}`, options);
  }
  if (serverCode === 209) throw new AuthError('invalid-session', `Session no longer valid.${said}`, options);
  // 101 means "wrong username or password" on log-in; elsewhere it is "object not found".
  if (serverCode === 101 && path === '/login')
    throw new AuthError('invalid-credentials', `Wrong username or password.${said}`, options);
  if (serverCode === 202) throw new AuthError('username-taken', `Username taken.${said}`, options);
  if (status >= 500) throw new AuthError('server', `HTTP ${status}.${said}`, options);
  throw new AuthError('bad-request', `Refused.${said}`, options);
}

/** A session from Parse's user JSON (a login/sign-up reply, `/users/me`, or stored SDK JSON). */
function sessionFromReply(reply: Record<string, unknown>): StoredSession {
  const { sessionToken, objectId } = reply;
  if (!nonEmptyString(sessionToken) || !nonEmptyString(objectId)) {
    throw new AuthError('server', 'No user id and session token in the answer.');
  }
  const fields: Record<string, unknown> = { ...reply };
  for (const name of parseBookkeeping) delete fields[name];
  readTwoFactorStatus(reply, fields);
  return { token: sessionToken, user: toPublicUser(fields, objectId) };
}

/**
 * The installation id the Parse SDK keeps at `Parse/<appId>/installationId`, created if missing,
 * in the given storage (KeyStore: page memory where that storage refuses it).
 */
function installationId(appId: string, storage: StorageMode): string {
  const store = new KeyStore(storage, `Parse/${appId}/installationId`);
  let id = store.read();
  if (!id) store.write((id = uuid()));
  return id;
}

/** A UUID; outside a secure context (no `randomUUID`), any unique string: Parse Server takes it as it is. */
function uuid(): string {
  return globalThis.crypto?.randomUUID?.() ?? Date.now().toString(16) + Math.random().toString(16).slice(2);
}
