// Attack on the passkeys add-on with bad input and garbage replies, against the real Better Auth
// server with @better-auth/passkey and Chromium's virtual authenticator: odd ids for deletePasskey,
// odd names for addPasskey and <add-passkey-action name>, server replies that are not what the
// plugin sends (the fault proxy answers in its place), and the keyboard / screen-reader basics of
// <passkey-list>. Expected (SPEC §6, README "Security", "Passkeys (Better Auth)"): bad input never
// throws out of an element or method (a rejected AuthError at most), nothing of a failed sign-in is
// stored, a name is text (never markup), `deletePasskey` sends only an id of the user's own list;
// the list's Remove buttons are named, focus goes to the list when the focused item goes.
// Status: one FINDING (low: a duplicated id listed twice), fixed at ~08:09; the others held.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/passkeys.js';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { AddPasskeyActionElement } from '../../src/elements/add-passkey-action.js';
import type { PasskeyListElement } from '../../src/elements/passkey-list.js';
import { AuthError } from '../../src/errors.js';
import { removeVirtualCredential, useVirtualAuthenticator, virtualCredentials } from '../helpers/webauthn.js';
import {
  betterAuthFault,
  betterAuthRequests,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { sleep } from './attack-helpers.js';

declare global {
  interface Window {
    __pwned?: number;
  }
}

/** What a call does with odd input: resolves, or rejects with an AuthError; a synchronous throw is a failure of the probe. */
async function settle(run: () => Promise<unknown>): Promise<{ error: unknown; value?: unknown }> {
  let promise: Promise<unknown>;
  try {
    promise = run();
  } catch (thrown) {
    return { error: new Error(`threw synchronously: ${String(thrown)}`) };
  }
  try {
    return { error: null, value: await promise };
  } catch (error) {
    return { error };
  }
}

/** Every shadow root's markup under `root`. */
function shadowMarkup(root: Element): string {
  const parts: string[] = [];
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (el.shadowRoot) parts.push(el.shadowRoot.innerHTML, shadowMarkup(el.shadowRoot as unknown as Element));
  }
  return parts.join('\n');
}

