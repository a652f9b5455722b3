// Attack on the passkeys add-on across users, against the real Better Auth server with
// @better-auth/passkey and Chromium's virtual authenticator: account B makes a passkey, account A
// (signed in on the same page afterwards) tries to delete it, with B's id learnt from a stale list
// on the page, from the server, or from a forged list reply. The server answers such a delete with
// 401 (Better Auth's ownership check). Expected (README "Passkeys (Better Auth)", What the page sees):
// "`deletePasskey` sends only an id from the user's own list: another user's passkey is out of reach
// (nothing done)" — and A stays signed in (a refusal about a passkey is not a lost session).
// Status: another user's passkey held out of reach. FINDINGs on late answers of A's requests clearing
// B's cookie: fixed for a log-out through the same <user-session> (~08:09), open when another
// <user-session> on the key or another tab switches users (marked FINDING below).
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/passkeys.js';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { PasskeyListElement } from '../../src/elements/passkey-list.js';
import { AuthError } from '../../src/errors.js';
import { useVirtualAuthenticator } from '../helpers/webauthn.js';
import {
  arrived,
  betterAuthFault,
  betterAuthRelease,
  call,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { rejectionOf, sleep } from './attack-helpers.js';

describe('attack: passkeys of another user (real Better Auth, virtual authenticator)', function () {
  this.timeout(40_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-attack-cross/${Date.now()}/${keys++}`;
  });

  /** B with a passkey (its id), then A signed in on the same page with a passkey of its own. */
  async function twoUsers() {
    const a = newAccount('pka');
    const b = newAccount('pkb');
    await createUser(a);
    await createUser(b);
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <passkey-list></passkey-list>
      </user-session>
    `);
    await afterConnect();
    await session.ready;
    const list = session.querySelector('passkey-list') as PasskeyListElement;
    await session.logIn(b.email, b.password);
    const bPasskey = await session.addPasskey('B key');
    await waitUntil(() => list.passkeys.length === 1, 'B listed');
    await session.logOut();
    await session.logIn(a.email, a.password);
    const aPasskey = await session.addPasskey('A key');
    return { session, list, a, b, bId: bPasskey.id, aId: aPasskey.id };
  }

  /** B's passkeys as the server has them (signs B in elsewhere on this page's cookie, then back as A). */
  async function passkeysOfB(b: { email: string; password: string }) {
    const { json } = await call<{ id: string }[]>('/passkey/list-user-passkeys');
    void json;
    const signIn = await call('/sign-in/email', { email: b.email, password: b.password });
    expect(signIn.status).to.equal(200);
    return (await call<{ id: string; name: string }[]>('/passkey/list-user-passkeys')).json.map((p) => p.id);
  }

  it("deletePasskey(B's id) as A: no delete request, A still signed in, B's passkey still there", async () => {
    const { session, a, b, bId } = await twoUsers();
    const seen = recordEvents(session, ['logged-out']);
    const before = await requestCount('POST', '/passkey/delete-passkey');
    const result = await rejectionOf(session.deletePasskey(bId));
    if (result) expect(result).to.be.instanceOf(AuthError);
    expect(await requestCount('POST', '/passkey/delete-passkey'), 'a delete request for an id not in A’s list').to.equal(before);
    expect(session.authenticated).to.equal(true);
    expect(session.user?.email).to.equal(a.email);
    expect(seen).to.deep.equal([]);
    await session.logOut();
    expect(await passkeysOfB(b)).to.include(bId);
  });

  it("B's id answered by a forged list (the server then says 401): A stays signed in, B's passkey stays", async () => {
    const { session, a, b, bId, aId } = await twoUsers();
    // A list reply that names B's passkey too (a proxy, a buggy server, a cache): the server still refuses the delete.
    await betterAuthFault({
      path: '/api/auth/passkey/list-user-passkeys',
      body: JSON.stringify([
        { id: aId, name: 'A key', createdAt: new Date().toISOString(), backedUp: false },
        { id: bId, name: 'B key', createdAt: new Date().toISOString(), backedUp: false },
      ]),
    });
    const seen = recordEvents(session, ['logged-out']);
    const listed = await session.listPasskeys();
    expect(listed.map((p) => p.id)).to.include(bId);
    const result = await rejectionOf(session.deletePasskey(bId));
    await betterAuthFault(null);
    if (result) expect(result).to.be.instanceOf(AuthError);
    await sleep(300);
    expect(
      seen.map((e) => e.detail.reason),
      'A signed out by the refusal',
    ).to.deep.equal([]);
    expect(session.authenticated).to.equal(true);
    expect(localStorage.getItem(storageKey)).to.include(a.email);
    expect((await cookieSession())?.user.id, 'A’s cookie session lives').to.be.a('string');
    await session.logOut();
    expect(await passkeysOfB(b)).to.include(bId);
  });

  it("the page's list loaded while B was signed in: after A signs in it shows none of B's passkeys", async () => {
    const { list, bId, aId } = await twoUsers();
    await waitUntil(() => list.passkeys.some((p) => p.id === aId), 'A listed');
    expect(list.passkeys.map((p) => p.id)).not.to.include(bId);
    expect(list.shadowRoot!.textContent).not.to.include('B key');
  });

  it("B signs out: the list empties at once (B's passkeys are not left on the screen)", async () => {
    const b = newAccount('pkb');
    await createUser(b);
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <passkey-list></passkey-list>
      </user-session>
    `);
    await afterConnect();
    const list = session.querySelector('passkey-list') as PasskeyListElement;
    await session.logIn(b.email, b.password);
    await session.addPasskey('B key');
    await waitUntil(() => list.passkeys.length === 1, 'listed');
    await session.logOut();
    await list.updateComplete;
    expect(list.passkeys).to.deep.equal([]);
    expect(list.shadowRoot!.textContent).not.to.include('B key');
  });

  it("A deletes A's own passkey: only A's is deleted, B's stays", async () => {
    const { session, b, bId, aId } = await twoUsers();
    await session.deletePasskey(aId);
    expect(await session.listPasskeys()).to.deep.equal([]);
    await session.logOut();
    expect(await passkeysOfB(b)).to.include(bId);
  });

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING: A's deletePasskey is not ended by A's log-out: its list request, still at the server,
  // is answered 401 for A's revoked cookie with Better Auth's cookie-clearing Set-Cookie, which lands
  // after B signed in and wipes B's cookie. The kit itself does not sign B out on that late 401 (the
  // delete rejects invalid-session), but B's next request finds no session: `session-lost`, and B's
  // server session is left live and unreachable. SPEC §3.4 / §7: a late answer never signs out a newer session.
  it("FINDING: A's delete still under way when B signs in on the page: B is not signed out, nothing of B's is deleted", async () => {
    const { session, b, bId, aId } = await twoUsers();
    const asked = await requestCount('GET', '/passkey/list-user-passkeys');
    await betterAuthFault({ path: '/api/auth/passkey/list-user-passkeys', hold: true, times: 1 });
    const pending = rejectionOf(session.deletePasskey(aId));
    await arrived('GET', '/passkey/list-user-passkeys', asked + 1);
    await session.logOut();
    await session.logIn(b.email, b.password);
    const seen = recordEvents(session, ['logged-out']);
    expect(await betterAuthRelease(), "A's request was still at the proxy").to.equal(1);
    const result = await pending;
    await betterAuthFault(null);
    if (result) expect(result).to.be.instanceOf(AuthError);
    await sleep(300);
    expect((await cookieSession())?.user.id, 'B’s cookie session survives A’s late answer').to.be.a('string');
    const listed = await rejectionOf(session.listPasskeys());
    expect(listed, 'B can still list its passkeys').to.equal(null);
    expect((await session.listPasskeys()).map((p) => p.id)).to.deep.equal([bId]);
    expect(
      seen.map((e) => e.detail.reason),
      'B signed out',
    ).to.deep.equal([]);
    expect(session.user?.email).to.equal(b.email);
  });

  // FINDING (open on the tree of 08:10): the fix for the test above aborts the passkey requests only
  // when this <user-session> itself signs out (the feature's `loggedOut` hook, which runs for the core
  // that performs the log-out). When another <user-session> on the key, or another tab, signs A out
  // and B in, A's request still out is not aborted; the server answers it 401 with the cookie-clearing
  // Set-Cookie, which lands after B's sign-in and wipes B's cookie (B's server session left live,
  // unreachable; the page shows B signed in until its next check). The same holds for a list load.
  it("FINDING: A's delete still under way when another <user-session> on the key signs A out and B in: B's cookie survives", async () => {
    const { session, b, bId, aId } = await twoUsers();
    const other = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}></user-session>
    `);
    await afterConnect();
    const asked = await requestCount('GET', '/passkey/list-user-passkeys');
    await betterAuthFault({ path: '/api/auth/passkey/list-user-passkeys', hold: true, times: 1 });
    const pending = rejectionOf(session.deletePasskey(aId));
    await arrived('GET', '/passkey/list-user-passkeys', asked + 1);
    await other.logOut();
    await other.logIn(b.email, b.password);
    const seen = recordEvents(session, ['logged-out']);
    expect(await betterAuthRelease(), "A's request was still at the proxy").to.equal(1);
    const result = await pending;
    await betterAuthFault(null);
    if (result) expect(result).to.be.instanceOf(AuthError);
    await sleep(300);
    expect((await cookieSession())?.user.id, 'B’s cookie session survives A’s late answer').to.be.a('string');
    expect((await session.listPasskeys()).map((p) => p.id)).to.deep.equal([bId]);
    expect(
      seen.map((e) => e.detail.reason),
      'B signed out',
    ).to.deep.equal([]);
    expect(session.user?.email).to.equal(b.email);
  });

  it("FINDING: A's passkey list still loading when another <user-session> on the key switches to B: B's cookie survives", async () => {
    const { session, b, bId } = await twoUsers();
    const other = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}></user-session>
    `);
    await afterConnect();
    const asked = await requestCount('GET', '/passkey/list-user-passkeys');
    await betterAuthFault({ path: '/api/auth/passkey/list-user-passkeys', hold: true, times: 1 });
    const pending = rejectionOf(session.listPasskeys());
    await arrived('GET', '/passkey/list-user-passkeys', asked + 1);
    await other.logIn(b.email, b.password); // over A's session: A signed out first
    expect(await betterAuthRelease(), "A's request was still at the proxy").to.equal(1);
    await pending;
    await betterAuthFault(null);
    await sleep(300);
    expect((await cookieSession())?.user.id, 'B’s cookie session survives A’s late answer').to.be.a('string');
    expect((await session.listPasskeys()).map((p) => p.id)).to.deep.equal([bId]);
    expect(session.user?.email).to.equal(b.email);
  });

  it("FINDING: A's passkey list still loading when another tab signs A out and B in: B's cookie survives here", async () => {
    const { session, b, bId } = await twoUsers();
    // Another tab: a fresh page of the same site (test/attack/cookie-tab.html), same storage and cookies.
    const frame = document.createElement('iframe');
    frame.src = `/test/attack/cookie-tab.html?${new URLSearchParams({ server: serverUrl, key: storageKey })}`;
    document.body.append(frame);
    type Tab = Window & { ready?: boolean; session: UserSessionElement };
    try {
      await waitUntil(() => Boolean((frame.contentWindow as Tab | null)?.ready), 'the other tab', { timeout: 10_000 });
      const tab = frame.contentWindow as Tab;
      await tab.session.ready;
      const asked = await requestCount('GET', '/passkey/list-user-passkeys');
      await betterAuthFault({ path: '/api/auth/passkey/list-user-passkeys', hold: true, times: 1 });
      const pending = rejectionOf(session.listPasskeys());
      await arrived('GET', '/passkey/list-user-passkeys', asked + 1);
      await tab.session.logOut();
      await tab.session.logIn(b.email, b.password);
      expect(await betterAuthRelease(), "A's request was still at the proxy").to.equal(1);
      await pending;
      await betterAuthFault(null);
      await sleep(300);
      expect((await cookieSession())?.user.id, 'B’s cookie session survives A’s late answer').to.be.a('string');
      await waitUntil(() => session.user?.email === b.email, 'this tab follows');
      expect((await session.listPasskeys()).map((p) => p.id)).to.deep.equal([bId]);
    } finally {
      frame.remove();
    }
  });
});
