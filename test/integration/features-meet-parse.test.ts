// Where two features or two settings meet (issue 22), against the real Parse Server and its
// fault proxy: the revocation outbox under a flaky connection and a changed server, and a
// sign-in under way overtaken by a later one in another element or tab on the same key.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { AuthBackend } from '../../src/backends/backend.js';
import {
  collector,
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  storageKeyFor,
  storeSession,
  stored,
  uniqueName,
  until,
  useParseServer,
  whoAmI,
  type ParseConfig,
} from './parse-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Parse Server: where features meet', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  const outboxKey = () => `${storageKeyFor(cfg.appId)}:pending-revocations`;
  /** The outbox as stored: only `attempts` and `retryAt` are read here, the rest stays opaque. */
  const queued = () => JSON.parse(localStorage.getItem(outboxKey()) ?? '[]') as { attempts: number; retryAt: number }[];
  const logOutRequests = () => proxy.count('POST', '/parse/logout');
  /** "The next page load": a new <user-session> on the same key. */
  const reload = (serverURL = cfg.proxyServerURL) =>
    fixture<UserSessionElement>(html`<user-session app-id=${cfg.appId} server-url=${serverURL}></user-session>`);

  /** Signed in through the proxy, then logged out while the server answers 500: one revocation queued. */
  async function queuedRevocation() {
    const session = await reload();
    await session.signUp(uniqueName('meet'), password);
    const token = String(stored(cfg.appId)?.sessionToken);
    await proxy.reset();
    await proxy.setFault({ status: 500, path: '/parse/logout' });
    const result = await session.logOut();
    expect(result).to.include({ ok: false, signedOutLocally: true, revocationPending: true });
    expect(queued()).to.have.length(1);
    expect(await logOutRequests()).to.equal(1);
    return { session, token };
  }

  describe('the revocation outbox', () => {
    it('a flaky connection (twenty `online` events) sends one retry, not twenty: `online` honours the backoff', async () => {
      const { token } = await queuedRevocation();
      for (let i = 0; i < 20; i++) {
        window.dispatchEvent(new Event('online'));
        await sleep(25);
      }
      await sleep(300);
      expect(await logOutRequests(), 'the log-out, then one retry').to.equal(2);
      expect(queued(), 'still queued: the server never revoked it').to.have.length(1);
      expect(queued()[0]!.retryAt, 'the next try waits').to.be.above(Date.now());
      expect((await whoAmI(token)).status, 'the session is still live on the server').to.equal(200);
    });

    it('the page-load retry honours the backoff too: a failed retry, then a reload sends nothing before retryAt', async () => {
      const { session } = await queuedRevocation();
      session.remove();
      const second = await reload();
      await until(() => queued()[0]?.attempts === 2, 'the first retry to fail');
      expect(await logOutRequests(), 'the log-out, then the page-load retry').to.equal(2);
      second.remove();
      await reload();
      await sleep(400);
      expect(await logOutRequests(), 'no retry before retryAt').to.equal(2);
      expect(queued()).to.have.length(1);
    });

    it('a revocation that failed sixty times is kept (slower), never forgotten, and sent once the server answers', async () => {
      const { session, token } = await queuedRevocation();
      session.remove();
      // As if the server had failed for days: many attempts, due now.
      const longFailing = () =>
        localStorage.setItem(outboxKey(), JSON.stringify(queued().map((entry) => ({ ...entry, attempts: 60, retryAt: 0 }))));
      longFailing();
      const second = await reload();
      await until(() => queued()[0]?.retryAt !== 0, 'the retry to fail');
      expect(await logOutRequests()).to.equal(2);
      expect(queued(), 'kept: the session is still live on the server').to.have.length(1);
      expect(queued()[0]!.retryAt - Date.now(), 'retried at most every ten minutes').to.be.within(1, 10 * 60_000);
      second.remove();

      await proxy.setFault(null);
      longFailing();
      await reload();
      await until(() => localStorage.getItem(outboxKey()) === null, 'the outbox to empty');
      expect((await whoAmI(token)).body.code, 'revoked on the server').to.equal(209);
    });

    it('a queued revocation is only ever sent to the server it belongs to, never to a new server-url or backend', async () => {
      await collector.reset();
      const { session, token } = await queuedRevocation();
      const { url: elsewhere } = await collector.info();
      session.serverUrl = `${elsewhere}/parse`;
      await session.updateComplete;
      window.dispatchEvent(new Event('online'));
      session.remove();
      await reload(`${elsewhere}/parse`);
      await sleep(400);
      expect(await collector.requests([token]), 'nothing reached the other origin').to.deep.equal([]);
      expect(queued(), 'still waiting for its own server').to.have.length(1);

      // The page's own backend object, told nothing of this server: not sent to it either.
      const custom: AuthBackend & { revoked: number } = {
        revoked: 0,
        logOut: async () => void custom.revoked++,
        currentUser: async () => ({ id: 'x' }),
      };
      const own = await fixture<UserSessionElement>(html`<user-session app-id=${cfg.appId} .backend=${custom}></user-session>`);
      window.dispatchEvent(new Event('online'));
      await sleep(300);
      expect(custom.revoked, 'sent to a backend of another server').to.equal(0);
      own.remove();

      // Back to its own server, which answers now: revoked there.
      await proxy.setFault(null);
      localStorage.setItem(outboxKey(), JSON.stringify(queued().map((entry) => ({ ...entry, retryAt: 0 }))));
      await reload();
      await until(() => localStorage.getItem(outboxKey()) === null, 'the outbox to empty');
      expect((await whoAmI(token)).body.code).to.equal(209);
    });
  });

  // Two kinds of slow: the request is held on its way (`hold`: the later sign-in wins before it
  // reaches the server; it never does), or the server is slow to answer (`holdReply`: it has
  // opened the session by then, and the overtaken sign-in's aborted request leaves it there).
  for (const [hold, slowness] of [
    ['hold', 'the request never reaches the server'],
    ['holdReply', 'the server answers late'],
  ] as const) {
    describe(`a later sign-in on the same storage key wins over one still under way (${slowness})`, () => {
      /** The sessions Parse keeps for a user, asked with one of their tokens. */
      async function sessionsOf(token: string): Promise<number> {
        const reply = await rest('GET', '/sessions', { token });
        return (reply.body.results as unknown[]).length;
      }

      async function slowSignIn() {
        const first = await signUpRest(uniqueName('slow'));
        const second = await signUpRest(uniqueName('fast'));
        const slow = await reload();
        const asked = await proxy.count('POST', '/parse/login');
        await proxy.setFault({ [hold]: true, path: '/parse/login', times: 1 });
        const late = slow.logIn(first.username, password).then(
          () => null,
          (error: unknown) => error,
        );
        await proxy.seen('POST', '/parse/login', asked + 1);
        return { first, second, slow, late };
      }

      async function expectLaterWon(
        slow: UserSessionElement,
        late: Promise<unknown>,
        first: { sessionToken: string },
        second: { username: string },
      ) {
        expect(await late, 'the overtaken sign-in rejects').to.have.property('code', 'aborted');
        // holdReply: Parse opens the overtaken sign-in's session (its answer goes to an aborted
        // request); hold: the request never reaches Parse. Either way the proxy drops it now.
        if (hold === 'holdReply') {
          await waitUntil(
            async () => (await sessionsOf(first.sessionToken)) === 2,
            "Parse to open the overtaken sign-in's session",
          );
        }
        await proxy.reset();
        await sleep(300);
        const now = stored(cfg.appId);
        expect(now?.username, 'the later sign-in is what is stored').to.equal(second.username);
        expect((await whoAmI(String(now?.sessionToken))).status, 'the later session is live').to.equal(200);
        expect(slow.user?.username).to.equal(second.username);
      }

      /** README, Known limitations: a session Parse opened for the overtaken sign-in ends when that user next signs in from this browser (one session per installation). */
      async function expectNoneLeftAfterNextSignIn(slow: UserSessionElement, first: { sessionToken: string; username: string }) {
        await slow.logIn(first.username, password);
        expect(await sessionsOf(first.sessionToken), "the sign-up's session and this one, nothing else").to.equal(2);
      }

      it('another <user-session> on the page signs in as someone else meanwhile', async () => {
        const { first, second, slow, late } = await slowSignIn();
        const other = await fixture<UserSessionElement>(
          html`<user-session app-id=${cfg.appId} server-url=${cfg.serverURL}></user-session>`,
        );
        await other.logIn(second.username, password);
        await expectLaterWon(slow, late, first, second);
        expect(other.user?.username).to.equal(second.username);
        await expectNoneLeftAfterNextSignIn(slow, first);
      });

      it('another tab signs in as someone else meanwhile', async () => {
        // The tab is loaded before the slow sign-in starts (its sign-in is the one that overtakes).
        const frame = document.createElement('iframe');
        frame.src = `/test/pages/parse-tab.html?server-url=${encodeURIComponent(cfg.serverURL)}&app-id=${encodeURIComponent(cfg.appId)}`;
        document.body.append(frame);
        try {
          const tab = frame.contentWindow as Window & { ready?: boolean; session?: UserSessionElement };
          await until(() => !!tab.ready, 'the other tab');
          await tab.session!.ready;
          const { first, second, slow, late } = await slowSignIn();
          await tab.session!.logIn(second.username, password);
          await expectLaterWon(slow, late, first, second);
          await expectNoneLeftAfterNextSignIn(slow, first);
        } finally {
          frame.remove();
        }
      });
    });
  }

  describe('settings changed while signed in', () => {
    it('server-url pointed at another server: the session is ended at its own server, reason session-lost, nothing sent to the new one', async () => {
      await collector.reset();
      const { url: elsewhere } = await collector.info();
      const session = await reload(cfg.serverURL);
      await session.signUp(uniqueName('moved'), password);
      const token = String(stored(cfg.appId)?.sessionToken);
      const out: string[] = [];
      session.addEventListener('logged-out', (e) => out.push((e as CustomEvent<{ reason: string }>).detail.reason));
      session.serverUrl = `${elsewhere}/parse`;
      await session.updateComplete;
      expect(out).to.deep.equal(['session-lost']);
      expect(session.authenticated).to.equal(false);
      expect(stored(cfg.appId), 'nothing left stored').to.equal(null);
      const deadline = Date.now() + 5000;
      while ((await whoAmI(token)).status === 200 && Date.now() < deadline) await sleep(100);
      expect((await whoAmI(token)).body.code, 'revoked at the server that issued it').to.equal(209);
      await session.refresh();
      expect(await collector.requests([token]), 'nothing reached the new server').to.deep.equal([]);
    });

    for (const explicitKey of [false, true]) {
      it(`attributes set just after connecting (as Angular binds them)${explicitKey ? ', explicit storage-key' : ''}: the restored session stays`, async () => {
        const user = await signUpRest(uniqueName('late'));
        storeSession(cfg.appId, user);
        const session = document.createElement('user-session');
        if (explicitKey) session.setAttribute('storage-key', storageKeyFor(cfg.appId));
        const out: string[] = [];
        session.addEventListener('logged-out', (e) => out.push((e as CustomEvent<{ reason: string }>).detail.reason));
        document.body.append(session);
        try {
          await Promise.resolve();
          session.setAttribute('app-id', cfg.appId);
          session.setAttribute('server-url', cfg.serverURL);
          await session.ready;
          await sleep(100);
          expect(out).to.deep.equal([]);
          expect(session.user?.username).to.equal(user.username);
          expect(stored(cfg.appId)?.sessionToken).to.equal(user.sessionToken);
          expect((await whoAmI(user.sessionToken)).status).to.equal(200);
        } finally {
          session.remove();
        }
      });
    }
  });

  it('(self-check) a second session of a user is counted by the server', async () => {
    const user = await signUpRest(uniqueName('count'));
    await logInRest(user.username);
    const reply = await rest('GET', '/sessions', { token: user.sessionToken });
    expect((reply.body.results as unknown[]).length).to.equal(2);
  });
});
