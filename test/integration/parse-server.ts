// Browser-side helpers for the integration tests: the real Parse Server started by
// scripts/wtr-parse-plugin.mjs, its fault proxy, and plain REST calls (as any page could make).
import '../helpers/safe-errors.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { clearStorage } from '../helpers/fixtures.js';

export interface ParseConfig {
  appId: string;
  /** Parse Server itself, e.g. `http://127.0.0.1:41234/parse`. */
  serverURL: string;
  /** The same server through the fault proxy. */
  proxyServerURL: string;
}

export interface Fault {
  status?: number;
  body?: string;
  contentType?: string;
  html?: boolean;
  delayMs?: number;
  /** Keep matching requests waiting until `release()` (then forward, unless another fault is set). */
  hold?: boolean;
  /** Forward at once and keep the server's answer until `release()` (a slow server; alone). */
  holdReply?: boolean;
  drop?: boolean;
  /** Answer this 3xx status, `Location: <redirectTo><path and query>`. */
  redirect?: number;
  redirectTo?: string;
  /** Answer a JSON object (`body` plus a pad field) of this many bytes, chunked, no Content-Length. */
  chunkedBytes?: number;
  /** With `chunkedBytes`: pause after each 64 KB chunk. */
  chunkIntervalMs?: number;
  path?: string;
  method?: string;
  times?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  fault: 'status' | 'body' | 'html' | 'drop' | 'redirect' | 'chunked' | null;
  contentType: string | null;
  /** Names of the `x-parse-*` headers it carried, sorted. */
  parseHeaders: string[];
  /** For a `chunkedBytes` answer: body bytes written before it ended or the client went away. */
  bytesSent?: number;
  /** For a `chunkedBytes` answer: whether the whole body was written. */
  complete?: boolean;
}

let config: ParseConfig | undefined;

/**
 * Where the server is; starts it on first use (3–5 s). Call it in a `before` hook with a long
 * timeout. The plugin answers within `waitMs`, so the web socket never times out (20 s).
 */
export async function parseConfig(): Promise<ParseConfig> {
  const deadline = Date.now() + 90_000;
  while (!config) {
    const reply = await executeServerCommand<{ ready: boolean } & ParseConfig, { waitMs: number }>('parse-config', {
      waitMs: 10_000,
    });
    if (reply.ready) config = { appId: reply.appId, serverURL: reply.serverURL, proxyServerURL: reply.proxyServerURL };
    else if (Date.now() > deadline) throw new Error('Parse Server did not start within 90 s');
  }
  return config;
}

/** A second Parse app on the same server's database that requires a JavaScript key (started on first use). */
export function keyedConfig(): Promise<ParseConfig & { clientKey: string }> {
  return executeServerCommand<ParseConfig & { clientKey: string }, undefined>('parse-keyed-config');
}

/** The fault proxy in front of the server. */
export const proxy = {
  setFault: (fault: Fault | null) => executeServerCommand('parse-proxy-fault', fault),
  /** Lets the requests a `hold` fault keeps go on; resolves to how many. */
  release: () => executeServerCommand<number, undefined>('parse-proxy-release'),
  /** Clears the fault and the request log (drops requests still held). */
  reset: () => executeServerCommand('parse-proxy-reset'),
  log: () =>
    executeServerCommand<{ requests: ProxiedRequest[]; preflights: ProxiedRequest[] }, undefined>('parse-proxy-requests'),
  /** Requests (never preflights) seen with this method and path, e.g. `('POST', '/parse/logout')`. */
  async count(method: string, path: string): Promise<number> {
    const { requests } = await proxy.log();
    return requests.filter((r) => r.method === method && r.path === path).length;
  },
  /**
   * Resolves once the proxy has seen `count` requests `method path` (a `hold` keeps them there).
   * ParseBackend sends every call as a simple POST, the real method in the body's `_method`.
   */
  async seen(method: string, path: string, count = 1): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await proxy.count(method, path)) < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${method} ${path}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  },
};

export interface CollectedRequest {
  method: string;
  path: string;
  /** Header names, lower case, sorted. */
  headerNames: string[];
  /** Which of the secrets asked about (raw, URL-encoded or JSON-escaped) it carried, anywhere. */
  leaked: string[];
}

/**
 * "Somewhere else": an HTTP server on another loopback address (127.0.0.2) that records every
 * request it gets and answers each with CORS allowed and a session of its own. Point the
 * proxy's `redirect` fault at it: whatever reaches it has left the Parse server.
 */
