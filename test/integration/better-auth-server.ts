// Browser-side helpers for tests against the real Better Auth server that
// scripts/wtr-better-auth-plugin.mjs starts behind its fault proxy (in-memory SQLite, the test
// pages' origin trusted). No helper ever hands the page a session token or cookie: a test gets
// its session the way an app does, by signing in with `credentials: 'include'`.
import '../helpers/safe-errors.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { afterConnect, clearStorage } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';
import { toServerTarget } from '../../src/internal/server-url.js';
import type { Fault } from './parse-server.js';

export interface BetterAuthConfig {
  /** `http://localhost:<proxy port>/api/auth` */
  serverUrl: string;
}

/** A session as the server's database has it (no token). */
export interface SessionRow {
  id: string;
  userAgent: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

export interface NewUser {
  email: string;
  password: string;
  name?: string;
  username?: string;
}

let config: BetterAuthConfig | undefined;

/** Where the server is (started on first use). */
export async function betterAuthConfig(): Promise<BetterAuthConfig> {
  return (config ??= await executeServerCommand<BetterAuthConfig, undefined>('better-auth-config'));
}

export const betterAuthFault = (fault: Fault | null) => executeServerCommand('better-auth-proxy-fault', fault);
export const betterAuthProxyReset = () => executeServerCommand('better-auth-proxy-reset');
/** Lets the requests a `hold` fault keeps go on; resolves to how many. */
export const betterAuthRelease = () => executeServerCommand<number, undefined>('better-auth-proxy-release');
export const stopBetterAuth = () => executeServerCommand('better-auth-stop');
export const startBetterAuth = () => executeServerCommand('better-auth-start');
/** Deletes every user, account, session and verification. */
export const resetBetterAuth = () => executeServerCommand('better-auth-reset-state');
/** Signs the user up server-side (no session left). */
export const createUser = (user: NewUser) =>
  executeServerCommand<{ id: string; email: string; name: string; username: string | null }, NewUser>(
    'better-auth-create-user',
    user,
  );
/** A second device signs in (from Node, with this User-Agent): its session id. */
export const signInElsewhere = (args: { emailOrUsername: string; password: string; userAgent?: string }) =>
  executeServerCommand<{ sessionId: string }, typeof args>('better-auth-sign-in-elsewhere', args);
/** The user's sessions in the database, oldest first. */
export const sessionsOf = (emailOrUsername: string) =>
  executeServerCommand<SessionRow[], { emailOrUsername: string }>('better-auth-sessions', { emailOrUsername });
/** Deletes the session server-side, as an admin would: whether it existed. */
export const revokeSessionById = (id: string) => executeServerCommand<boolean, { id: string }>('better-auth-revoke', { id });

export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  /** What the proxy answered instead of forwarding (`null`: forwarded). */
  fault: string | null;
}

/** What reached the proxy since the last reset (preflights are counted apart). */
export const betterAuthRequests = () =>
  executeServerCommand<{ requests: SeenRequest[]; preflights: { method: string; path: string }[] }, undefined>(
    'better-auth-proxy-requests',
  );

/** A JSON call the way an app would make it: cookies included, JSON body for POST. */
export async function call<T = unknown>(route: string, body?: unknown): Promise<{ status: number; json: T }> {
  const { serverUrl } = await betterAuthConfig();
  const res = await fetch(serverUrl + route, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'include',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

/** How many requests (never preflights) reached `route` below the basePath (`/sign-out`) since the last reset. */
export async function requestCount(method: string, route: string): Promise<number> {
  const { requests } = await betterAuthRequests();
  return requests.filter((r) => r.method === method && r.path.endsWith(`/api/auth${route}`)).length;
}

/** Waits until the proxy has seen `n` requests to `route` (held ones too: with `hold`, they wait there). */
export async function arrived(method: string, route: string, n = 1): Promise<void> {
  await waitUntil(async () => (await requestCount(method, route)) >= n, `${method} ${route} at the server`, {
    timeout: 8_000,
    interval: 20,
  });
}

let accounts = 0;
/** A fresh account's names and password. */
export function newAccount(prefix = 'ba') {
  const name = `${prefix}${Date.now().toString(36)}${accounts++}`;
  return { email: `${name}@example.test`, username: name, name, password: 'correct horse battery' };
}

/** What get-session says about this browser's cookie: the page may read it, the kit never keeps the token. */
export async function cookieSession(): Promise<{ session: { id: string; token: string }; user: { id: string } } | null> {
  return (
    await call<{ session: { id: string; token: string }; user: { id: string } } | null>('/get-session?disableCookieCache=true')
  ).json;
}

/** Ends the session this browser's cookie names, if any (and if the server is up). */
export async function signOutCookie(): Promise<void> {
  await call('/sign-out', {}).catch(() => {});
}

/** Signs in the way a page's own form or Better Auth's client would: no kit involved. */
export async function signInOutsideTheKit(account: { email: string; password: string }): Promise<void> {
  const { status } = await call('/sign-in/email', { email: account.email, password: account.password });
  expect(status).to.equal(200);
}

/**
 * A `<user-session backend="better-auth">` on `serverUrl`, connected and ready (`timeout`: its
 * `timeout` attribute). The test file imports the define module it tests with.
 */
export async function betterAuthSession(
  serverUrl: string,
  storageKey: string,
  { timeout = 10_000 }: { timeout?: number } = {},
): Promise<UserSessionElement> {
  const session = await fixture<UserSessionElement>(html`
    <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey} timeout=${timeout}></user-session>
  `);
  await afterConnect();
  await session.ready;
  return session;
}

/**
 * The hooks every suite against the Better Auth server needs, as `useParseServer` gives Parse's:
 * the server's URL before the first test (the first suite of a run may wait for it to start),
 * clean storage and proxy with the server running before each test, and afterwards the proxy
 * reset, the server running again (a test may have stopped it) and no cookie session left over.
 */
export function useBetterAuthServer(onConfig: (config: BetterAuthConfig) => void): void {
  before(async function () {
    this.timeout(120_000);
    onConfig(await betterAuthConfig());
  });
  beforeEach(async () => {
    clearStorage();
    await startBetterAuth();
    await betterAuthProxyReset();
  });
  afterEach(async function () {
    this.timeout(30_000);
    await betterAuthProxyReset();
    await startBetterAuth();
    await signOutCookie();
  });
}

/**
 * Holds the kit's cookie lock for `serverUrl` (a Web Lock named by the server's parsed URL, as
 * another tab's cookie step would) until the returned function is called.
 */
export async function holdCookieLock(serverUrl: string): Promise<() => void> {
  const { base } = toServerTarget(serverUrl, '/api/auth');
  let release!: () => void;
  await new Promise<void>((granted) => {
    void navigator.locks.request(base, () => (granted(), new Promise<void>((r) => (release = r))));
  });
  return release;
}
