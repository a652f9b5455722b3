// Attack on the passkeys add-on: do credential ids, public keys, user handles, challenges or the
// session token reach what a page (or a script on it) can read? Against the real Better Auth server
// with @better-auth/passkey and Chromium's virtual authenticator, every flow is run (add, list,
// sign-in by click and by autofill, remove, the documented failures), while recording every
// CustomEvent dispatched anywhere on the page, every BroadcastChannel message, every console line,
// both Web Storage areas, the whole DOM with every shadow root, and every error's text.
// Expected (README "Passkeys (Better Auth)", "What the page sees"; SPEC §6, §7.9, §11): `PasskeyInfo`
// is `{ id, name?, createdAt?, synced? }`; "no public key, counter or AAGUID reaches events, storage,
// the DOM or the console"; the credential id is never shown; the session token appears nowhere,
// also when a server error quotes it.
// Status: one FINDING (low: a credential id quoted by the server reached errors), fixed at ~08:09.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/passkeys.js';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { PasskeyLogInActionElement } from '../../src/elements/passkey-log-in-action.js';
import type { AddPasskeyActionElement } from '../../src/elements/add-passkey-action.js';
import type { PasskeyListElement } from '../../src/elements/passkey-list.js';
import { AuthError } from '../../src/errors.js';
import { removeVirtualCredential, setPresence, useVirtualAuthenticator, virtualCredentials } from '../helpers/webauthn.js';
import {
  betterAuthFault,
  call,
  cookieSession,
  createUser,
  newAccount,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { errorText, recordConsole, rejectionOf, sleep } from './attack-helpers.js';

const consoleLines = recordConsole();

/** Every value as text: errors with their whole cause chain, objects walked (cycles cut). */
function deepText(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value as string | number | boolean | bigint | symbol);
  if (seen.has(value)) return '';
  seen.add(value);
  if (value instanceof Error) return errorText(value);
  if (value instanceof Node) return value instanceof Element ? value.outerHTML : (value.textContent ?? '');
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    try {
      parts.push(key, deepText((value as Record<string, unknown>)[key], seen));
    } catch {
      // a throwing getter shows nothing
    }
  }
  return parts.join(' ');
}

/** Every CustomEvent dispatched on the page, and every BroadcastChannel message, as text. */
const dispatched: string[] = [];
const dispatch = EventTarget.prototype.dispatchEvent;
EventTarget.prototype.dispatchEvent = function (this: EventTarget, event: Event) {
  if (event instanceof CustomEvent) dispatched.push(`${event.type} ${deepText(event.detail)}`);
  return dispatch.call(this, event);
};
const post = BroadcastChannel.prototype.postMessage;
BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, message: unknown) {
  dispatched.push(`broadcast ${this.name} ${deepText(message)}`);
  return post.call(this, message);
};

/** The whole DOM, shadow roots included. */
function domText(root: Node = document.documentElement): string {
  const parts: string[] = [root instanceof Element ? root.outerHTML : ''];
  const walk = (node: Node) => {
    for (const el of (node as ParentNode).querySelectorAll?.('*') ?? []) {
      if (el.shadowRoot) {
        parts.push(el.shadowRoot.innerHTML);
        walk(el.shadowRoot);
      }
    }
  };
  walk(root);
  return parts.join('\n');
}

const storageText = () => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } });

