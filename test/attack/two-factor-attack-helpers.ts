// Shared page setup for the two-factor attack probes (copied from test/integration/two-factor.test.ts).
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { Secret, TOTP } from 'otpauth';
import '../../src/two-factor.js';
import '../../src/define/user-session.js';
import '../../src/define/log-in-action.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import type { EnableTwoFactorActionElement } from '../../src/elements/enable-two-factor-action.js';
import type { DisableTwoFactorActionElement } from '../../src/elements/disable-two-factor-action.js';
import { useParseServer, signUpRest, password as parsePassword, type ParseConfig } from '../integration/parse-server.js';
import { createUser, newAccount, useBetterAuthServer } from '../integration/better-auth-server.js';

export interface Account {
  login: string;
  password: string;
}

export interface Server {
  name: string;
  kind: 'parse' | 'better-auth';
  attributes: () => Record<string, string>;
  newAccount: () => Promise<Account>;
  storageKey: () => string;
}

export const code = (secret: string, offset = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offset * 30_000 });

export async function page(server: Server) {
  const attributes = server.attributes();
  const session = await fixture<UserSessionElement>(html`
    <user-session>
      <form id="log-in">
        <input name="username" />
        <input name="password" type="password" />
        <input name="code" autocomplete="one-time-code" />
        <log-in-action></log-in-action>
      </form>
      <form id="settings">
        <input name="password" type="password" />
        <enable-two-factor-action></enable-two-factor-action>
        <disable-two-factor-action></disable-two-factor-action>
      </form>
      <log-out-action></log-out-action>
    </user-session>
  `);
  for (const [name, value] of Object.entries(attributes)) session.setAttribute(name, value);
  await afterConnect();
  await session.ready;
  const q = <T extends Element>(selector: string) => session.querySelector(selector) as T;
  const field = (form: string, name: string) => q<HTMLInputElement>(`#${form} [name=${name}]`);
  return {
    session,
    logIn: q<LogInActionElement>('log-in-action'),
    enable: q<EnableTwoFactorActionElement>('enable-two-factor-action'),
    disable: q<DisableTwoFactorActionElement>('disable-two-factor-action'),
    field,
  };
}

export type Page = Awaited<ReturnType<typeof page>>;

export async function signIn(p: Page, account: Account, withCode = '') {
  p.field('log-in', 'username').value = account.login;
  p.field('log-in', 'password').value = account.password;
  p.field('log-in', 'code').value = withCode;
  return p.logIn.do();
}

/** Shows the QR step (signed in first). Resolves to the secret. */
export async function beginScan(p: Page, account: Account) {
  p.field('settings', 'password').value = account.password;
  const setup = oneEvent(p.enable, 'setup');
  expect(await p.enable.do()).to.equal(true);
  const { detail } = await setup;
  return detail as { uri: string; secret: string };
}

export async function enrol(p: Page, account: Account) {
  expect(await signIn(p, account)).to.equal(true);
  const { secret, uri } = await beginScan(p, account);
  (p.enable.shadowRoot!.querySelector('[part=code-input]') as HTMLInputElement).value = code(secret);
  const success = oneEvent(p.enable, 'success');
  expect(await p.enable.do()).to.equal(true);
  const { recoveryCodes } = (await success).detail as { recoveryCodes: string[] };
  return { secret, uri, recoveryCodes: [...recoveryCodes] };
}

let parse: ParseConfig;
let betterAuthUrl: string;

export const parseServer: Server = {
  name: 'Parse Server',
  kind: 'parse',
  attributes: () => ({ 'app-id': parse.appId, 'server-url': parse.proxyServerURL }),
  newAccount: async () => ({ login: (await signUpRest()).username, password: parsePassword }),
  storageKey: () => `Parse/${parse.appId}/currentUser`,
};

export const betterAuthServer: Server = {
  name: 'Better Auth',
  kind: 'better-auth',
  attributes: () => ({ backend: 'better-auth', 'server-url': betterAuthUrl }),
  newAccount: async () => {
    const account = newAccount('tfa');
    await createUser(account);
    return { login: account.username, password: account.password };
  },
  storageKey: () => `user-session/better-auth@${betterAuthUrl}`,
};

export const betterAuthUrlNow = () => betterAuthUrl;
export const parseNow = () => parse;

/** Runs `suite` against both servers. */
export function onBothServers(suite: (server: Server) => void, only?: 'parse' | 'better-auth') {
  if (only !== 'better-auth')
    describe('Parse Server', () => {
      useParseServer((config) => (parse = config));
      suite(parseServer);
    });
  if (only !== 'parse')
    describe('Better Auth', () => {
      useBetterAuthServer((config) => (betterAuthUrl = config.serverUrl));
      suite(betterAuthServer);
    });
}

/** Everything a page's script could see as text: storage, light DOM, console. */
export function storageText(): string {
  const out: string[] = [];
  for (const area of [localStorage, sessionStorage])
    for (let i = 0; i < area.length; i++) out.push(area.key(i)!, area.getItem(area.key(i)!) ?? '');
  return out.join('\n');
}

/** Records console output while installed. */
export function captureConsole() {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originals = methods.map((m) => console[m]);
  methods.forEach((m, i) => {
    console[m] = (...args: unknown[]) => {
      lines.push(
        args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : safeJson(a))).join(' '),
      );
      (originals[i] as (...a: unknown[]) => void).apply(console, args);
    };
  });
  return {
    lines,
    restore: () => methods.forEach((m, i) => ((console as unknown as Record<string, unknown>)[m] = originals[i])),
  };
}

export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) =>
      v instanceof Error ? { ...v, message: v.message, stack: v.stack, cause: v.cause } : v,
    );
  } catch {
    return String(value);
  }
}

/** Every CustomEvent dispatched anywhere in the document (capture phase on window, plus non-bubbling targets). */
export function recordAll(targets: EventTarget[], types: string[]) {
  const seen: { target: string; type: string; detail: string }[] = [];
  const listeners: [EventTarget, string, EventListener][] = [];
  for (const t of targets)
    for (const type of types) {
      const l: EventListener = (e) =>
        seen.push({
          target: (e.currentTarget as Element).localName ?? 'window',
          type: e.type,
          detail: safeJson((e as CustomEvent).detail),
        });
      t.addEventListener(type, l);
      listeners.push([t, type, l]);
    }
  return { seen, stop: () => listeners.forEach(([t, type, l]) => t.removeEventListener(type, l)) };
}
