// Regression tests from an outside attack pass (black box: the tester had only README and SPEC)
// against the real Parse Server, through the fault proxy and the collector (a server on another
// loopback address standing for "somewhere else"). Each attack that found a defect, or probed a
// promise worth keeping, stays here as a regression test. What test/integration/parse-hardening.test.ts
// and test/integration/storage-truth-parse.test.ts already assert is not repeated.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/index.js';
import { AuthError } from '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import {
  collector,
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  storeSession,
  stored,
  storageKeyFor,
  uniqueName,
  until,
  useParseServer,
  whoAmI,
  type Fault,
  type ParseConfig,
  type ProxiedRequest,
} from '../integration/parse-server.js';
import { errorText, outboxKeyOf, rejectionOf, spellings } from './attack-helpers.js';

describe('attack regressions: real Parse Server', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((c) => (cfg = c));
  beforeEach(() => collector.reset());

  const outboxKey = () => outboxKeyOf(storageKeyFor(cfg.appId));

  /** `<user-session>` with a `<log-out-action>` inside. */
  async function page({ serverURL = cfg.proxyServerURL, storage = 'local', clientKey = null as string | null } = {}) {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${serverURL} storage=${storage} .clientKey=${clientKey}>
        <log-out-action></log-out-action>
      </user-session>
    `);
    return { session, action: session.querySelector<LogOutActionElement>('log-out-action')! };
  }

  /** A page that finds a session stored by an earlier page load, after its check on connect. */
  async function restoredPage(prefix: string, options: Parameters<typeof page>[0] = {}) {
    const account = await signUpRest(uniqueName(prefix));
    storeSession(cfg.appId, account);
    const parts = await page(options);
    await afterConnect();
    await until(() => !parts.session.pending, 'the session check on connect');
    return { ...parts, account };
  }

  describe('server-url smuggling another host (SPEC §7.5)', () => {
    // Tab, newline, "/\" and "//host": parse-hardening.test.ts.
    for (const [name, make] of [
      ['"\\\\<host>/parse"', (host: string) => `\\\\${host}/parse`],
      ['" //<host>/parse" (a leading space)', (host: string) => ` //${host}/parse`],
    ] as const) {
      it(`server-url ${name}: log-in rejects misconfigured and the other host sees nothing`, async () => {
        const host = new URL((await collector.info()).url).host;
        const { session } = await page({ serverURL: make(host) });
        const error = await rejectionOf(session.logIn('someone', password));
        expect(error).to.be.instanceOf(AuthError);
        expect((error as AuthError).code).to.equal('misconfigured');
        expect(await collector.requests([password])).to.deep.equal([]);
      });
    }
  });

  describe('a client-key that is not a valid header value (SPEC §7.7), page origin form', () => {
    for (const [name, clientKey] of [
      ['a newline', 'key\nX-Evil: 1'],
      ['a non-Latin-1 character', 'clé✓'],
    ]) {
      it(`client-key with ${name}: log-out fails misconfigured, signed out here, nothing queued; log-in rejects misconfigured`, async () => {
        const { session, action, account } = await restoredPage('hdr', { serverURL: '/same-origin/parse', clientKey });
        const seen = recordEvents(action, ['failure', 'success']);
        expect(await action.do()).to.equal(false);
        expect(seen.map((e) => [e.type, e.detail.error?.code, e.detail.signedOutLocally])).to.deep.equal([
          ['failure', 'misconfigured', true],
        ]);
        expect(localStorage.getItem(outboxKey())).to.equal(null);
        const error = await rejectionOf(session.logIn(account.username, password));
        expect((error as AuthError).code).to.equal('misconfigured');
      });
    }
  });

  describe('odd replies to POST /logout', () => {
    // Bare 401 and 404: parse-hardening.test.ts.
    for (const [name, fault] of [
      ['a 200 HTML page (a captive portal, a wrong route)', { html: true }],
      ['a 200 non-JSON text "OK"', { body: 'OK', contentType: 'text/plain' }],
      ['a bare 403 (a gateway, not Parse)', { status: 403, body: '', contentType: 'text/plain' }],
    ] as [string, Fault][]) {
      it(`${name} is no proof of revocation: failure, never success; signed out here`, async () => {
        // README: `revoked` when the server confirmed the session is revoked.
        const { action, account } = await restoredPage('odd');
        await proxy.setFault({ ...fault, path: '/parse/logout' });
        const seen = recordEvents(action, ['success', 'failure']);
        expect(await action.do()).to.equal(false);
        expect(seen.map((e) => [e.type, e.detail.signedOutLocally])).to.deep.equal([['failure', true]]);
        expect(seen[0]!.detail.error).to.be.instanceOf(AuthError);
        expect(stored(cfg.appId)).to.equal(null);
        expect((await whoAmI(account.sessionToken)).status, 'the server never saw the log-out').to.equal(200);
      });
    }
  });

  describe('a 200 reply to POST /login without a usable session', () => {
    for (const [name, body] of [
      ['no sessionToken', { objectId: 'x1', username: 'ada' }],
      ['sessionToken a number', { objectId: 'x1', username: 'ada', sessionToken: 42 }],
      ['no objectId', { username: 'ada', sessionToken: 'r:abc' }],
      ['an array', [{ objectId: 'x1', sessionToken: 'r:abc' }]],
    ] as [string, unknown][]) {
      it(`a reply with ${name}: logIn rejects with an AuthError, nothing signed in or stored`, async () => {
        await proxy.setFault({ body: JSON.stringify(body), path: '/parse/login' });
        const { session } = await page();
        expect(await rejectionOf(session.logIn('ada', password))).to.be.instanceOf(AuthError);
        expect(session.authenticated).to.equal(false);
        expect(stored(cfg.appId)).to.equal(null);
      });
    }
  });

  describe('reply size (SPEC §7.6)', () => {
    it('a 64 MB chunked reply on GET /users/me: refresh() rejects without reading it all, the user stays signed in', async () => {
      // The same cap on POST /login, and how far each engine reads ahead: parse-hardening.test.ts.
      const { session } = await restoredPage('big');
      // 64 KB chunks 5 ms apart: WebKit's network process reads far ahead of the page, unpaced
      // it takes all 64 MB before the cancel reaches it (see parse-hardening.test.ts).
      await proxy.setFault({ chunkedBytes: 64_000_000, chunkIntervalMs: 5, path: '/parse/users/me' });
      const error = await rejectionOf(session.refresh());
      expect(error).to.be.instanceOf(AuthError);
      expect((error as AuthError).code).to.equal('server');
      expect(session.authenticated, 'a reply too large is server trouble, not a lost session').to.equal(true);
      // Once the proxy's byte count stops moving, the browser has stopped reading (or read it all).
      let big: ProxiedRequest | undefined;
      let before: number | undefined;
      await waitUntil(
        async () => {
          big = (await proxy.log()).requests.find((r) => r.path === '/parse/users/me' && r.fault === 'chunked');
          const stopped = big?.complete === true || (big?.bytesSent !== undefined && big.bytesSent === before);
          before = big?.bytesSent;
          return stopped;
        },
        'the proxy stopped writing the reply',
        { interval: 200, timeout: 15_000 },
      );
      expect(big?.complete, 'the reply was not read to its end').to.equal(false);
      expect(big?.bytesSent).to.be.below(64_000_000);
    });
  });

  describe('tokens in server errors (SPEC §7.9)', () => {
    // JSON errors quoting it on POST /logout: parse-hardening.test.ts and storage-truth-parse.test.ts.
    it('a log-out failure from a 503 text/plain page quoting the token: no token in the failure', async () => {
      const { action, account } = await restoredPage('leak');
      await proxy.setFault({
        status: 503,
        body: `Service Unavailable (${account.sessionToken})`,
        contentType: 'text/plain',
        path: '/parse/logout',
      });
      const seen = recordEvents(action, ['success', 'failure']);
      expect(await action.do()).to.equal(false);
      const text = errorText(seen[0]!.detail.error) + action.error + JSON.stringify(seen[0]!.detail);
      for (const form of spellings(account.sessionToken)) expect(text, `leaks ${form}`).not.to.contain(form);
    });

    it('a refresh() failure from a 500 quoting the token: no token in the rejection', async () => {
      const { session, account } = await restoredPage('leak');
      await proxy.setFault({
        status: 500,
        body: JSON.stringify({ code: 1, error: `bad ${account.sessionToken}` }),
        path: '/parse/users/me',
      });
      const error = await rejectionOf(session.refresh());
      expect(error).to.be.instanceOf(AuthError);
      for (const form of spellings(account.sessionToken)) expect(errorText(error), `leaks ${form}`).not.to.contain(form);
    });
  });

  describe('the outbox', () => {
    it('a 500 on POST /logout, then a reload: the next page revokes the queued token and clears the outbox', async () => {
      const first = await restoredPage('outbox');
      await proxy.setFault({ status: 500, path: '/parse/logout' });
      expect(await first.action.do()).to.equal(false);
      expect(localStorage.getItem(outboxKey()) ?? '').to.contain(first.account.sessionToken);
      first.session.remove();
      await proxy.reset();
      const second = await page();
      await until(() => localStorage.getItem(outboxKey()) === null, 'the outbox replayed on load', 8000);
      expect((await whoAmI(first.account.sessionToken)).body.code).to.equal(209);
      expect(second.session.authenticated).to.equal(false);
    });

    it('30 online events at once with one queued revocation: it is sent again once', async () => {
      const { action } = await restoredPage('storm');
      await proxy.setFault({ status: 503, path: '/parse/logout' });
      expect(await action.do()).to.equal(false);
      await proxy.setFault({ delayMs: 300, path: '/parse/logout' });
      for (let i = 0; i < 30; i++) window.dispatchEvent(new Event('online'));
      await until(() => localStorage.getItem(outboxKey()) === null, 'the outbox replayed', 8000);
      expect(await proxy.count('POST', '/parse/logout'), 'the failed click and one replay').to.equal(2);
    });
  });

  describe('re-login while the log-out request is still on the wire', () => {
    it('logIn() during a slow POST /logout signs the user in; the old session is revoked, no other is left alive', async () => {
      // SPEC §3.4: "A request that comes back after the user has signed in again never signs the new
      // session out"; README: `aborted` is for "a newer sign-in or sign-out replaced the call".
      const account = await signUpRest(uniqueName('relog'));
      const { session, action } = await page();
      await session.logIn(account.username, password);
      const old = String(stored(cfg.appId)!.sessionToken);
      await proxy.setFault({ delayMs: 800, path: '/parse/logout' });
      const results = recordEvents(action, ['success', 'failure']);
      const done = action.do();
      const relogin = rejectionOf(session.logIn(account.username, password));
      expect(await relogin, 'the log-in is the newest call: nothing replaced it').to.equal(null);
      expect(await done).to.equal(true);
      expect(results.map((e) => [e.type, e.detail.revoked])).to.deep.equal([['success', true]]);
      expect((await whoAmI(old)).body.code, 'the session logged out of').to.equal(209);
      const kept = String(stored(cfg.appId)?.sessionToken);
      expect(session.authenticated).to.equal(true);
      expect((await whoAmI(kept)).status, 'the session signed in again').to.equal(200);
      // Every live session of the user, seen with one more REST session (neither it nor the sign-up's counts).
      const probe = await logInRest(account.username);
      const { body } = await rest('GET', '/sessions', { token: probe });
      const live = (body.results as { sessionToken: string }[])
        .map((r) => r.sessionToken)
        .filter((t) => t !== probe && t !== account.sessionToken);
      expect(live).to.deep.equal([kept]);
    });
  });

  describe('storage="memory" writes nothing to Web Storage', () => {
    it('storage="memory": a log-in and a failed log-out leave localStorage and sessionStorage empty (no installation id, no outbox)', async () => {
      const account = await signUpRest(uniqueName('mem'));
      const { session, action } = await page({ storage: 'memory' });
      await session.logIn(account.username, password);
      expect(Object.keys({ ...localStorage, ...sessionStorage })).to.deep.equal([]);
      await proxy.setFault({ status: 500, path: '/parse/logout' });
      expect(await action.do()).to.equal(false);
      expect(Object.keys({ ...localStorage, ...sessionStorage })).to.deep.equal([]);
    });
  });
});