/** base64url and standard base64 (with and without padding) of the same bytes. */
function spellingsOf(base64urlOrBase64: string): string[] {
  const std = base64urlOrBase64.replace(/-/g, '+').replace(/_/g, '/');
  const bare = std.replace(/=+$/, '');
  const url = bare.replace(/\+/g, '-').replace(/\//g, '_');
  const padded = bare + '='.repeat((4 - (bare.length % 4)) % 4);
  return [...new Set([url, bare, padded, encodeURIComponent(padded)])];
}

interface ServerPasskey {
  id: string;
  credentialID: string;
  publicKey: string;
  aaguid?: string | null;
  userId: string;
}

describe('attack: passkey secrets leaking to the page (real Better Auth, virtual authenticator)', function () {
  this.timeout(60_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;
  const errors: unknown[] = [];

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-attack-leaks/${Date.now()}/${keys++}`;
    dispatched.length = 0;
    consoleLines.length = 0;
    errors.length = 0;
  });

  async function page() {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <form>
          <input name="username" autocomplete="username webauthn" />
          <passkey-log-in-action></passkey-log-in-action>
        </form>
        <add-passkey-action name="Leak key"></add-passkey-action>
        <passkey-list></passkey-list>
      </user-session>
    `);
    await afterConnect();
    await session.ready;
    for (const el of session.querySelectorAll('*'))
      el.addEventListener('failure', (e) => errors.push((e as CustomEvent).detail?.error));
    const q = <T extends Element>(selector: string) => session.querySelector(selector) as T;
    return {
      session,
      logIn: q<PasskeyLogInActionElement>('passkey-log-in-action'),
      add: q<AddPasskeyActionElement>('add-passkey-action'),
      list: q<PasskeyListElement>('passkey-list'),
    };
  }

  /** The secrets of the account's passkey(s) and session, as the server and the authenticator have them. */
  async function secrets() {
    const rows = (await call<ServerPasskey[]>('/passkey/list-user-passkeys')).json ?? [];
    const credentials = await virtualCredentials();
    const token = (await cookieSession())?.session.token;
    const named: Record<string, string[]> = {};
    for (const row of rows) {
      named[`credential id ${row.credentialID}`] = spellingsOf(row.credentialID);
      named[`public key`] = spellingsOf(row.publicKey).filter((s) => s.length > 20);
      if (row.aaguid && row.aaguid !== '00000000-0000-0000-0000-000000000000') named.aaguid = [row.aaguid];
    }
    for (const c of credentials) {
      named[`credential id ${c.credentialId}`] = spellingsOf(c.credentialId);
      if (c.userHandle) named[`user handle ${c.userHandle}`] = spellingsOf(c.userHandle);
    }
    if (token) named['session token'] = [token, encodeURIComponent(token)];
    return named;
  }

  function expectNoneIn(named: Record<string, string[]>, places: Record<string, string>) {
    for (const [what, spellings] of Object.entries(named))
      for (const [where, text] of Object.entries(places))
        for (const s of spellings) expect(text.includes(s), `${what} found in ${where}`).to.equal(false);
  }

  const everywhere = (extra: Record<string, string> = {}) => ({
    events: dispatched.join('\n'),
    console: consoleLines.join('\n'),
    storage: storageText(),
    dom: domText(),
    errors: errors.map((e) => deepText(e)).join('\n'),
    ...extra,
  });

  it('every flow against the real server: no credential id, public key, user handle or session token anywhere the page can read', async () => {
    const account = newAccount('pkl');
    await createUser(account);
    const { session, logIn, add, list } = await page();
    await session.logIn(account.email, account.password);
    expect(await add.do(), add.error).to.equal(true);
    await waitUntil(() => list.passkeys.length === 1, 'listed');
    const named = await secrets(); // while signed in: the token of the password session
    const listed = await session.listPasskeys();
    for (const p of [...listed, ...list.passkeys])
      expect(Object.keys(p).sort())
        .to.be.an('array')
        .that.satisfies((k: string[]) => k.every((n) => ['createdAt', 'id', 'name', 'synced'].includes(n)));
    // Sign in with it by a click, then by autofill.
    await setPresence(false); // the autofill request waits…
    await session.logOut();
    await sleep(500);
    await setPresence(true); // …and the click answers at once
    expect(await logIn.do(), logIn.error).to.equal(true);
    Object.assign(named, await secrets()); // the passkey session's token
    await session.logOut();
    await setPresence(true);
    await waitUntil(() => session.authenticated, 'autofill signed in', { timeout: 10_000 });
    Object.assign(named, await secrets());
    // The documented failures: a passkey the server no longer knows, and none on the authenticator.
    const [mine] = await session.listPasskeys();
    // Presence off first: else the autofill armed by the log-out is answered at once and its
    // sign-in races the password one below (README "Known limitations").
    await setPresence(false);
    await session.logOut();
    await session.logIn(account.email, account.password);
    await setPresence(true);
    Object.assign(named, await secrets());
    await session.deletePasskey(mine.id);
    await session.logOut(); // the autofill offers the removed passkey at once: invalid-credentials
    await sleep(500);
    expect(await logIn.do()).to.equal(false); // invalid-credentials
    for (const c of await virtualCredentials()) await removeVirtualCredential(c.credentialId);
    expect(await logIn.do()).to.equal(false); // cancelled
    await sleep(200);
    expect(errors.map((e) => (e as AuthError).code)).to.include.members(['invalid-credentials', 'cancelled']);
    expect(Object.keys(named).some((k) => k.startsWith('credential id'))).to.equal(true);
    expectNoneIn(named, everywhere({ 'logIn.error': logIn.error, 'add.error': add.error }));
  });

  it('a server error quoting the session token (list, delete, add): the token is in no error, event, DOM or console', async () => {
    const account = newAccount('pkl');
    await createUser(account);
    const { session, add, list } = await page();
    await session.logIn(account.email, account.password);
    const token = (await cookieSession())!.session.token;
    const body = JSON.stringify({ code: 'BAD', message: `session ${token} refused` });
    const thrown: unknown[] = [];
    for (const path of ['/passkey/list-user-passkeys', '/passkey/delete-passkey', '/passkey/generate-register-options']) {
      await betterAuthFault({ path: `/api/auth${path}`, status: 400, body });
      if (path.includes('list')) thrown.push(await rejectionOf(session.listPasskeys()));
      if (path.includes('delete')) thrown.push(await rejectionOf(session.deletePasskey('x')));
      if (path.includes('register')) {
        expect(await add.do()).to.equal(false);
        thrown.push(await rejectionOf(session.addPasskey('again')));
      }
    }
    await list.refresh?.();
    await sleep(300);
    await betterAuthFault(null);
    expectNoneIn(
      { 'session token': [token, encodeURIComponent(token)] },
      everywhere({ thrown: thrown.map((e) => deepText(e)).join('\n'), 'add.error': add.error }),
    );
  });

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING (low): the server's message goes into the AuthError ('The server did not accept this
  // passkey. Better Auth says: "…"') with only runs of 20+ letters and digits blanked (the shape of a
  // session token); a base64url credential id broken by "-" or "_" passes whole and reaches
  // `error.message`, `failure` events and `logIn.error`. SPEC §11: credential ids "never enter … errors". Stock @better-auth/passkey does not
  // quote it; a custom server or an `afterVerification` hook may.
  it('FINDING: a server error quoting the credential id on /passkey/verify-authentication: the id is in no error, event, DOM or console', async () => {
    const account = newAccount('pkl');
    await createUser(account);
    const { session, logIn, add } = await page();
    await session.logIn(account.email, account.password);
    expect(await add.do(), add.error).to.equal(true);
    // The kit blanks every run of 20+ letters and digits in a server's message (the shape of a
    // session token). A base64url credential id with a "-" or "_" early enough has no such run:
    // make passkeys until the authenticator gives one (about one try in three), so the test is certain.
    let [credential] = await virtualCredentials();
    for (let tries = 0; /[A-Za-z0-9]{20,}/.test(credential.credentialId); tries++) {
      expect(tries, 'no credential id with a separator in 60 tries').to.be.below(60);
      for (const p of await session.listPasskeys()) await session.deletePasskey(p.id);
      await removeVirtualCredential(credential.credentialId);
      await session.addPasskey('Leak key');
      [credential] = await virtualCredentials();
    }
    await betterAuthFault({
      path: '/api/auth/passkey/verify-authentication',
      status: 401,
      body: JSON.stringify({ code: 'PASSKEY_NOT_FOUND', message: `Passkey ${credential.credentialId} not found` }),
    });
    await session.logOut(); // the autofill answers at once, into the fault
    await sleep(500);
    expect(await logIn.do()).to.equal(false);
    await sleep(300);
    await betterAuthFault(null);
    expect(errors.length).to.be.greaterThan(0);
    for (const error of errors) expect((error as AuthError).code).to.equal('invalid-credentials');
    expectNoneIn({ 'credential id': spellingsOf(credential.credentialId) }, everywhere({ 'logIn.error': logIn.error }));
  });

  it('a list reply with extra fields (publicKey, credentialID, counter, aaguid, userId…): PasskeyInfo keeps its four public fields only', async () => {
    const account = newAccount('pkl');
    await createUser(account);
    const { session, list } = await page();
    await session.logIn(account.email, account.password);
    const secretish = {
      id: 'rec-1',
      name: 'Injected',
      createdAt: new Date().toISOString(),
      backedUp: true,
      publicKey: 'pUbLiCkEyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      credentialID: 'cReDeNtIaLiDBBBBBBBBBBBBBBBBBBBBBBBBBB',
      counter: 987654321,
      aaguid: 'deadbeef-0000-4000-8000-feedfacecafe',
      userId: 'uSeRiDCCCCCCCCCCCCCC',
      transports: 'internal',
      deviceType: 'multiDevice',
      __proto__: { polluted: true },
    };
    await betterAuthFault({ path: '/api/auth/passkey/list-user-passkeys', body: JSON.stringify([secretish]) });
    const listed = await session.listPasskeys();
    await list.refresh?.();
    await waitUntil(() => list.passkeys.length === 1, 'listed');
    await sleep(200);
    await betterAuthFault(null);
    for (const p of [...listed, ...list.passkeys])
      for (const k of Object.keys(p)) expect(['createdAt', 'id', 'name', 'synced'], `field ${k}`).to.include(k);
    expectNoneIn(
      {
        'public key': [secretish.publicKey],
        'credential id': [secretish.credentialID],
        counter: ['987654321'],
        aaguid: [secretish.aaguid],
        'user id': [secretish.userId],
      },
      everywhere({ listed: JSON.stringify(listed), property: JSON.stringify(list.passkeys) }),
    );
  });
});
