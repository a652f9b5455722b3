// Probe: a Better Auth sign-in parked at the cookie lock (the test holds the lock, named by the
// server's URL, as another tab's sign-out would) while the page changes things under it.
// Expected (README, Cookie sessions): storage and the cookie name the same session, no server
// session left that nobody can end, no uncaught exception, a clear AuthError code.
import { expect, fixture, html } from '@open-wc/testing';
import { afterConnect } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import {
  signInOutsideTheKit,
  betterAuthProxyReset,
  betterAuthRequests,
  cookieSession,
  createUser,
  newAccount,
  sessionsOf,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { rejectionOf, sleep } from './attack-helpers.js';
import { uncaught } from '../helpers/fixtures.js';

describe('probe: Better Auth sign-in waiting at the cookie lock', function () {
  this.timeout(30_000);
  let serverUrl: string;
  let key: string;
  let n = 0;
  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  beforeEach(() => (key = `probe-ba-lock/${Date.now()}/${n++}`));

  async function page(k = key) {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${k}></user-session>
    `);
    await afterConnect();
    await session.ready;
    return session;
  }

  /** Holds the cookie lock until the returned function is called. */
  async function holdLock(): Promise<() => void> {
    let release!: () => void;
    const base = new URL(serverUrl).origin + new URL(serverUrl).pathname.replace(/\/+$/, '');
    await new Promise<void>((granted) => {
      void navigator.locks.request(base, () => (granted(), new Promise<void>((r) => (release = r))));
    });
    return release;
  }

  async function account() {
    const a = newAccount('pbl');
    await createUser(a);
    return a;
  }

  function code(e: unknown): string | null {
    return (e as { code?: string } | null)?.code ?? null;
  }
  function message(e: unknown): string {
    return (e as { message?: string } | null)?.message ?? '';
  }

  async function parked(session: UserSessionElement, a: { email: string; password: string }) {
    const release = await holdLock();
    await betterAuthProxyReset();
    const pending = rejectionOf(session.logIn(a.email, a.password));
    await sleep(100); // the sign-in reached the lock and waits
    return { release, pending };
  }

  async function settle(expectStoredUnder: string[]) {
    await sleep(1_500);
    const cookie = await cookieSession();
    for (const k of expectStoredUnder) {
      const raw = localStorage.getItem(k) ?? sessionStorage.getItem(k);
      const id = raw === null ? null : (JSON.parse(raw) as { token: string }).token.replace(/^better-auth-session:/, '');
      expect(id, `stored under ${k} vs the cookie`).to.equal(cookie?.session.id ?? null);
    }
    return cookie;
  }

  it('storage-key changed while the sign-in waits: a clear error, nothing stored anywhere, no session left alive', async () => {
    const one = await account();
    const session = await page();
    const { release, pending } = await parked(session, one);
    const newKey = `${key}/renamed`;
    session.setAttribute('storage-key', newKey);
    await session.updateComplete;
    release();
    const error = await pending;
    const cookie = await settle([key, newKey]);
    const live = await sessionsOf(one.email);
    expect(live.length, 'server sessions of the user').to.equal(cookie ? 1 : 0);
    if (error) {
      expect(code(error), message(error)).to.equal('aborted');
      expect(session.authenticated).to.equal(false);
    } else {
      expect(session.authenticated).to.equal(true);
    }
    expect(uncaught.splice(0)).to.deep.equal([]);
  });

  it('storage changed (local → session) while the sign-in waits: a clear error or a sign-in in the new area, consistent with the cookie', async () => {
    const one = await account();
    const session = await page();
    const { release, pending } = await parked(session, one);
    session.setAttribute('storage', 'session');
    await session.updateComplete;
    release();
    const error = await pending;
    const cookie = await settle([key]);
    const live = await sessionsOf(one.email);
    expect(live.length, 'server sessions of the user').to.equal(cookie ? 1 : 0);
    if (error) expect(code(error), message(error)).to.equal('aborted');
    expect(session.authenticated).to.equal(cookie !== null);
    expect(uncaught.splice(0)).to.deep.equal([]);
  });

  it('server-url changed (another spelling of the same server) while the sign-in waits: aborted, nothing sent', async () => {
    const one = await account();
    const session = await page();
    const { release, pending } = await parked(session, one);
    session.setAttribute('server-url', `${serverUrl}/`);
    await session.updateComplete;
    release();
    const error = await pending;
    const cookie = await settle([key]);
    expect((await sessionsOf(one.email)).length).to.equal(cookie ? 1 : 0);
    if (error) expect(code(error), message(error)).to.equal('aborted');
    expect(uncaught.splice(0)).to.deep.equal([]);
  });

  it('the element removed while the sign-in waits: it fails, nothing is sent, no session, the lock is free again', async () => {
    const one = await account();
    const session = await page();
    const { release, pending } = await parked(session, one);
    session.remove();
    await sleep(50);
    release();
    const error = await pending;
    expect(error, 'the sign-in of a removed element').to.not.equal(null);
    console.log('removed-while-waiting error:', code(error), message(error));
    await settle([key]);
    expect(await sessionsOf(one.email)).to.have.length(0);
    const sent = (await betterAuthRequests()).requests.map((r) => r.path).filter((p) => p.includes('/sign-in'));
    expect(sent, 'a sign-in sent for an element no longer in the page').to.deep.equal([]);
    expect(uncaught.splice(0)).to.deep.equal([]);
  });

  it('the element removed and put back while the sign-in waits: one consistent outcome', async () => {
    const one = await account();
    const session = await page();
    const parent = session.parentElement!;
    const { release, pending } = await parked(session, one);
    session.remove();
    parent.append(session);
    await sleep(50);
    release();
    const error = await pending;
    const cookie = await settle([key]);
    expect((await sessionsOf(one.email)).length).to.equal(cookie ? 1 : 0);
    expect(session.authenticated).to.equal(cookie !== null);
    if (error) expect(['aborted', 'misconfigured']).to.include(code(error));
    expect(uncaught.splice(0)).to.deep.equal([]);
  });

  it('log-out on the same page while a sign-in waits: the sign-in is replaced (aborted), the user is signed out', async () => {
    const one = await account();
    const session = await page();
    const { release, pending } = await parked(session, one);
    const out = await session.logOut();
    expect(out.ok).to.equal(true);
    release();
    const error = await pending;
    await settle([key]);
    expect(code(error), 'the sign-in the log-out came after').to.equal('aborted');
    expect(session.authenticated, 'signed in after the user clicked log out').to.equal(false);
    expect(await sessionsOf(one.email)).to.have.length(0);
  });


  /** Signs `a` in outside the kit (cookie = its session) and stores it under `k` the way the kit does. */
  async function storedElsewhere(a: { email: string; password: string }, k: string) {
    await signInOutsideTheKit(a);
    const cookie = (await cookieSession())!;
    localStorage.setItem(k, JSON.stringify({ token: `better-auth-session:${cookie.session.id}`, user: { id: cookie.user.id, email: a.email } }));
    return cookie.session.id;
  }

  it('the element removed while its sign-in waits, and another sign-in stored meanwhile: the stored session keeps its cookie', async () => {
    // Another tab (here: page code, which fires no storage event) stored user one's session while
    // this page's sign-in of user two waited at the lock; the element is removed meanwhile.
    const [one, two] = [await account(), await account()];
    const session = await page();
    const { release, pending } = await parked(session, two);
    const id = await storedElsewhere(one, key);
    session.remove();
    await betterAuthProxyReset();
    release();
    const error = await pending;
    await sleep(1_500);
    const cookie = await cookieSession();
    const sent = (await betterAuthRequests()).requests.map((r) => r.path);
    expect(cookie?.session.id ?? null, `the stored session lost its cookie; error ${code(error)} ${message(error)}; sent ${sent.join(' ')}`).to.equal(id);
    expect((await sessionsOf(two.email)).length, 'user two').to.equal(0);
  });

  it('storage-key switched while a sign-in waits, to a key that holds a session with the cookie: that session keeps its cookie', async () => {
    const [one, two] = [await account(), await account()];
    const otherKey = `${key}/other`;
    // Connected before the cookie exists: it takes nothing up on connect.
    const session = await page();
    const id = await storedElsewhere(one, otherKey);
    const { release, pending } = await parked(session, two);
    session.setAttribute('storage-key', otherKey);
    await session.updateComplete;
    expect(session.user?.email, 'shows what the new key holds').to.equal(one.email);
    release();
    const error = await pending;
    await sleep(1_500);
    const cookie = await cookieSession();
    const sent = (await betterAuthRequests()).requests.map((r) => r.path);
    expect(cookie?.session.id ?? null, `the stored session lost its cookie; error ${code(error)} ${message(error)}; sent ${sent.join(' ')}`).to.equal(id);
    expect(code(error), message(error)).to.equal('aborted');
    expect((await sessionsOf(one.email)).length, 'user one').to.equal(1);
    expect((await sessionsOf(two.email)).length, 'user two').to.equal(0);
    expect(session.authenticated).to.equal(true);
  });
});