export const collector = {
  /** Its origin (started on first use), and the session it hands out. */
  info: () =>
    executeServerCommand<{ url: string; session: { objectId: string; username: string; sessionToken: string } }, undefined>(
      'parse-collector',
    ),
  /** Everything it got since the last reset; `leaked` says which of `secrets` each carried. */
  requests: async (secrets: string[] = []) =>
    (await executeServerCommand<{ requests: CollectedRequest[] }, { secrets: string[] }>('parse-collector-requests', { secrets }))
      .requests,
  reset: () => executeServerCommand('parse-collector-reset'),
  /** Makes the proxy redirect matching requests (`path`, e.g. `/parse/login`) to the collector. */
  async redirectHere(status: number, path?: string) {
    const { url } = await collector.info();
    await proxy.setFault({ redirect: status, redirectTo: url, ...(path ? { path } : {}) });
  },
};

/** Really stops Parse Server and its PostgreSQL: its port refuses connections. */
export const stopServer = () => executeServerCommand('parse-server-stop');
/** Starts them again on the same data and port (no-op when running). */
export const startServer = () => executeServerCommand('parse-server-start');

export interface RestReply {
  status: number;
  body: Record<string, unknown>;
}

/** One Parse REST call, the way a page would make it (no SDK, no master key). */
export async function rest(
  method: string,
  path: string,
  { token, body }: { token?: string; body?: Record<string, unknown> } = {},
): Promise<RestReply> {
  const { appId, serverURL } = await parseConfig();
  const headers: Record<string, string> = { 'X-Parse-Application-Id': appId };
  if (token) headers['X-Parse-Session-Token'] = token;
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${serverURL}${path}`, {
    method,
    headers,
    body: body && JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed as Record<string, unknown> };
}

/** What the server says about a token: `GET /users/me`. */
export function whoAmI(token: string): Promise<RestReply> {
  return rest('GET', '/users/me', { token });
}

/** A username no other test (nor an earlier run on the same database) uses. */
export function uniqueName(prefix = 'user'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const password = 'correct horse battery';

export interface RestUser {
  username: string;
  objectId: string;
  sessionToken: string;
}

/** Creates a user (with email `<username>@example.com`) through REST; resolves to its id and first session token. */
export async function signUpRest(username = uniqueName(), extra: Record<string, unknown> = {}): Promise<RestUser> {
  const reply = await rest('POST', '/users', { body: { username, password, email: `${username}@example.com`, ...extra } });
  if (reply.status !== 201) throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { username, objectId: String(reply.body.objectId), sessionToken: String(reply.body.sessionToken) };
}

/** One more session for a user, through REST. */
export async function logInRest(username: string): Promise<string> {
  const reply = await rest('POST', '/login', { body: { username, password } });
  if (reply.status !== 200) throw new Error(`log-in failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return String(reply.body.sessionToken);
}

/** The key `<user-session>` and the Parse SDK share. */
export function storageKeyFor(appId: string): string {
  return `Parse/${appId}/currentUser`;
}

/** The stored session, parsed (the Parse SDK's JSON), or null. */
export function stored(appId: string): Record<string, unknown> | null {
  const raw = localStorage.getItem(storageKeyFor(appId));
  return raw === null ? null : (JSON.parse(raw) as Record<string, unknown>);
}

/** Stores a session the way the Parse SDK does, as if an earlier page load had signed in. */
export function storeSession(appId: string, user: RestUser): void {
  localStorage.setItem(
    storageKeyFor(appId),
    JSON.stringify({ username: user.username, objectId: user.objectId, sessionToken: user.sessionToken, className: '_User' }),
  );
}

/** Resolves once `check()` is true; polls every 20 ms, fails after `ms`. */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The hooks every integration suite needs: the server's config before the first test (the
 * first suite of a run may wait for the server to start), clean storage and proxy before each
 * test, and afterwards the proxy reset and the server running again (a test may have stopped it).
 */
export function useParseServer(onConfig: (config: ParseConfig) => void): void {
  before(async function () {
    this.timeout(120_000);
    onConfig(await parseConfig());
  });
  beforeEach(async () => {
    clearStorage();
    await proxy.reset();
  });
  afterEach(async function () {
    this.timeout(30_000);
    await proxy.reset();
    await startServer();
  });
}
