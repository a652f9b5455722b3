// ParseBackend hardening (SPEC §3.3, §7.4–§7.7, §7.9–§7.11, §8) against the real Parse Server
// started by scripts/wtr-parse-plugin.mjs, through the elements the way a page uses them (or
// ParseBackend itself where the element adds nothing). Odd replies come from the fault proxy;
// "somewhere else" is the collector, an HTTP server on another loopback address that records
// whatever reaches it: anything it saw has left the Parse server.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import '../../src/index.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import { ParseBackend } from '../../src/backends/parse.js';
import { AddOnCapability, Capability } from '../../src/backends/backend.js';
import { AuthError } from '../../src/errors.js';
import {
  collector,
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  storeSession,
  stored,
  uniqueName,
  until,
  whoAmI,
  type Fault,
  type ParseConfig,
  type RestUser,
  useParseServer,
} from './parse-server.js';

describe('Parse Server: hardening (SPEC §7)', function () {
  let cfg: ParseConfig;

  useParseServer((config) => (cfg = config));
  beforeEach(() => collector.reset());

  const signal = () => new AbortController().signal;
  const backend = (serverURL = cfg.proxyServerURL, appId = cfg.appId) => new ParseBackend({ serverURL, appId });

  /** Web Storage keys other than the installation id: a session, a queued revocation… */
  const storedKeys = () => Object.keys(localStorage).filter((key) => !key.endsWith('/installationId'));

  /** `<user-session>` with a `<log-in-action>` (username and password set) and a `<log-out-action>`. */
  async function page({ serverURL = cfg.proxyServerURL, appId = cfg.appId, scope = 'current', username = '' } = {}) {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${appId} server-url=${serverURL}>
        <log-in-action></log-in-action>
        <log-out-action scope=${scope}></log-out-action>
      </user-session>
    `);
    const logIn = session.querySelector<LogInActionElement>('log-in-action')!;
    const logOut = session.querySelector<LogOutActionElement>('log-out-action')!;
    logIn.username = username;
    logIn.password = password;
    return { session, logIn, logOut };
  }

  /** Runs an action once; its one `success` / `failure` event. */
  async function run(action: LogInActionElement | LogOutActionElement): Promise<CustomEvent> {
    const seen = recordEvents(action, ['success', 'failure']);
    await action.do();
    expect(
      seen.map((e) => e.type),
      'one outcome',
    ).to.have.length(1);
    return seen[0]!;
  }

  /** A page signed in through the proxy (sign-up), the proxy's log cleared; with its token. */
  async function signedIn(options: { scope?: string; serverURL?: string } = {}) {
    const username = uniqueName('hard');
    const parts = await page({ ...options, username });
    await parts.session.signUp(username, password);
    const token = String(stored(cfg.appId)?.sessionToken);
    expect(token).to.match(/^r:/);
    await proxy.reset();
    return { ...parts, username, token };
  }

  /** A failure event's error, checked to be an AuthError of `code`. */
  function failedWith(event: CustomEvent, code: string): AuthError {
    expect(event.type).to.equal('failure');
    const error = event.detail.error as AuthError;
    expect(error).to.be.instanceOf(AuthError);
    expect(error.code, error.message).to.equal(code);
    return error;
  }

  describe('§8 capabilities and scopes: others, all, createdBefore', () => {
    /** A user with sessions made over REST, in order, with their creation times from GET /sessions. */
    async function userWithSessions(count: number, gapMs = 0) {
      const user = await signUpRest(uniqueName('scopes'));
      const tokens = [user.sessionToken];
      for (let i = 1; i < count; i++) {
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        tokens.push(await logInRest(user.username));
      }
      const { results } = (await rest('GET', '/sessions', { token: tokens[0]! })).body as {
        results: { sessionToken: string; createdAt: string }[];
      };
      const createdAt = tokens.map((token) => Date.parse(results.find((s) => s.sessionToken === token)!.createdAt));
      return { user, tokens, createdAt };
    }

    const statuses = async (tokens: string[]) => Promise.all(tokens.map(async (token) => (await whoAmI(token)).status));
    const sessionOf = (user: RestUser, token: string) => ({ token, user: { id: user.objectId, username: user.username } });

    it("ParseBackend declares password log-in, sign-up, revoke-others, revoke-all, update-user, password-reset, verification-email, list-sessions, revoke-session and the two-step add-on's two-factor", () => {
      expect(backend().capabilities).to.have.members([
        Capability.passwordLogIn,
        Capability.signUp,
        Capability.revokeOthers,
        Capability.revokeAll,
        Capability.updateUser,
        Capability.passwordReset,
        Capability.verificationEmail,
        Capability.listSessions,
        Capability.revokeSession,
        AddOnCapability.twoFactor,
      ]);
    });

    it('<log-out-action scope="others">: every other session of the user ends, this one stays signed in and valid', async () => {
      const { session, logOut, username, token } = await signedIn({ scope: 'others' });
      const elsewhere = [await logInRest(username), await logInRest(username)];
      const stranger = await signUpRest(uniqueName('stranger'));
      await proxy.reset();

      const event = await run(logOut);
      expect([event.type, event.detail]).to.deep.equal(['success', { scope: 'others', revoked: true }]);
      expect(session.hasAttribute('authenticated'), 'still signed in here').to.equal(true);
      expect(stored(cfg.appId)?.sessionToken, 'the same session stored').to.equal(token);
      expect(await statuses([token]), 'this session is still valid').to.deep.equal([200]);
      expect(await statuses(elsewhere), 'the others end').to.deep.equal([400, 400]);
      expect((await whoAmI(elsewhere[0]!)).body.code).to.equal(209);
      expect(await statuses([stranger.sessionToken]), "another user's session stays").to.deep.equal([200]);
      const { requests } = await proxy.log();
      expect(requests.map((r) => r.path.replace(/\/sessions\/\w+$/, '/sessions/:id'))).to.deep.equal([
        '/parse/sessions',
        '/parse/sessions/:id',
        '/parse/sessions/:id',
      ]);
    });

    it('ParseBackend.logOut scope others: the current token still valid (200), the others 209', async () => {
      const { user, tokens } = await userWithSessions(3);
      const current = tokens[2]!;
      await backend().logOut(sessionOf(user, current), { scope: 'others', signal: signal() });
      expect((await whoAmI(current)).status).to.equal(200);
      for (const token of tokens.slice(0, 2)) expect((await whoAmI(token)).body.code).to.equal(209);
      expect(await proxy.count('POST', '/parse/logout'), 'no log-out of this session').to.equal(0);
    });

    it('scope others with createdBefore: only the sessions created by then end (one opened later survives)', async () => {
      // 0: this browser; 1: another device before the click; 2: another device after it.
      const { user, tokens, createdAt } = await userWithSessions(3, 60);
      expect(createdAt[2]! - createdAt[1]!, 'distinct creation times').to.be.greaterThan(20);
      const createdBefore = Math.round((createdAt[1]! + createdAt[2]!) / 2);
      await backend().logOut(sessionOf(user, tokens[0]!), { scope: 'others', signal: signal(), createdBefore });
      expect(await statuses(tokens)).to.deep.equal([200, 400, 200]);
    });

    it('scope all with createdBefore: the older sessions and this one end, the newer one survives', async () => {
      const { user, tokens, createdAt } = await userWithSessions(4, 60);
      // 0: older, 1: this browser, 2: older than the click too; 3: opened after the click.
      const createdBefore = Math.round((createdAt[2]! + createdAt[3]!) / 2);
      await backend().logOut(sessionOf(user, tokens[1]!), { scope: 'all', signal: signal(), createdBefore });
      expect(await statuses(tokens)).to.deep.equal([400, 400, 400, 200]);
    });
  });

  describe('§7.10 a queued revocation only ends what existed at the click', () => {
    it('scope all fails (503), another device signs in later; the replay on "online" spares that new session', async function () {
      this.timeout(20_000);
      const { session, logOut, username, token } = await signedIn({ scope: 'all' });
      const before = await logInRest(username); // another device, before the click
      await new Promise((r) => setTimeout(r, 50));
      await proxy.setFault({ status: 503, path: '/parse/sessions', times: 1 });
      const event = await run(logOut);
      expect(event.type).to.equal('failure');
      expect(event.detail).to.include({ signedOutLocally: true, revocationPending: true });
      expect(session.hasAttribute('authenticated')).to.equal(false);
      await new Promise((r) => setTimeout(r, 50));
      const after = await logInRest(username); // another device, after the click

      window.dispatchEvent(new Event('online'));
      await until(() => storedKeys().length === 0, 'the outbox to empty', 10_000);
      expect((await whoAmI(token)).body.code, 'this session').to.equal(209);
      expect((await whoAmI(before)).body.code, 'opened before the click').to.equal(209);
      expect((await whoAmI(after)).status, 'opened after the click: survives').to.equal(200);
    });
  });

  describe('§7.4 requests never follow redirects', () => {
    const forms = [
      ['another origin (SDK form)', () => cfg.proxyServerURL],
      ['the page origin (X-Parse-* headers)', () => '/same-origin/parse'],
    ] as const;

    for (const [where, serverURL] of forms) {
      for (const status of [307, 308, 302]) {
        it(`log-in on ${where}, ${status} to another host: failure misconfigured, nothing stored, the other host saw nothing`, async () => {
          const { username } = await signUpRest(uniqueName('redir'));
          const { session, logIn } = await page({ serverURL: serverURL(), username });
          await collector.redirectHere(status, '/parse/login');
          const event = await run(logIn);
          expect(await collector.requests([password]), 'nothing reached the other host').to.deep.equal([]);
          const error = failedWith(event, 'misconfigured');
          expect(error.message).to.contain('redirects');
          expect(logIn.error).to.equal(error.message);
          expect(session.hasAttribute('authenticated')).to.equal(false);
          expect(session.user).to.equal(null);
          expect(storedKeys(), 'no session from there is stored').to.deep.equal([]);
          expect(await proxy.count('POST', '/parse/login')).to.equal(1);
        });
      }
    }

    for (const [where, serverURL] of forms) {
      it(`log-out on ${where} through a 307: failure misconfigured (not queued), signed out here, the token went nowhere`, async () => {
        const { session, logOut, token } = await signedIn({ serverURL: serverURL() });
        await collector.redirectHere(307, '/parse/logout');
        const event = await run(logOut);
        expect(await collector.requests([token]), 'nothing reached the other host').to.deep.equal([]);
        const error = failedWith(event, 'misconfigured');
        expect(error.message).to.contain('redirects');
        expect(event.detail).to.include({ signedOutLocally: true, revocationPending: false });
        expect(session.hasAttribute('authenticated')).to.equal(false);
        expect(storedKeys(), 'no session, nothing queued').to.deep.equal([]);
        expect((await whoAmI(token)).status, 'honestly not revoked').to.equal(200);
      });
    }

    it('log-out scope all through a 307 on GET /sessions: failure misconfigured, the token went nowhere', async () => {
      const { logOut, token } = await signedIn({ scope: 'all' });
      await collector.redirectHere(307);
      const event = await run(logOut);
      expect(await collector.requests([token]), 'nothing reached the other host').to.deep.equal([]);
      const error = failedWith(event, 'misconfigured');
      expect(error.message).to.contain('redirects');
      expect((await proxy.log()).requests.map((r) => r.fault)).to.deep.equal(['redirect']);
    });

    it('refresh through a 307 on /users/me: rejects misconfigured; the stored session and user stay as they were', async () => {
      const user = await signUpRest(uniqueName('redir-me'));
      storeSession(cfg.appId, user);
      await collector.redirectHere(307, '/parse/users/me');
      const { session } = await page();
      const events = recordEvents(session, ['logged-out', 'user-change']);
      await afterConnect();
      await until(() => !session.pending, 'the validation on connect');
      const error = await session.refresh().catch((e: unknown) => e);
      expect(await collector.requests([user.sessionToken]), 'nothing reached the other host').to.deep.equal([]);
      expect(session.userId, 'not the user the other host answers with').to.equal(user.objectId);
      expect(error).to.be.instanceOf(AuthError);
      expect((error as AuthError).code).to.equal('misconfigured');
      expect(session.hasAttribute('authenticated')).to.equal(true);
      expect(stored(cfg.appId)?.sessionToken).to.equal(user.sessionToken);
      expect(events, 'no logged-out, no user-change').to.deep.equal([]);
    });
  });

  describe('§7.5 server-url is checked after parsing', () => {
    it('a relative server-url smuggling in another host (tab, newline, backslash): misconfigured, no request anywhere', async () => {
      const { url } = await collector.info();
      const host = new URL(url).host;
      const { username } = await signUpRest(uniqueName('smuggle'));
      for (const serverURL of [
        `/\t/${host}/parse`,
        `/\n/${host}/parse`,
        `/\r\n/${host}/parse`,
        `/\t\\${host}/parse`,
        `/\\${host}/parse`,
        `\n//${host}/parse`,
      ]) {
        const { session, logIn } = await page({ serverURL, username });
        const event = await run(logIn);
        expect(
          await collector.requests([password]),
          `${JSON.stringify(serverURL)}: nothing reached the other host`,
        ).to.deep.equal([]);
        const error = failedWith(event, 'misconfigured');
        expect(error.message, JSON.stringify(serverURL)).to.contain('is unusable');
        expect(session.hasAttribute('authenticated')).to.equal(false);
        expect(storedKeys()).to.deep.equal([]);
        session.remove();
      }
      expect((await proxy.log()).requests).to.deep.equal([]);
    });

    it('ParseBackend alone: the same values are refused, a path on the page origin and an absolute URL work', async () => {
      const host = new URL((await collector.info()).url).host;
      const session = { token: 'r:nothing', user: { id: 'x' } };
      for (const serverURL of [`/\t/${host}/parse`, `/\n/${host}/parse`, `/\t\\${host}/parse`, `//${host}/parse`]) {
        const error = await backend(serverURL)
          .currentUser(session, { signal: signal() })
          .catch((e: unknown) => e);
        expect((error as AuthError).code, JSON.stringify(serverURL)).to.equal('misconfigured');
      }
      expect(await collector.requests()).to.deep.equal([]);
      const user = await signUpRest(uniqueName('url-ok'));
      for (const serverURL of [' /same-origin/parse ', cfg.proxyServerURL]) {
        const me = await backend(serverURL).currentUser(
          { token: user.sessionToken, user: { id: user.objectId } },
          { signal: signal() },
        );
        expect(me.id).to.equal(user.objectId);
      }
    });
  });

  describe('§7.6 reply size is capped on the bytes read', () => {
    const huge = (bytes: number): Fault => ({
      path: '/parse/login',
      chunkedBytes: bytes,
      body: JSON.stringify({ objectId: 'chunked-user', username: 'chunked', sessionToken: 'r:chunked' }),
    });

    it('a 1.5 MB session reply without Content-Length (chunked): failure server "too large", nothing stored', async () => {
      const { username } = await signUpRest(uniqueName('big'));
      const { session, logIn } = await page({ username });
      await proxy.setFault(huge(1_500_000));
      const error = failedWith(await run(logIn), 'server');
      expect(error.message).to.contain('over 1 MB');
      expect(session.hasAttribute('authenticated')).to.equal(false);
      expect(storedKeys()).to.deep.equal([]);
    });

    it('a chunked reply that goes on: the download is cancelled once past 1 MB (the proxy could not write it all)', async function () {
      this.timeout(20_000);
      const { username } = await signUpRest(uniqueName('bigger'));
      const { logIn } = await page({ username });
      // 8 MB in 64 KB chunks 10 ms apart (~1.3 s in all): a client that reads it all is seen doing so.
      await proxy.setFault({ ...huge(8_000_000), chunkIntervalMs: 10 });
      const error = failedWith(await run(logIn), 'server');
      expect(error.message).to.contain('over 1 MB');
      // Give the proxy time to notice the connection closing (it would be done writing by then).
      await new Promise((r) => setTimeout(r, 1500));
      const [answer] = (await proxy.log()).requests;
      expect(answer?.fault).to.equal('chunked');
      expect(answer?.complete, 'the reply was not read to its end').to.equal(false);
      expect(answer?.bytesSent).to.be.below(8_000_000);
    });
  });

  describe('§7.7 a request that cannot be built is misconfigured, never network', () => {
    it('an app-id that is not a valid header value (page origin form): log-in fails misconfigured, no request made', async () => {
      const { username } = await signUpRest(uniqueName('hdr'));
      for (const appId of [`${cfg.appId}\u2603`, `${cfg.appId}\nX-Evil: 1`]) {
        const { session, logIn } = await page({ serverURL: '/same-origin/parse', appId, username });
        const error = failedWith(await run(logIn), 'misconfigured');
        expect(error.message).to.contain('app-id');
        session.remove();
      }
      expect((await proxy.log()).requests).to.deep.equal([]);
    });

    it('credentials in server-url: log-in fails misconfigured, no request made', async () => {
      const { username } = await signUpRest(uniqueName('creds'));
      const url = new URL(cfg.proxyServerURL);
      url.username = 'u';
      url.password = 'p';
      const { logIn } = await page({ serverURL: url.href, username });
      const error = failedWith(await run(logIn), 'misconfigured');
      expect(error.message).to.contain('server-url');
      expect((await proxy.log()).requests).to.deep.equal([]);
    });

    it('log-out with credentials in server-url: misconfigured, signed out here, the revocation is not queued for retry', async () => {
      const user = await signUpRest(uniqueName('creds-out'));
      storeSession(cfg.appId, user);
      const url = new URL(cfg.proxyServerURL);
      url.username = 'u';
      url.password = 'p';
      const { session, logOut } = await page({ serverURL: url.href });
      await afterConnect();
      await until(() => !session.pending, 'the validation on connect');
      expect(session.hasAttribute('authenticated')).to.equal(true);
      const event = await run(logOut);
      failedWith(event, 'misconfigured');
      expect(event.detail).to.include({ signedOutLocally: true, revocationPending: false });
      expect(storedKeys(), 'no session, nothing queued').to.deep.equal([]);
      expect((await proxy.log()).requests).to.deep.equal([]);
    });
  });

  describe('§3.3 only Parse code 209 proves the session is invalid', () => {
    const bare = (status: number, path: string): Fault => ({
      status,
      path,
      body: 'Denied by the gateway',
      contentType: 'text/plain',
    });

    it('a bare 401 on /logout (a proxy, not Parse): failure misconfigured, not a success', async () => {
      const { logOut, token } = await signedIn();
      await proxy.setFault(bare(401, '/parse/logout'));
      const event = await run(logOut);
      const error = failedWith(event, 'misconfigured');
      expect(error.status).to.equal(401);
      expect(error.message).to.contain('proxy');
      expect(event.detail.signedOutLocally).to.equal(true);
      expect((await whoAmI(token)).status, 'the server never revoked it').to.equal(200);
    });

    it('a bare 404 on /logout: failure misconfigured that says to check server-url, never "Wrong username or password"', async () => {
      const { logOut } = await signedIn();
      await proxy.setFault(bare(404, '/parse/logout'));
      const event = await run(logOut);
      const error = failedWith(event, 'misconfigured');
      expect(error.message).to.contain('server-url');
      expect(error.message).not.to.contain('Wrong username or password');
      expect(event.detail.revocationPending, 'a wrong path is not worth retrying').to.equal(false);
    });

    it('a 404 with Parse code 101 on /logout ("object not found"): not invalid-credentials', async () => {
      const { logOut } = await signedIn();
      await proxy.setFault({ status: 404, path: '/parse/logout', body: '{"code":101,"error":"Object not found."}' });
      const event = await run(logOut);
      expect(event.type).to.equal('failure');
      const error = event.detail.error as AuthError;
      expect(error.code).not.to.equal('invalid-credentials');
      expect(error.message).not.to.contain('Wrong username or password');
      expect(error.serverCode).to.equal(101);
    });

    it('a bare 401 on /users/me when the page checks the session: still signed in, refresh rejects misconfigured', async () => {
      const user = await signUpRest(uniqueName('bare-me'));
      storeSession(cfg.appId, user);
      await proxy.setFault(bare(401, '/parse/users/me'));
      const { session } = await page();
      const loggedOut = recordEvents(session, ['logged-out']);
      await afterConnect();
      await until(() => !session.pending, 'the validation on connect');
      expect(session.hasAttribute('authenticated'), 'not signed out by a proxy').to.equal(true);
      const error = await session.refresh().catch((e: unknown) => e);
      expect(session.hasAttribute('authenticated'), 'not signed out by a proxy').to.equal(true);
      expect(loggedOut).to.deep.equal([]);
      expect((error as AuthError).code).to.equal('misconfigured');
      expect(stored(cfg.appId)?.sessionToken).to.equal(user.sessionToken);
      expect(await proxy.count('POST', '/parse/users/me'), 'the server was asked').to.be.at.least(1);
    });

    it('a bare 403: misconfigured naming app-id, client-key and the proxy', async () => {
      const user = await signUpRest(uniqueName('bare-403'));
      const error = await backend()
        .currentUser({ token: user.sessionToken, user: { id: user.objectId } }, { signal: signal() })
        .then(
          () => null,
          (e: AuthError) => e,
        );
      expect(error, 'no fault yet: the session is fine').to.equal(null);
      await proxy.setFault(bare(403, '/parse/users/me'));
      const refused = await backend()
        .currentUser({ token: user.sessionToken, user: { id: user.objectId } }, { signal: signal() })
        .catch((e: AuthError) => e);
      expect([refused.code, refused.status]).to.deep.equal(['misconfigured', 403]);
      for (const word of ['app-id', 'client-key', 'proxy']) expect(refused.message).to.contain(word);
    });

    it('a bare 404 on /login: misconfigured (check server-url), not a wrong password; the real wrong password still is', async () => {
      const { username } = await signUpRest(uniqueName('bare-login'));
      const { logIn } = await page({ username });
      await proxy.setFault(bare(404, '/parse/login'));
      const error = failedWith(await run(logIn), 'misconfigured');
      expect(error.message).to.contain('server-url');
      await proxy.setFault(null);
      logIn.username = username;
      logIn.password = 'not the password';
      const wrong = failedWith(await run(logIn), 'invalid-credentials');
      expect([wrong.status, wrong.serverCode]).to.deep.equal([404, 101]);
    });
  });

  describe('§7.9 no token in any error', () => {
    it('a server error quoting the token (raw and URL-encoded): ParseBackend never repeats it', async () => {
      const user = await signUpRest(uniqueName('quote'));
      const token = user.sessionToken;
      const encoded = encodeURIComponent(token);
      for (const status of [400, 500]) {
        await proxy.setFault({
          status,
          path: '/parse/logout',
          body: JSON.stringify({ code: 141, error: `cannot end ${token} (${encoded})` }),
        });
        const error = await backend()
          .logOut({ token, user: { id: user.objectId } }, { scope: 'current', signal: signal() })
          .catch((e: AuthError) => e);
        expect(error).to.be.instanceOf(AuthError);
        const texts: string[] = [];
        for (let e: unknown = error; e instanceof Error; e = e.cause) texts.push(e.message, String(e.stack));
        const text = texts.join('\n');
        expect(text.includes(token), `HTTP ${status}: raw`).to.equal(false);
        expect(text.includes(encoded), `HTTP ${status}: URL-encoded`).to.equal(false);
      }
    });

    it('a stored token that is not a valid header value: misconfigured, and the error quotes it nowhere', async () => {
      const token = 'r:bad\ntoken-\u2603-value';
      const error = await backend('/same-origin/parse')
        .currentUser({ token, user: { id: 'x' } }, { signal: signal() })
        .catch((e: AuthError) => e);
      expect(error.code).to.equal('misconfigured');
      for (let e: unknown = error; e instanceof Error; e = e.cause) {
        for (const text of [e.message, String(e.stack)]) {
          for (const form of [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1), 'token-\u2603-value']) {
            expect(text.includes(form)).to.equal(false);
          }
        }
      }
      expect((await proxy.log()).requests).to.deep.equal([]);
    });
  });

  describe('§7.11 user never carries secrets', () => {
    it('secrets and _-fields in the log-in and /users/me replies never reach user, events or storage', async () => {
      const user = await signUpRest(uniqueName('secret'));
      const extra = {
        authData: { facebook: { access_token: 'fb-secret' } },
        _hashed_password: '$2b$10$secret',
        _perishable_token: 'perishable',
        _rperm: ['*'],
        password: 'echoed',
        nickname: 'Ada',
      };
      const reply = JSON.stringify({
        objectId: user.objectId,
        username: user.username,
        sessionToken: user.sessionToken,
        ...extra,
      });
      const { session, logIn } = await page({ username: user.username });
      const seen = recordEvents(session, ['logged-in', 'user-change']);
      await proxy.setFault({ path: '/parse/login', body: reply, times: 1 });
      const event = await run(logIn);
      expect(event.type).to.equal('success');
      await proxy.setFault({ path: '/parse/users/me', body: reply.replace('"Ada"', '"Ada L."') });
      const refreshed = await session.refresh();
      expect(refreshed?.nickname).to.equal('Ada L.');

      const shown = [event.detail.user, session.user, refreshed, ...seen.map((e) => e.detail.user)];
      for (const u of shown) {
        for (const name of ['sessionToken', 'authData', 'password', '_hashed_password', '_perishable_token', '_rperm']) {
          expect(u, name).not.to.have.property(name);
        }
      }
      const saved = stored(cfg.appId)!;
      for (const name of ['password', '_hashed_password', '_perishable_token', '_rperm']) {
        expect(saved, `storage: ${name}`).not.to.have.property(name);
      }
      // authData stays where the Parse SDK keeps it (its linked accounts need it), never in user.
      expect(saved, 'storage: authData, as the SDK stores it').to.have.property('authData');
      expect(saved.sessionToken, 'the SDK shape keeps the token in storage only').to.equal(user.sessionToken);
    });
  });
});
