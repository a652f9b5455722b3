// What the form attack files (test/attack/form-attack*.test.ts) share: a page with a
// <user-session> on the real Parse Server (through its fault proxy), focus through shadow roots,
// request counts at the proxy and TOTP codes.
import { fixture, html } from '@open-wc/testing';
import { Secret, TOTP } from 'otpauth';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { afterConnect } from '../helpers/fixtures.js';
import { proxy, type ParseConfig } from '../integration/parse-server.js';

export { sleep } from './attack-helpers.js';

/** `inner` inside a `<user-session>` on the test's Parse Server, connected. */
export async function formPage(cfg: ParseConfig, inner: ReturnType<typeof html>): Promise<UserSessionElement> {
  const session = await fixture<UserSessionElement>(html`
    <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}>${inner}</user-session>
  `);
  await afterConnect();
  return session;
}

/** The element that really has focus, through shadow roots. */
export function deepActive(): Element | null {
  let el: Element | null = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** Log-ins and sign-ups that reached the server. */
export const logins = (): Promise<number> => proxy.count('POST', '/parse/login');
export const signups = (): Promise<number> => proxy.count('POST', '/parse/users');

/** The code an authenticator app shows now for `secret` (base32). */
export const totp = (secret: string): string => new TOTP({ secret: Secret.fromBase32(secret) }).generate();
