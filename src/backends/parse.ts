import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString, parseJson } from '../internal/guards.js';
import { KeyStore, storeId, type StorageMode } from '../storage/key-store.js';
import { toPublicUser } from './session-codec.js';
import type { AuthBackend, PublicUser, RevokeScope, StoredSession } from './backend.js';

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

interface RequestOptions {
  signal: AbortSignal;
  token?: string;
  body?: Record<string, unknown>;
}

/** No auth answer is this big: a larger reply is a wrong server, not a user to parse. */
const maxReplyBytes = 1_000_000;

/** Fields of Parse's user JSON that are bookkeeping (or access rules), not user fields. */
const parseBookkeeping = ['objectId', 'className', '__type', 'ACL'];

/**
 * Parse Server's REST API over `fetch` — no Parse SDK. Stores sessions in the SDK's own JSON
 * shape (the user object with `objectId` and `sessionToken`), so a page can share the signed-in
 * user with the Parse JavaScript SDK. Settings are checked when a request is made: bad ones
 * reject with an `AuthError` of code `misconfigured`.
 */
export class ParseBackend implements AuthBackend {
  readonly #options: ParseBackendOptions;

  constructor(options: ParseBackendOptions) {
    this.#options = { ...options };
  }

  async logIn(username: string, password: string, { signal }: { signal: AbortSignal }): Promise<StoredSession> {
    const reply = await this.#request('POST', '/login', { signal, body: { username, password } });
    return sessionFromReply(reply);
  }

  async signUp(
    username: string,
    password: string,
    extra: Record<string, unknown>,
    { signal }: { signal: AbortSignal },
  ): Promise<StoredSession> {
    // Parse field names start with a letter; a form's `_method`, `_token`… would be read as
    // request keys (`_method=PUT` turns the sign-up into another call): they are not user fields.
    const fields = Object.entries(extra).filter(([name]) => !name.startsWith('_'));
    const body = { ...Object.fromEntries(fields), username, password };
    const reply = await this.#request('POST', '/users', { signal, body });
    return sessionFromReply({ ...body, ...reply });
  }

  async logOut(session: StoredSession, { scope, signal }: { scope: RevokeScope; signal: AbortSignal }): Promise<void> {
    const token = session.token;
    if (scope === 'all') {
      // The server lists only this user's sessions for this token, and lets it delete them.
      const { results } = await this.#request('GET', '/sessions', { signal, token });
      const others = Array.isArray(results)
        ? results.filter((s: unknown): s is Record<string, unknown> => isRecord(s) && nonEmptyString(s.objectId) && s.sessionToken !== token)
        : [];
      for (const other of others) {
        await this.#request('DELETE', `/sessions/${encodeURIComponent(String(other.objectId))}`, { signal, token }).catch(
          (error: unknown) => {
            // Gone in the meantime (Parse code 101: object not found) is what we wanted.
            if (!(error instanceof AuthError && error.serverCode === 101)) throw error;
          },
        );
      }
    }
    await this.#request('POST', '/logout', { signal, token });
  }

  async currentUser(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<PublicUser> {
    return sessionFromReply({ ...(await this.#request('GET', '/users/me', { signal, token: session.token })), sessionToken: session.token }).user;
  }

  /** The Parse SDK's `currentUser` JSON. */
  serialize(session: StoredSession): string {
    const { id, ...fields } = session.user;
    return JSON.stringify({ ...fields, objectId: id, sessionToken: session.token, className: '_User' });
  }

  deserialize(raw: string): StoredSession | null {
    const value = parseJson(raw);
    return isRecord(value) && nonEmptyString(value.sessionToken) && nonEmptyString(value.objectId)
      ? sessionFromReply(value)
      : null;
  }

  async #request(method: string, path: string, { signal, token, body }: RequestOptions): Promise<Record<string, unknown>> {
    const { serverURL, appId, clientKey, storage = 'local' } = this.#options;
    if (!nonEmptyString(appId)) {
      throw new AuthError('misconfigured', 'Parse needs an application id: set the app-id attribute.');
    }
    const url = parseServerURL(serverURL, path);
    const keys = { appId, clientKey, token, installationId: installationId(appId, storage) };
    // Custom headers would make every cross-origin call a CORS preflight (an extra round trip,
    // cached 5 s: Parse sends no Access-Control-Max-Age). There the kit speaks like the Parse
    // SDK: a "simple" text/plain POST with the method and keys in the JSON body.
    const init =
      url.origin === globalThis.location?.origin ? headerRequest(method, keys, body) : simpleRequest(method, keys, body);

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, signal });
      if (Number(response.headers.get('content-length')) > maxReplyBytes) {
        void response.body?.cancel().catch(() => {});
        throw new AuthError('server', `The server's reply is too large (over ${maxReplyBytes} bytes) for an auth answer.`, {
          status: response.status,
        });
      }
      text = await response.text();
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (signal.aborted) {
        throw signal.reason instanceof AuthError ? signal.reason : new AuthError('aborted', undefined, { cause: signal.reason });
      }
      throw new AuthError('network', `Could not reach the Parse server at ${url.origin}.`, { cause: error });
    }
    return readReply(response.status, text);
  }
}

