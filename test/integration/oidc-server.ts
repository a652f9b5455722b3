// Browser-side helpers for the OpenID Connect tests: the real OpenID Provider (oidc-provider)
// started by scripts/wtr-oidc-plugin.mjs behind its fault proxy, and test/pages/oidc-app.html
// in iframes that sign in at the provider's real login page and come back.
import '../helpers/safe-errors.js';
import { executeServerCommand } from '@web/test-runner-commands';
import type { UserSessionElement } from '../../src/index.js';
import type { Fault } from './parse-server.js';

export interface OidcAccount {
  login: string;
  password: string;
  sub: string;
  email: string;
  name: string;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  accounts: OidcAccount[];
}

let config: OidcConfig | undefined;

/** Where the provider is (started on first use). */
export async function oidcConfig(): Promise<OidcConfig> {
  return (config ??= await executeServerCommand<OidcConfig, undefined>('oidc-config'));
}

export const oidcFault = (fault: Fault | null) => executeServerCommand('oidc-proxy-fault', fault);
export const oidcReset = () => executeServerCommand('oidc-proxy-reset');
/** Lets the requests a `hold` fault keeps go on; resolves to how many. */
export const oidcRelease = () => executeServerCommand<number, undefined>('oidc-proxy-release');
/** Forgets every provider session, grant and token (a fresh provider), TTL back to default. */
export const resetProviderState = () => executeServerCommand('oidc-reset-state');
export const accessTokenTtl = (seconds: number) => executeServerCommand('oidc-access-token-ttl', { seconds });
export const stopProvider = () => executeServerCommand('oidc-provider-stop');
export const startProvider = () => executeServerCommand('oidc-provider-start');

export interface SeenRequest {
  method: string;
  path: string;
  query?: string;
  fault: string | null;
}

/** What reached the proxy since the last reset (preflights left out). */
export async function oidcRequests(): Promise<SeenRequest[]> {
  const { requests } = await executeServerCommand<{ requests: SeenRequest[] }, undefined>('oidc-proxy-requests');
  return requests.filter((r) => r.method !== 'OPTIONS');
}

/** What the app page records: the session's and the log-out action's events. */
export interface Seen {
  type: string;
  reason?: string | null;
  user?: Record<string, unknown> | null;
  error?: { code: string; message: string } | null;
  detail?: Record<string, unknown>;
}

export interface AppWindow extends Window {
  ready?: boolean;
  session: UserSessionElement;
  logOut: HTMLElement & { do(): Promise<boolean> };
  logIn: HTMLElement & { do(): Promise<boolean> };
  seen: Seen[];
  initialHref: string;
}

export interface AppSettings {
  storageKey: string;
  endSession?: boolean;
  /** Load the OIDC entry only after the element is in the page. */
  lateBackend?: boolean;
}

/** Polls `check` (cross-origin reads count as "not yet") until it returns a truthy value. */
export async function waitFor<T>(check: () => T, what: string, ms = 8000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const value = check();
      if (value) return value as NonNullable<T>;
    } catch {
      // the frame is on the provider's origin, or between pages
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The app page in a frame of this test page, once it is on this origin and ready. */
export function appIn(frame: HTMLIFrameElement): AppWindow | null {
  const win = frame.contentWindow as AppWindow | null;
  return win && win.location.pathname === '/test/pages/oidc-app.html' && win.ready ? win : null;
}

/** Opens the app page in a new iframe; its settings go to localStorage first (both share it). */
export async function openApp(settings: AppSettings, search = ''): Promise<HTMLIFrameElement> {
  const { issuer, clientId } = await oidcConfig();
  localStorage.setItem('oidc-app-config', JSON.stringify({ issuer, clientId, ...settings }));
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 600px; height: 300px';
  frame.src = `/test/pages/oidc-app.html${search}`;
  document.body.append(frame);
  await waitFor(() => appIn(frame), 'the app page');
  return frame;
}

/**
 * Marks the page now in `frame` as old (a frame's `contentWindow` stays the same object across
 * navigations; the mark lives on the page's own window), so `nextApp` waits for a new page.
 */
export function markOld(frame: HTMLIFrameElement): void {
  try {
    (frame.contentWindow as unknown as { oldPage: boolean }).oldPage = true;
  } catch {
    // on the provider's origin: whatever page of ours comes next is new
  }
}

/** The next app page loaded in `frame` after `markOld`, once ready (and `until` holds). */
export function nextApp(
  frame: HTMLIFrameElement,
  until: (app: AppWindow) => boolean = () => true,
  what = 'the app page',
): Promise<AppWindow> {
  return waitFor(() => {
    const app = appIn(frame);
    return app && !(app as unknown as { oldPage?: boolean }).oldPage && until(app) ? app : null;
  }, what);
}

/** Loads `url` in the frame (a reload, a replayed address) and waits for the app. */
export function loadApp(frame: HTMLIFrameElement, url = '/test/pages/oidc-app.html'): Promise<AppWindow> {
  markOld(frame);
  frame.src = url;
  return nextApp(frame);
}

/** The next message the provider's login page sends from `frame`: it has loaded. */
export function loginPageIn(frame: HTMLIFrameElement, ms = 8000): Promise<{ uid: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(new Error('The provider login page did not show'));
    }, ms);
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.contentWindow || event.data?.type !== 'oidc-login-page') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(event.data);
    };
    window.addEventListener('message', onMessage);
  });
}

/** Types the account into the provider's login page shown in `frame` and submits it. */
export function submitLogin(frame: HTMLIFrameElement, account: OidcAccount, password = account.password): void {
  frame.contentWindow!.postMessage({ type: 'oidc-login', login: account.login, password }, '*');
}

/**
 * Signs in through the real provider: a click on the app's `<log-in-action>`, the provider's
 * login page, back to the app, which finishes the sign-in. Resolves to the app, signed in.
 */
export async function signIn(frame: HTMLIFrameElement, account?: OidcAccount): Promise<AppWindow> {
  const who = account ?? (await oidcConfig()).accounts[0];
  const app = appIn(frame)!;
  // The provider shows its login page, unless it still has a session of its own (single sign-on).
  loginPageIn(frame).then(
    () => submitLogin(frame, who),
    () => {},
  );
  markOld(frame);
  app.logIn.click();
  return nextApp(frame, (back) => back.session.authenticated, 'the signed-in app');
}

/** The tokens the app stored (what the provider gave; the test inspects storage as an attacker could). */
export function storedTokens(
  storageKey: string,
): { access: string; refresh?: string; idToken?: string; refreshAt?: number } | null {
  const raw = localStorage.getItem(storageKey);
  if (!raw) return null;
  return JSON.parse(JSON.parse(raw).token);
}

/** Asks the provider's token endpoint for new tokens with `refreshToken`, as any client could: its answer's `error`, or null. */
export async function tryRefresh(refreshToken: string): Promise<string | null> {
  const { issuer, clientId } = await oidcConfig();
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
  });
  if (response.ok) return null;
  return ((await response.json()) as { error: string }).error;
}

/** Revokes a token at the provider (RFC 7009), as an administrator or another device could. */
export async function revokeAtProvider(token: string, hint = 'refresh_token'): Promise<void> {
  const { issuer, clientId } = await oidcConfig();
  const response = await fetch(`${issuer}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: hint, client_id: clientId }),
  });
  if (!response.ok) throw new Error(`revocation answered ${response.status}`);
}
