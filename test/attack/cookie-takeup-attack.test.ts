// Attacks on the take-up of a cookie session signed in outside the kit (<user-session
// backend="better-auth">, nothing stored: one get-session after connecting, reason `restored`,
// never the session this browser last signed out of, remembered under `<key>:signed-out`),
// against the real Better Auth server started by scripts/wtr-better-auth-plugin.mjs. A "reload"
// is a fresh page in an iframe (test/attack/cookie-tab.html): its own copy of the kit, the same
// storage and cookies. Each test asserts the safe behaviour: it fails while the hole is open.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { withWritesRefused } from '../helpers/refuse-writes.js';
import { afterConnect, recordEvents, uncaught } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import {
  betterAuthFault,
  betterAuthProxyReset,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  signInOutsideTheKit,
  signOutCookie,
  startBetterAuth,
  stopBetterAuth,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { recordConsole, sleep, spellings } from './attack-helpers.js';

const consoleLog = recordConsole();

interface TabWindow extends Window {
  session: UserSessionElement;
  seen: string[];
  errors: string[];
  ready?: boolean;
}

describe('attack: Better Auth take-up of a cookie session signed in outside the kit', function () {
  this.timeout(40_000);
  let serverUrl: string;
  let keyCount = 0;
  let storageKey: string;
  const frames: HTMLIFrameElement[] = [];

  afterEach(() => {
    for (const f of frames.splice(0)) f.remove();
  });
  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  beforeEach(async () => {
    consoleLog.length = 0;
    storageKey = `ba-takeup/${Date.now()}/${keyCount++}`;
    await signOutCookie(); // every test starts with no cookie session that could be taken up
  });

  async function account() {
    const a = newAccount('tk');
    await createUser(a);
    return a;
  }

  async function page(key = storageKey, extra = '') {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl + extra} storage-key=${key}></user-session>
    `);
    await afterConnect();
    return session;
  }

  /** A fresh page load on the same storage and cookies: waits for its `ready`. */
  async function reload(params: Record<string, string> = {}): Promise<TabWindow> {
    const frame = document.createElement('iframe');
    const query = new URLSearchParams({ server: serverUrl, key: storageKey, ...params });
    frame.src = `/test/attack/cookie-tab.html?${query}`;
    document.body.append(frame);
    frames.push(frame);
    const win = frame.contentWindow as TabWindow;
    await waitUntil(() => Boolean((frame.contentWindow as TabWindow | null)?.ready), 'the reloaded page', { timeout: 10_000 });
    await win.session.ready;
    await sleep(50);
    return win;
  }

  describe('(a) a user who clicked log-out is never shown signed in again', () => {
    it('local log-out with the default key; a page whose server-url ends in / (the same server) takes up nothing', async () => {
      const a = await account();
      const session = await fixture<UserSessionElement>(
        html`<user-session backend="better-auth" server-url=${serverUrl}></user-session>`,
      );
      await session.logIn(a.email, a.password);
      expect((await session.logOut({ scope: 'local' })).ok).to.equal(true);
      session.remove();
      expect(await cookieSession(), 'the cookie still names a live session').to.not.equal(null);
      // The same site's other page: same server, the default storage key.
      const win = await reload({ key: '', server: `${serverUrl}/` });
      expect(win.session.hasAttribute('authenticated'), 'the session signed out of is back').to.equal(false);
      expect(win.seen).to.deep.equal([]);
    });

    it('local log-out with localStorage refusing writes (full): a reload takes up nothing', async () => {
      const a = await account();
      const session = await page();
      await session.logIn(a.email, a.password);
      const result = await withWritesRefused(() => session.logOut({ scope: 'local' }), localStorage);
      expect(result.ok).to.equal(true);
      session.remove();
      const win = await reload();
      expect(win.session.hasAttribute('authenticated'), 'the session signed out of is back').to.equal(false);
    });

    it('offline log-out with localStorage refusing writes (full): a reload online takes up nothing', async () => {
      const a = await account();
      const session = await page();
      await session.logIn(a.email, a.password);
      await stopBetterAuth();
      const result = await withWritesRefused(() => session.logOut(), localStorage);
      expect(result.ok).to.equal(false);
      session.remove();
      await startBetterAuth();
      const win = await reload();
      expect(win.session.hasAttribute('authenticated'), 'the session signed out of is back').to.equal(false);
    });

    it('offline log-out, then :signed-out deleted: the queued revocation still keeps its session from being taken up', async () => {
      const a = await account();
      const session = await page();
      await session.logIn(a.email, a.password);
      await stopBetterAuth();
      await session.logOut();
      session.remove();
      await startBetterAuth();
      localStorage.removeItem(`${storageKey}:signed-out`);
      await betterAuthFault({ status: 503, path: '/api/auth/revoke-session' });
      const win = await reload();
      expect(win.session.hasAttribute('authenticated'), 'a session queued for revocation is back').to.equal(false);
    });

    it('offline idle sign-out: a reload online takes up nothing', async () => {
      const a = await account();
      const session = await fixture<UserSessionElement>(html`
        <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey} idle-timeout="1s"></user-session>
      `);
      await session.logIn(a.email, a.password);
      const out = recordEvents(session, ['logged-out']);
      await stopBetterAuth();
      await waitUntil(() => out.length > 0, 'the idle sign-out', { timeout: 10_000 });
      expect(out[0].detail.reason).to.equal('idle');
      await sleep(300);
      session.remove();
      await startBetterAuth();
      await betterAuthFault({ status: 503, path: '/api/auth/revoke-session' });
      const win = await reload();
      expect(win.session.hasAttribute('authenticated')).to.equal(false);
    });

    it('local log-out in another page (iframe) on the same key: this page and a reload stay signed out', async () => {
      const a = await account();
      const session = await page();
      await session.logIn(a.email, a.password);
      const tab = await reload();
      expect(tab.session.hasAttribute('authenticated')).to.equal(true);
      expect((await tab.session.logOut({ scope: 'local' })).ok).to.equal(true);
      await waitUntil(() => !session.hasAttribute('authenticated'), 'this page following', { timeout: 10_000 });
      const win = await reload();
      expect(win.session.hasAttribute('authenticated')).to.equal(false);
      expect(session.hasAttribute('authenticated')).to.equal(false);
    });

    it('local log-out, then an outside sign-in as another user: that user (not the old one) is taken up', async () => {
      const a = await account();
      const b = await account();
      const session = await page();
      await session.logIn(a.email, a.password);
      await session.logOut({ scope: 'local' });
      session.remove();
      await signInOutsideTheKit(b);
      const win = await reload();
      expect(win.session.user).to.include({ email: b.email });
      expect(win.seen).to.deep.equal(['logged-in:restored']);
    });

    it('a tampered :signed-out (garbage, huge, JSON) never throws, and a valid cookie is handled', async () => {
      const a = await account();
      await signInOutsideTheKit(a);
      for (const value of ['{not json', 'x'.repeat(2_000_000), '{"token":null}', 'better-auth-session:']) {
        localStorage.clear();
        localStorage.setItem(`${storageKey}:signed-out`, value);
        const win = await reload();
        expect(win.errors).to.deep.equal([]);
        expect(win.session.user).to.include({ email: a.email });
      }
    });
  });

  describe('(b) a forged or wrong session is never taken up', () => {
    const forged = (over: Record<string, unknown> = {}) => ({
      session: {
        id: 'forged-session-id',
        token: 'FORGEDTOKENabcdefghijklmnop123456',
        userId: 'u1',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      user: {
        id: 'u1',
        email: 'mallory@example.test',
        name: 'Mallory',
        emailVerified: false,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      ...over,
    });

    it('a token in the user fields of the reply: never in user, storage, attributes, events or console', async () => {
      const token = 'FORGEDTOKENabcdefghijklmnop123456';
      const reply = forged();
      Object.assign(reply.user, { token, sessionToken: token, session: { token } });
      await betterAuthFault({ body: JSON.stringify(reply), path: '/api/auth/get-session', times: 1 });
      const session = document.createElement('user-session') as UserSessionElement;
      session.setAttribute('backend', 'better-auth');
      session.setAttribute('server-url', serverUrl);
      session.storageKey = storageKey;
      const seen = recordEvents(session, ['logged-in', 'logged-out', 'error']);
      document.body.append(session);
      try {
        await session.ready;
        const visible = [
          JSON.stringify(session.user),
          JSON.stringify({ ...localStorage }),
          session.outerHTML,
          consoleLog.join('\n'),
          ...seen.map((e) => JSON.stringify(e.detail)),
        ].join('\n');
        for (const s of spellings(token)) expect(visible.includes(s), `the token leaked (${s.slice(0, 8)}…)`).to.equal(false);
      } finally {
        session.remove();
      }
    });

    for (const [what, body] of [
      ['session null, user set', JSON.stringify({ session: null, user: { id: 'u1', email: 'm@x.test' } })],
      ['user null', JSON.stringify({ session: { id: 's1', token: 't', userId: 'u1' }, user: null })],
      ['user without id', JSON.stringify({ session: { id: 's1', token: 't', userId: 'u1' }, user: { email: 'm@x.test' } })],
      ['session id not a string', JSON.stringify({ session: { id: { $gt: '' }, token: 't' }, user: { id: 'u1' } })],
      ['an array', '[{"session":{"id":"s"},"user":{"id":"u"}}]'],
      ['a string', '"signed-in"'],
      ['truncated JSON', '{"session":{"id":"s1","token":"t"},"user":{"id":'],
    ] as const) {
      it(`a malformed get-session reply (${what}) takes up nothing and throws nothing`, async () => {
        await betterAuthFault({ body, path: '/api/auth/get-session', times: 1 });
        const before = uncaught.length;
        const session = await page();
        expect(await session.ready).to.equal(null);
        expect(session.hasAttribute('authenticated')).to.equal(false);
        expect(localStorage.getItem(storageKey)).to.equal(null);
        expect(uncaught.length).to.equal(before);
      });
    }

    it('a huge get-session reply settles ready signed out without hanging', async function () {
      this.timeout(60_000);
      await betterAuthFault({
        chunkedBytes: 40_000_000,
        body: JSON.stringify(forged()),
        path: '/api/auth/get-session',
        times: 1,
      });
      const session = await page();
      const t0 = Date.now();
      expect(await session.ready).to.equal(null);
      expect(Date.now() - t0).to.be.below(30_000);
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });

    it('a slow take-up reply (user X) racing a kit sign-in as Y right after connect: Y stays', async () => {
      const x = await account();
      const y = await account();
      await signInOutsideTheKit(x);
      await betterAuthFault({ delayMs: 1500, path: '/api/auth/get-session', times: 1 });
      const session = await page();
      await session.logIn(y.email, y.password);
      await session.ready;
      await sleep(1800);
      expect(session.user).to.include({ email: y.email });
      expect(JSON.parse(localStorage.getItem(storageKey)!).user.email).to.equal(y.email);
      expect((await cookieSession())!.user.id).to.equal((session.user as { id: string }).id);
    });

    it('a slow take-up reply (user X) racing a kit sign-in as Y and its log-out: X is not taken up after the log-out', async () => {
      const x = await account();
      const y = await account();
      await signInOutsideTheKit(x);
      await betterAuthFault({ delayMs: 2000, path: '/api/auth/get-session', times: 1 });
      const session = await page();
      await session.logIn(y.email, y.password);
      expect((await session.logOut()).ok).to.equal(true);
      await session.ready;
      await sleep(2300);
      expect(session.hasAttribute('authenticated'), 'signed in after the log-out click').to.equal(false);
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });

    it('a slow take-up reply racing a log-out clicked right after connect: signed out in the end', async () => {
      const x = await account();
      await signInOutsideTheKit(x);
      await betterAuthFault({ delayMs: 1500, path: '/api/auth/get-session', times: 1 });
      const session = await page();
      const out = await session.logOut();
      await session.ready;
      await sleep(1800);
      expect(out.ok).to.equal(true);
      expect(session.hasAttribute('authenticated'), 'signed in after the log-out click').to.equal(false);
    });

    it('a slow take-up reply racing a local log-out clicked right after connect: signed out in the end, and after a reload', async () => {
      const x = await account();
      await signInOutsideTheKit(x);
      await betterAuthFault({ delayMs: 1500, path: '/api/auth/get-session', times: 1 });
      const session = await page();
      await session.logOut({ scope: 'local' });
      await session.ready;
      await sleep(1800);
      expect(session.hasAttribute('authenticated'), 'signed in after the log-out click').to.equal(false);
      session.remove();
      const win = await reload();
      expect(win.session.hasAttribute('authenticated')).to.equal(false);
    });

    it('a slow take-up reply racing a kit sign-in in another tab on the same key: that sign-in stays', async () => {
      const x = await account();
      const y = await account();
      await signInOutsideTheKit(x);
      await betterAuthFault({ delayMs: 1500, path: '/api/auth/get-session', times: 1 });
      const session = await page();
      const tab = await reload();
      await tab.session.logIn(y.email, y.password);
      await session.ready;
      await sleep(1800);
      expect(session.user).to.include({ email: y.email });
      expect(JSON.parse(localStorage.getItem(storageKey)!).user.email).to.equal(y.email);
    });
  });

  describe('(c)/(d) no leak, requests counted', () => {
    it('a taken-up session leaves its token nowhere a page can read', async () => {
      const x = await account();
      await signInOutsideTheKit(x);
      const token = (await cookieSession())!.session.token;
      const session = document.createElement('user-session') as UserSessionElement;
      session.setAttribute('backend', 'better-auth');
      session.setAttribute('server-url', serverUrl);
      session.storageKey = storageKey;
      const seen = recordEvents(session, ['logged-in', 'logged-out', 'error']);
      document.body.append(session);
      try {
        expect(await session.ready).to.include({ email: x.email });
        const visible = [
          JSON.stringify(session.user),
          JSON.stringify({ ...localStorage }),
          JSON.stringify({ ...sessionStorage }),
          session.outerHTML,
          document.cookie,
          consoleLog.join('\n'),
          ...seen.map((e) => JSON.stringify(e.detail)),
        ].join('\n');
        for (const s of spellings(token)) expect(visible.includes(s), `the token leaked (${s.slice(0, 8)}…)`).to.equal(false);
      } finally {
        session.remove();
      }
    });

    it('two elements on the key, one reconnected: one get-session for the page', async () => {
      const first = await page();
      const second = await page();
      await first.ready;
      await second.ready;
      first.remove();
      document.body.append(first);
      await afterConnect();
      await first.ready;
      expect(await requestCount('GET', '/get-session')).to.equal(1);
    });

    it('something stored: a reload asks get-session once (the check), not again to take up', async () => {
      const x = await account();
      const session = await page();
      await session.logIn(x.email, x.password);
      session.remove();
      await betterAuthProxyReset();
      const win = await reload();
      expect(win.session.user).to.include({ email: x.email });
      await sleep(300);
      expect(await requestCount('GET', '/get-session')).to.equal(1);
    });

    it('something stored but the server says null: session-lost, and nothing taken up afterwards', async () => {
      const x = await account();
      const session = await page();
      await session.logIn(x.email, x.password);
      session.remove();
      await signOutCookie();
      await betterAuthProxyReset();
      const win = await reload();
      expect(win.seen).to.deep.equal(['logged-in:restored', 'logged-out:session-lost']);
      await sleep(300);
      expect(await requestCount('GET', '/get-session')).to.equal(1);
    });
  });
});