interface ParseKeys {
  appId: string;
  clientKey: string | undefined;
  token: string | undefined;
  installationId: string;
}

/** Parse's REST form: the keys in `X-Parse-*` headers, the body as JSON. */
function headerRequest(method: string, keys: ParseKeys, body?: Record<string, unknown>): RequestInit {
  const headers: Record<string, string> = {
    'X-Parse-Application-Id': keys.appId,
    'X-Parse-Installation-Id': keys.installationId,
  };
  if (keys.clientKey) headers['X-Parse-JavaScript-Key'] = keys.clientKey;
  if (keys.token) headers['X-Parse-Session-Token'] = keys.token;
  if (body) headers['Content-Type'] = 'application/json';
  return { method, headers, body: body && JSON.stringify(body) };
}

/**
 * The Parse SDK's form for browsers, which needs no CORS preflight: always POST, no custom
 * headers, `Content-Type: text/plain`, and the real method and the keys as `_`-fields of the JSON body.
 */
function simpleRequest(method: string, keys: ParseKeys, body?: Record<string, unknown>): RequestInit {
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

/** Turns a Parse reply into its JSON object, or throws the matching `AuthError`. */
function readReply(status: number, text: string): Record<string, unknown> {
  const data = parseJson(text);
  if (status >= 200 && status < 300) {
    if (isRecord(data)) return data;
    throw new AuthError('server', `The server answered ${status} with something that is not a JSON object.`, { status });
  }
  const serverCode = isRecord(data) && typeof data.code === 'number' ? data.code : undefined;
  const said = isRecord(data) && typeof data.error === 'string' ? ` Parse says: "${data.error}"` : '';
  const options = { status, serverCode };
  if (status === 403 && serverCode === undefined) {
    // Parse's answer to an unknown application id or a missing / wrong client key.
    throw new AuthError('misconfigured', `Parse refused the app's keys: check app-id and client-key.${said}`, options);
  }
  if (serverCode === 209 || (status === 401 && serverCode === undefined)) {
    throw new AuthError('invalid-session', `The session is no longer valid.${said}`, options);
  }
  if (serverCode === 101) throw new AuthError('invalid-credentials', `Wrong username or password.${said}`, options);
  if (serverCode === 202) throw new AuthError('username-taken', `This username is already taken.${said}`, options);
  if (status >= 500 || serverCode === undefined) {
    throw new AuthError('server', `The server failed with HTTP ${status}.${said}`, options);
  }
  throw new AuthError('bad-request', `The server refused the request.${said}`, options);
}

/** The URL of `path` on the server: `serverURL` is an http(s) URL, or a path on the page's origin (`/parse`). */
function parseServerURL(serverURL: unknown, path: string): URL {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a URL object or whatever a JS caller passed, as String() shows it
  const given = serverURL == null ? '' : String(serverURL).trim();
  try {
    if (given) {
      const onPageOrigin = /^\/(?![/\\])/.test(given); // "/parse", not "//host" or "/\host"
      const url = new URL(given, onPageOrigin ? globalThis.location?.href : undefined);
      url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`; // a query string in server-url stays after the path
      if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    }
  } catch {
    // reported below
  }
  throw new AuthError(
    'misconfigured',
    `"${given}" is not a usable server URL: set server-url to where Parse Server is mounted, e.g. http://localhost:1337/parse or /parse.`,
  );
}

/** A session from Parse's user JSON (a login/sign-up reply, `/users/me`, or stored SDK JSON). */
function sessionFromReply(reply: Record<string, unknown>): StoredSession {
  const { sessionToken, objectId } = reply;
  if (!nonEmptyString(sessionToken) || !nonEmptyString(objectId)) {
    throw new AuthError('server', 'The server answered without a user id and session token.');
  }
  const fields = { ...reply };
  for (const name of parseBookkeeping) delete fields[name];
  return { token: sessionToken, user: toPublicUser(fields, objectId) };
}

/** One store per storage mode and app, so a storage that failed once stays on page memory. */
const installationStores = new Map<string, KeyStore>();

/**
 * The installation id the Parse SDK keeps at `Parse/<appId>/installationId`, created if missing,
 * in the given storage (KeyStore: page memory where that storage fails).
 */
function installationId(appId: string, storage: StorageMode): string {
  const key = `Parse/${appId}/installationId`;
  const where = storeId(storage, key);
  let store = installationStores.get(where);
  if (!store) installationStores.set(where, (store = new KeyStore(storage, key)));
  let id = store.read();
  if (!id) store.write((id = uuid()));
  return id;
}

function uuid(): string {
  return globalThis.crypto?.randomUUID?.() ?? 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}