describe('attack: passkeys with bad input and garbage replies (real Better Auth, virtual authenticator)', function () {
  this.timeout(60_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-attack-input/${Date.now()}/${keys++}`;
    delete window.__pwned;
  });

  async function signedIn(addName = 'Input key') {
    const account = newAccount('pki');
    await createUser(account);
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <passkey-log-in-action></passkey-log-in-action>
        <add-passkey-action name=${addName}></add-passkey-action>
        <passkey-list></passkey-list>
      </user-session>
    `);
    await afterConnect();
    await session.ready;
    await session.logIn(account.email, account.password);
    return {
      session,
      account,
      add: session.querySelector('add-passkey-action') as AddPasskeyActionElement,
      list: session.querySelector('passkey-list') as PasskeyListElement,
    };
  }

  /** Makes room on the authenticator for one more passkey of the same account (the server keeps the old one). */
  async function forgetCredentials() {
    for (const c of await virtualCredentials()) await removeVirtualCredential(c.credentialId);
  }

  it("deletePasskey with odd ids and non-strings: never a throw, no delete request, the user's passkey stays, still signed in", async () => {
    const { session } = await signedIn();
    const mine = await session.addPasskey('Mine');
    const seen = recordEvents(session, ['logged-out']);
    const before = await requestCount('POST', '/passkey/delete-passkey');
    const odd: unknown[] = [
      '../x',
      '..%2F..%2Fdelete-passkey',
      `${mine.id}/../x`,
      ` ${mine.id}`,
      `${mine.id}\u0000`,
      mine.id.toUpperCase() === mine.id ? `${mine.id}x` : mine.id.toUpperCase(),
      'x'.repeat(200_000),
      '<img src=x onerror="window.__pwned=1">',
      '   ',
      null,
      undefined,
      42,
      {},
      [mine.id],
      { toString: () => mine.id },
      Symbol('id'),
      Object.create(null),
    ];
    for (const id of odd) {
      const { error } = await settle(() => session.deletePasskey(id as string));
      if (error)
        expect(error, `deletePasskey(${typeof id === 'symbol' ? 'Symbol' : JSON.stringify(id)?.slice(0, 40)})`).to.be.instanceOf(
          AuthError,
        );
    }
    expect(await requestCount('POST', '/passkey/delete-passkey'), 'delete requests for ids not in the list').to.equal(before);
    expect((await session.listPasskeys()).map((p) => p.id)).to.deep.equal([mine.id]);
    expect(session.authenticated).to.equal(true);
    expect(seen).to.deep.equal([]);
    expect(window.__pwned).to.equal(undefined);
  });

  it('deletePasskey and addPasskey while signed out: AuthError bad-request, no request', async () => {
    const { session } = await signedIn();
    await session.logOut();
    const before =
      (await requestCount('POST', '/passkey/delete-passkey')) + (await requestCount('GET', '/passkey/generate-register-options'));
    const del = await settle(() => session.deletePasskey('anything'));
    const add = await settle(() => session.addPasskey('x'));
    const list = await settle(() => session.listPasskeys());
    expect((del.error as AuthError)?.code, 'delete').to.equal('bad-request');
    expect((add.error as AuthError)?.code, 'add').to.equal('bad-request');
    if (list.error) expect(list.error).to.be.instanceOf(AuthError);
    expect(
      (await requestCount('POST', '/passkey/delete-passkey')) + (await requestCount('GET', '/passkey/generate-register-options')),
    ).to.equal(before);
  });

  it('addPasskey with odd names: never a throw; names are text in the list; no "undefined"/"null" in the Remove buttons\' names', async () => {
    const { session, list } = await signedIn();
    const names: unknown[] = [
      '<img src=x onerror="window.__pwned=1">',
      '',
      '   ',
      '\u202Egnp.exe',
      'x'.repeat(5000),
      42,
      null,
      { toString: () => '<b>obj</b>' },
    ];
    for (const name of names) {
      await forgetCredentials();
      const { error } = await settle(() => session.addPasskey(name as string));
      if (error) expect(error, `addPasskey(${JSON.stringify(name)?.slice(0, 40)})`).to.be.instanceOf(AuthError);
    }
    await list.refresh();
    await list.updateComplete;
    await sleep(200);
    const markup = shadowMarkup(list);
    expect(list.shadowRoot!.querySelector('img, b, script'), 'markup from a name rendered').to.equal(null);
    expect(window.__pwned).to.equal(undefined);
    const buttons = [...list.shadowRoot!.querySelectorAll<HTMLElement>('[part~=remove]')];
    expect(buttons.length).to.be.greaterThan(0);
    for (const b of buttons) {
      const label = b.getAttribute('aria-label') ?? b.textContent ?? '';
      expect(label.trim(), 'a Remove button without a name').not.to.equal('');
      expect(label, markup.slice(0, 200)).not.to.match(/\bundefined\b|\bnull\b|\[object Object\]/);
    }
  });

  it('<add-passkey-action name> with HTML and script: the list shows it as text, nothing runs', async () => {
    const evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
    const { add, list } = await signedIn(evil);
    const outcome = recordEvents(add, ['success', 'failure']);
    expect(await add.do(), add.error).to.equal(true);
    expect(outcome[0].detail.passkey.name).to.equal(evil);
    await waitUntil(() => list.passkeys.length === 1, 'listed');
    await list.updateComplete;
    await sleep(200);
    expect(list.shadowRoot!.querySelector('script, img')).to.equal(null);
    expect(list.shadowRoot!.textContent).to.include('<script>');
    expect(window.__pwned).to.equal(undefined);
  });

  const garbage: { label: string; body?: string; contentType?: string; html?: boolean; status?: number }[] = [
    { label: 'plain text', body: 'not json at all', contentType: 'text/plain' },
    { label: 'an empty object', body: '{}' },
    { label: 'null', body: 'null' },
    { label: 'an array', body: '[1,2,3]' },
    { label: 'wrong types', body: '{"challenge":5,"allowCredentials":"x","rpId":{},"user":7,"session":"x"}' },
    { label: 'an HTML page', html: true },
    { label: 'truncated JSON', body: '{"challenge":"abc' },
  ];

  for (const g of garbage) {
    it(`garbage from /passkey/generate-authenticate-options (${g.label}): an AuthError, no dialog, no verification, nothing stored`, async () => {
      const { session } = await signedIn();
      await session.addPasskey('k');
      await session.logOut();
      const verifications = await requestCount('POST', '/passkey/verify-authentication');
      await betterAuthFault({ path: '/api/auth/passkey/generate-authenticate-options', ...g });
      const { error } = await settle(() => session.logInWithPasskey());
      await betterAuthFault(null);
      expect(error).to.be.instanceOf(AuthError);
      expect(['server', 'misconfigured']).to.include((error as AuthError).code);
      expect(await requestCount('POST', '/passkey/verify-authentication')).to.equal(verifications);
      expect(session.authenticated).to.equal(false);
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });

    it(`garbage from /passkey/verify-authentication (${g.label}): an AuthError, nothing stored, no cookie session`, async () => {
      const { session } = await signedIn();
      await session.addPasskey('k');
      await session.logOut();
      await betterAuthFault({ path: '/api/auth/passkey/verify-authentication', ...g });
      const seen = recordEvents(session, ['logged-in']);
      const { error } = await settle(() => session.logInWithPasskey());
      await betterAuthFault(null);
      expect(error).to.be.instanceOf(AuthError);
      expect(seen).to.deep.equal([]);
      expect(session.authenticated).to.equal(false);
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(await cookieSession()).to.equal(null);
    });

    it(`garbage from /passkey/list-user-passkeys (${g.label}): listPasskeys rejects with an AuthError or lists nothing odd; the list says so; still signed in`, async () => {
      const { session, list } = await signedIn();
      await session.addPasskey('k');
      await betterAuthFault({ path: '/api/auth/passkey/list-user-passkeys', ...g });
      const failures = recordEvents(list, ['failure']);
      const { error, value } = await settle(() => session.listPasskeys());
      await list.refresh();
      await betterAuthFault(null);
      if (error) expect(error).to.be.instanceOf(AuthError);
      else for (const p of value as { id: unknown }[]) expect(p.id).to.be.a('string').and.not.equal('');
      expect(session.authenticated).to.equal(true);
      if (error) expect(failures.length, 'the list reports the failure').to.be.greaterThan(0);
    });
  }

  it('list entries with odd fields (no id, numeric id, HTML id and name, bad dates): no throw, no markup, no odd entry', async () => {
    const { session, list } = await signedIn();
    await betterAuthFault({
      path: '/api/auth/passkey/list-user-passkeys',
      body: JSON.stringify([
        null,
        7,
        { name: 'no id' },
        { id: 42, name: 'numeric id' },
        { id: '', name: 'empty id' },
        { id: '<img src=x onerror="window.__pwned=3">', name: '<img src=x onerror="window.__pwned=4">', createdAt: 'yesterday' },
        { id: 'ok-1', name: { nested: true }, createdAt: -1e20, backedUp: 'yes' },
      ]),
    });
    const { error, value } = await settle(() => session.listPasskeys());
    await list.refresh();
    await list.updateComplete;
    await sleep(200);
    await betterAuthFault(null);
    if (error) expect(error).to.be.instanceOf(AuthError);
    else
      for (const p of value as { id: unknown; name?: unknown }[]) {
        expect(p.id, JSON.stringify(value)).to.be.a('string').and.not.equal('');
        if (p.name !== undefined) expect(p.name).to.be.a('string');
      }
    expect(list.shadowRoot!.querySelector('img, script')).to.equal(null);
    expect(window.__pwned).to.equal(undefined);
  });

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING (low): a list reply naming one id twice is shown twice (two items, two Remove buttons for
  // one record); listPasskeys() returns both. Its sibling <session-list> lists each id once since the
  // same attack on it (test/attack/session-list-attack.test.ts). Better Auth's own table cannot
  // return a duplicate; a proxy, cache or custom server can.
  it('FINDING: a list reply naming one passkey id twice: listed once', async () => {
    const { session, list } = await signedIn();
    const twice = { id: 'same-id', name: 'Twice', createdAt: new Date().toISOString(), backedUp: false };
    await betterAuthFault({
      path: '/api/auth/passkey/list-user-passkeys',
      body: JSON.stringify([twice, { ...twice, name: 'Twice again' }]),
    });
    const listed = await session.listPasskeys();
    await list.refresh();
    await list.updateComplete;
    await betterAuthFault(null);
    expect(
      listed.map((p) => p.id),
      'listPasskeys()',
    ).to.deep.equal(['same-id']);
    expect(
      list.passkeys.map((p) => p.id),
      '<passkey-list>.passkeys',
    ).to.deep.equal(['same-id']);
    expect(list.shadowRoot!.querySelectorAll('[part~=remove]'), 'Remove buttons').to.have.length(1);
  });

  it('garbage from /passkey/generate-register-options: an AuthError, no credential made on the authenticator', async () => {
    const { session } = await signedIn();
    for (const g of garbage) {
      await betterAuthFault({ path: '/api/auth/passkey/generate-register-options', ...g });
      const { error } = await settle(() => session.addPasskey('x'));
      expect(error, g.label).to.be.instanceOf(AuthError);
      expect(await virtualCredentials(), g.label).to.deep.equal([]);
    }
    await betterAuthFault(null);
    expect(session.authenticated).to.equal(true);
  });

  it('garbage 200 from /passkey/verify-registration: addPasskey does not report a passkey the server did not keep', async () => {
    const { session, add } = await signedIn();
    for (const g of garbage.filter((x) => !x.status)) {
      await forgetCredentials();
      await betterAuthFault({ path: '/api/auth/passkey/verify-registration', ...g });
      const { error, value } = await settle(() => session.addPasskey('x'));
      if (error) expect(error, g.label).to.be.instanceOf(AuthError);
      else
        expect((value as { id?: unknown })?.id, `${g.label}: success with ${JSON.stringify(value)}`)
          .to.be.a('string')
          .and.not.equal('');
    }
    await forgetCredentials();
    await betterAuthFault({ path: '/api/auth/passkey/verify-registration', body: '{}' });
    const outcome = recordEvents(add, ['success', 'failure']);
    await add.do();
    await betterAuthFault(null);
    expect(
      outcome.map((e) => e.type),
      JSON.stringify(outcome[0]?.detail),
    ).to.deep.equal(['failure']);
    expect(await session.listPasskeys()).to.deep.equal([]);
  });

  it('a huge reply (8 MB, no Content-Length) to the options request: capped, an AuthError, nothing stored', async () => {
    const { session } = await signedIn();
    await session.addPasskey('k');
    await session.logOut();
    await betterAuthFault({ path: '/api/auth/passkey/generate-authenticate-options', chunkedBytes: 8 * 1024 * 1024 });
    const { error } = await settle(() => session.logInWithPasskey());
    await betterAuthFault(null);
    expect(error).to.be.instanceOf(AuthError);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('a redirect from /passkey/verify-authentication: misconfigured, not followed, nothing stored', async () => {
    const { session } = await signedIn();
    await session.addPasskey('k');
    await session.logOut();
    await betterAuthFault({ path: '/api/auth/passkey/verify-authentication', redirect: 307, redirectTo: 'http://127.0.0.2:9' });
    const { error } = await settle(() => session.logInWithPasskey());
    await betterAuthFault(null);
    expect((error as AuthError).code).to.equal('misconfigured');
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await cookieSession()).to.equal(null);
  });

  it('the three tags with no <user-session> to find, or two to choose from: failure no-session, no uncaught error, no request', async () => {
    const before = (await betterAuthRequests()).requests.length;
    const holder = await fixture<HTMLDivElement>(html`
      <div>
        <form>
          <input autocomplete="username webauthn" />
          <passkey-log-in-action session="nowhere"></passkey-log-in-action>
        </form>
        <add-passkey-action session="nowhere"></add-passkey-action>
        <passkey-list session="nowhere"></passkey-list>
        <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}></user-session>
        <user-session backend="better-auth" server-url=${serverUrl} storage-key=${`${storageKey}-2`}></user-session>
        <passkey-log-in-action id="ambiguous"></passkey-log-in-action>
      </div>
    `);
    await afterConnect();
    const codes: string[] = [];
    for (const el of holder.querySelectorAll('passkey-log-in-action, add-passkey-action, passkey-list'))
      el.addEventListener('failure', (e) => codes.push((e as CustomEvent).detail.error.code));
    for (const el of holder.querySelectorAll<HTMLElement & { do?: () => Promise<boolean> }>(
      'passkey-log-in-action, add-passkey-action',
    ))
      expect(await el.do!()).to.equal(false);
    await (holder.querySelector('passkey-list') as PasskeyListElement).refresh();
    await sleep(300);
    expect(codes.length).to.be.at.least(3);
    for (const code of codes) expect(code).to.equal('no-session');
    const sent = (await betterAuthRequests()).requests.slice(before).filter((r) => r.path.includes('/passkey/'));
    expect(sent.map((r) => r.path)).to.deep.equal([]);
  });

  it('a server without the passkey plugin (404 on its routes): <passkey-list> says misconfigured once, no retry loop', async () => {
    const { session, list } = await signedIn();
    await betterAuthFault({ path: '/api/auth/passkey/', status: 404, body: 'Not Found', contentType: 'text/plain' });
    const failures = recordEvents(list, ['failure']);
    const before = await requestCount('GET', '/passkey/list-user-passkeys');
    await list.refresh();
    document.dispatchEvent(new Event('visibilitychange'));
    await sleep(2000);
    const asked = (await requestCount('GET', '/passkey/list-user-passkeys')) - before;
    const error = await settle(() => session.addPasskey('x'));
    await betterAuthFault(null);
    expect(asked, 'list requests in 2 s').to.be.within(1, 3);
    expect(failures.map((e) => e.detail.error.code)).to.include('misconfigured');
    expect((error.error as AuthError).code).to.equal('misconfigured');
    expect(session.authenticated).to.equal(true);
  });

  describe('<passkey-list>: keyboard and screen reader', () => {
    /** Two passkeys of one account (the authenticator forgets the first so it can make the second). */
    async function twoPasskeys() {
      const p = await signedIn();
      await p.session.addPasskey('Laptop');
      await forgetCredentials();
      await p.session.addPasskey('Phone');
      await p.list.refresh();
      await waitUntil(() => p.list.passkeys.length === 2, 'two listed');
      await p.list.updateComplete;
      return p;
    }
    const removeButtons = (list: PasskeyListElement) => [...list.shadowRoot!.querySelectorAll<HTMLElement>('[part~=remove]')];

    it('a list of items, each Remove button a focusable button named for its passkey', async () => {
      const { list } = await twoPasskeys();
      expect(list.shadowRoot!.querySelectorAll('ul > li, ol > li, [role=list] > [role=listitem]').length).to.equal(2);
      const buttons = removeButtons(list);
      expect(buttons).to.have.length(2);
      const labels = buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent!.trim());
      expect(labels.some((l) => l.includes('Laptop'))).to.equal(true);
      expect(labels.some((l) => l.includes('Phone'))).to.equal(true);
      for (const b of buttons) {
        expect(b.localName === 'button' || b.getAttribute('role') === 'button').to.equal(true);
        expect(b.tabIndex).to.be.at.least(0);
      }
    });

    it('Enter on a focused Remove button removes it, announces it, and focus moves to the list (not lost to <body>)', async () => {
      const { list } = await twoPasskeys();
      const removed = recordEvents(list, ['removed', 'failure']);
      const [first] = removeButtons(list);
      const name = (first.getAttribute('aria-label') ?? '').includes('Laptop') ? 'Laptop' : 'Phone';
      first.focus();
      expect(list.shadowRoot!.activeElement).to.equal(first);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => removed.length > 0, 'removed');
      expect(removed[0].type).to.equal('removed');
      await list.updateComplete;
      await waitUntil(() => list.passkeys.length === 1, 'one left');
      await list.updateComplete;
      expect(document.activeElement, 'focus lost to the body').not.to.equal(document.body);
      expect(list.matches(':focus-within') || document.activeElement === list, 'focus in the list').to.equal(true);
      const status = list.shadowRoot!.querySelector('[part~=status]');
      expect(status?.getAttribute('role') === 'status' || status?.getAttribute('aria-live') === 'polite').to.equal(true);
      expect(status?.textContent).to.include(name);
    });

    it('the last passkey removed by keyboard: focus stays in the list, the empty slot shows', async () => {
      const { session, list } = await signedIn();
      await session.addPasskey('Only');
      await list.refresh();
      await waitUntil(() => list.passkeys.length === 1, 'listed');
      await list.updateComplete;
      removeButtons(list)[0].focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => list.passkeys.length === 0, 'removed');
      await list.updateComplete;
      expect(document.activeElement, 'focus lost to the body').not.to.equal(document.body);
      expect(list.matches(':focus-within') || document.activeElement === list).to.equal(true);
    });

    it('a removal the server refuses (500): the item and its focused button stay, the status says why', async () => {
      const { list } = await twoPasskeys();
      const failures = recordEvents(list, ['failure']);
      const [first] = removeButtons(list);
      first.focus();
      await betterAuthFault({ path: '/api/auth/passkey/delete-passkey', status: 500 });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => failures.length > 0, 'failure');
      await betterAuthFault(null);
      await list.updateComplete;
      expect(list.passkeys).to.have.length(2);
      const label = first.getAttribute('aria-label');
      const active = list.shadowRoot!.activeElement;
      expect(active?.getAttribute('part'), 'focus kept on a Remove button').to.equal('remove');
      expect(active?.getAttribute('aria-label'), 'focus kept on the same passkey’s button').to.equal(label);
      expect(list.shadowRoot!.querySelector('[part~=status]')?.textContent?.trim()).not.to.equal('');
    });
  });
});
