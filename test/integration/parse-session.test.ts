// <log-out-action> and <user-session> against a real Parse Server 9 on a real PostgreSQL,
// directly and through the fault proxy (scripts/wtr-parse-plugin.mjs): what a page author sees
// (attributes, events, storage), what the server says about the tokens, and what went over the wire.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { AuthError } from '../../src/errors.js';
import {
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  startServer,
  stopServer,
  storeSession,
  stored,
  storageKeyFor,
  uniqueName,
  until,
  whoAmI,
  type ParseConfig,
  useParseServer,
} from './parse-server.js';

describe('Parse Server: <log-out-action>', function () {
  let cfg: ParseConfig;

  useParseServer((config) => (cfg = config));

  /** A page with `<user-session>` + `<log-out-action>`, signed in as a new user. */
  async function signedInPage({ via = 'proxy' }: { via?: 'proxy' | 'direct' } = {}) {
    const serverURL = via === 'proxy' ? cfg.proxyServerURL : cfg.serverURL;
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${serverURL}><log-out-action></log-out-action></user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    await action.updateComplete;
    const username = uniqueName('out');
    const user = await session.signUp(username, password);
    const token = String(stored(cfg.appId)?.sessionToken);
    expect(token).to.match(/^r:/);
    await proxy.reset(); // count only what the log-out does
    const loggedOut = recordEvents(session, ['logged-out']);
    const results = recordEvents(action, ['success', 'failure']);
    return { session, action, user, username, token, loggedOut, results };
  }

  /** The single outcome event of one `do()`. */
  async function logOut(action: LogOutActionElement): Promise<{ ok: boolean; event: CustomEvent }> {
    const seen = recordEvents(action, ['success', 'failure']);
    const ok = await action.do();
    expect(seen, 'exactly one success or failure').to.have.length(1);
    return { ok, event: seen[0]! };
  }

  /** Where `<user-session>` keeps tokens whose revocation is pending (SPEC §3.3). */
  const outboxKey = () => `${storageKeyFor(cfg.appId)}:pending-revocations`;

  /** Polls the server until it refuses `token` (code 209). */
  async function revokedWithin(token: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    let reply = await whoAmI(token);
    while (reply.body.code !== 209 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      reply = await whoAmI(token);
    }
    expect(reply.body.code, 'the server refuses the token').to.equal(209);
  }

  /** The token never reaches what a page author sees (SPEC §6). */
  function expectNoToken(token: string, action: LogOutActionElement, event: CustomEvent) {
    const seen = [JSON.stringify(event.detail), String(event.detail.error?.message), action.error, action.outerHTML];
    for (const text of seen) expect(text.includes(token), 'the token leaked').to.equal(false);
  }

  function expectSignedOutLocally(session: UserSessionElement, loggedOut: CustomEvent[]) {
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(session.user).to.equal(null);
    expect(localStorage.getItem(storageKeyFor(cfg.appId))).to.equal(null);
    expect(loggedOut.map((e) => e.detail)).to.deep.equal([{ reason: 'log-out' }]);
  }

  it('a click logs out: success {current, revoked}, signed out here, and the server refuses the old token (209)', async () => {
    const { session, action, token, loggedOut, results } = await signedInPage();
    const order: string[] = [];
    session.addEventListener('logged-out', () => order.push('logged-out'));
    action.addEventListener('success', () => order.push(`success:${session.hasAttribute('authenticated')}`));
    const success = oneEvent(action, 'success');
    action.shadowRoot!.querySelector('button')!.click();
    const { detail } = await success;

    expect(detail).to.deep.equal({ scope: 'current', revoked: true });
    expect(results).to.have.length(1);
    expect(order).to.deep.equal(['logged-out', 'success:false']);
    expect(action.error).to.equal('');
    expectSignedOutLocally(session, loggedOut);

    const me = await whoAmI(token);
    expect(me.status).to.equal(400);
    expect(me.body.code).to.equal(209);

    const { requests } = await proxy.log();
    expect(requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['POST /parse/logout']);
  });

  it('one POST /logout per log-out: a double click and do() join one request; preflights are counted apart', async () => {
    const { session, action, username, results } = await signedInPage();
    const button = action.shadowRoot!.querySelector('button')!;
    button.click();
    button.click();
    const joined = await Promise.all([action.do(), action.do()]);
    expect(joined).to.deep.equal([true, true]);
    expect(results.map((e) => e.type)).to.deep.equal(['success']);
    expect(await proxy.count('POST', '/parse/logout')).to.equal(1);

    // A second round: log in again, log out again → two in all.
    await session.logIn(username, password);
    expect(await action.do()).to.equal(true);
    const { requests, preflights } = await proxy.log();
    expect(requests.filter((r) => r.path === '/parse/logout').map((r) => r.method)).to.deep.equal(['POST', 'POST']);
    expect(requests.every((r) => r.method !== 'OPTIONS')).to.equal(true);
    expect(preflights.every((r) => r.method === 'OPTIONS')).to.equal(true);
    // The browser may cache a preflight; never more than one per request.
    expect(preflights.filter((r) => r.path === '/parse/logout').length).to.be.at.most(2);
  });

  it('a session revoked on the server before the click: success with revoked true', async () => {
    const { session, action, token, loggedOut } = await signedInPage();
    // Another device (or an admin) revokes this session; the page does not know yet.
    const revoked = await rest('POST', '/logout', { token });
    expect(revoked.status).to.equal(200);
    expect((await whoAmI(token)).body.code).to.equal(209);

    const { ok, event } = await logOut(action);
    expect(ok).to.equal(true);
    expect(event.type).to.equal('success');
    expect(event.detail).to.deep.equal({ scope: 'current', revoked: true });
    expect(action.error).to.equal('');
    expectSignedOutLocally(session, loggedOut);
    expect(await proxy.count('POST', '/parse/logout')).to.equal(1);
  });

  it('the server is stopped: failure network, signed out locally; once it is back, the next page load revokes the token', async function () {
    this.timeout(30_000);
    const { session, action, token, loggedOut } = await signedInPage({ via: 'direct' });
    await stopServer();
    try {
      const { ok, event } = await logOut(action);
      expectNoToken(token, action, event);
      expect(ok).to.equal(false);
      expect(event.type).to.equal('failure');
      expect(event.detail.error).to.be.instanceOf(AuthError);
      expect(event.detail.error.code).to.equal('network');
      expect(event.detail).to.include({ signedOutLocally: true, revocationPending: true });
      expect(action.error).to.equal(event.detail.error.message);
      expect(action.error).not.to.equal('');
      expectSignedOutLocally(session, loggedOut);
      expect(localStorage.getItem(outboxKey()), 'the token waits in the outbox').not.to.equal(null);
    } finally {
      await startServer();
    }
    expect((await whoAmI(token)).status, 'still valid: the server never heard of the log-out').to.equal(200);

    // "Next page load": the page's elements are gone, a new <user-session> connects.
    session.remove();
    await fixture(html`<user-session app-id=${cfg.appId} server-url=${cfg.serverURL}></user-session>`);
    await revokedWithin(token, 5000);
    await until(() => localStorage.getItem(outboxKey()) === null, 'the outbox to empty');
  });

  it('500 from the server on /logout: failure with code server (status 500), signed out locally', async () => {
    const { session, action, token, loggedOut } = await signedInPage();
    await proxy.setFault({ status: 500, path: '/parse/logout' });
    const { ok, event } = await logOut(action);
    expectNoToken(token, action, event);
    expect(ok).to.equal(false);
    expect(event.type).to.equal('failure');
    expect(event.detail.error.code).to.equal('server');
    expect(event.detail.error.status).to.equal(500);
    expect(event.detail).to.include({ signedOutLocally: true, revocationPending: true });
    expectSignedOutLocally(session, loggedOut);
    expect(await proxy.count('POST', '/parse/logout')).to.equal(1);
  });

  it('a reply slower than the timeout attribute: failure with code timeout, without waiting for the reply', async () => {
    const { session, action, loggedOut } = await signedInPage();
    session.setAttribute('timeout', '300');
    await proxy.setFault({ delayMs: 1500, path: '/parse/logout' });
    const started = performance.now();
    const { ok, event } = await logOut(action);
    const elapsed = performance.now() - started;
    expect(ok).to.equal(false);
    expect(event.detail.error.code).to.equal('timeout');
    expect(event.detail).to.include({ signedOutLocally: true, revocationPending: true });
    expect(elapsed, 'settled before the delayed reply').to.be.below(1500);
    expectSignedOutLocally(session, loggedOut);
  });

  it('an HTML page or a broken JSON body instead of the API: failure with code server', async () => {
    const { session, action, username, loggedOut } = await signedInPage();
    await proxy.setFault({ html: true, path: '/parse/logout' });
    const html1 = await logOut(action);
    expect(html1.ok).to.equal(false);
    expect(html1.event.detail.error.code).to.equal('server');
    expect(html1.event.detail.error.status).to.equal(200);
    expect(html1.event.detail.signedOutLocally).to.equal(true);
    expectSignedOutLocally(session, loggedOut);

    await session.logIn(username, password);
    await proxy.setFault({ body: '{"broken', path: '/parse/logout' });
    const broken = await logOut(action);
    expect(broken.ok).to.equal(false);
    expect(broken.event.detail.error.code).to.equal('server');
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(stored(cfg.appId)).to.equal(null);
  });

  it('scope all revokes every session of the user (and only theirs)', async () => {
    const first = await signUpRest(uniqueName('all')); // session 1 (sign-up)
    const second = await logInRest(first.username); // session 2, "another device"
    const stranger = await signUpRest(uniqueName('stranger'));
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}
        ><log-out-action scope="all"></log-out-action
      ></user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    await session.logIn(first.username, password); // session 3, this page
    const mine = String(stored(cfg.appId)!.sessionToken);
    await proxy.reset();

    const { ok, event } = await logOut(action);
    expect(ok).to.equal(true);
    expect(event.detail).to.deep.equal({ scope: 'all', revoked: true });
    expect(session.hasAttribute('authenticated')).to.equal(false);
    for (const token of [first.sessionToken, second, mine]) {
      const me = await whoAmI(token);
      expect(me.body.code, 'every session of the user is revoked').to.equal(209);
    }
    expect((await whoAmI(stranger.sessionToken)).status, "another user's session stays").to.equal(200);

    // List the user's sessions, revoke the two others, then this one. (Paths only: how the method
    // is sent — verb or the SDK's POST with _method — is the backend's business.)
    const { requests } = await proxy.log();
    const paths = requests.map((r) => r.path.replace(/\/sessions\/\w+$/, '/sessions/:id'));
    expect(paths).to.deep.equal(['/parse/sessions', '/parse/sessions/:id', '/parse/sessions/:id', '/parse/logout']);
  });

  it('scope local forgets the session here only: no request, the token still works on the server', async () => {
    const { session, action, token, loggedOut } = await signedInPage();
    action.setAttribute('scope', 'local');
    const { ok, event } = await logOut(action);
    expect(ok).to.equal(true);
    expect(event.detail).to.deep.equal({ scope: 'local', revoked: false });
    expectSignedOutLocally(session, loggedOut);
    expect((await proxy.log()).requests).to.have.length(0);
    expect((await whoAmI(token)).status).to.equal(200);
  });

  it('a 503 on /logout leaves the revocation pending; the online event retries it and the server revokes the token', async function () {
    this.timeout(30_000);
    const { action, token } = await signedInPage();
    await proxy.setFault({ status: 503, path: '/parse/logout', times: 1 });
    const { event } = await logOut(action);
    expect(event.type).to.equal('failure');
    expect(event.detail.error.code).to.equal('server');
    expect(event.detail.error.status).to.equal(503);
    expect(event.detail).to.include({ signedOutLocally: true, revocationPending: true });
    expect((await whoAmI(token)).status).to.equal(200);

    // The server answers again; the browser says it is back online.
    window.dispatchEvent(new Event('online'));
    await revokedWithin(token, 5000);
    await until(() => localStorage.getItem(outboxKey()) === null, 'the outbox to empty');
    const logouts = (await proxy.log()).requests.filter((r) => r.path === '/parse/logout');
    expect(logouts.map((r) => r.fault)).to.deep.equal(['status', null]);
  });
});

describe('Parse Server: <user-session> restores and validates a stored session', function () {
  let cfg: ParseConfig;

  useParseServer((config) => (cfg = config));

  /**
   * Connects a `<user-session>` the way a page load does, with listeners in place before it
   * connects, and notes the state it had synchronously on connect (before first paint).
   */
  async function connect(serverURL: string) {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const session = document.createElement('user-session') as UserSessionElement;
    session.setAttribute('app-id', cfg.appId);
    session.setAttribute('server-url', serverURL);
    const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
    container.append(session);
    const onConnect = { authenticated: session.hasAttribute('authenticated'), username: session.username };
    return { session, events, onConnect };
  }

  /** The check starts after the connecting task, then ends. */
  const settled = async (session: UserSessionElement) => {
    await afterConnect();
    await until(() => !session.pending, 'the validation to settle');
  };

  it('a valid stored session: signed in on connect, then confirmed and refreshed from the server', async () => {
    const user = await signUpRest(uniqueName('restore'));
    storeSession(cfg.appId, user); // no email stored: the server has it
    const { session, events, onConnect } = await connect(cfg.proxyServerURL);
    expect(onConnect).to.deep.equal({ authenticated: true, username: user.username });
    await afterConnect();
    expect(session.pending, 'validation under way').to.equal(true);
    await settled(session);

    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(session.email).to.equal(`${user.username}@example.com`);
    expect(events.map((e) => e.type)).to.deep.equal(['logged-in', 'user-change']);
    expect(events[0]!.detail.reason).to.equal('restored');
    expect(events[1]!.detail.user.email).to.equal(`${user.username}@example.com`);
    expect(stored(cfg.appId)!.sessionToken).to.equal(user.sessionToken);
    const { requests } = await proxy.log();
    expect(
      requests.map((r) => r.path),
      'one validation request',
    ).to.deep.equal(['/parse/users/me']);
  });

  it('a stored session revoked on the server: logged-out with reason session-lost, attribute and storage gone', async () => {
    const user = await signUpRest(uniqueName('lost'));
    storeSession(cfg.appId, user);
    expect((await rest('POST', '/logout', { token: user.sessionToken })).status).to.equal(200);

    const { session, events, onConnect } = await connect(cfg.proxyServerURL);
    expect(onConnect.authenticated, 'storage is read synchronously on connect').to.equal(true);
    await until(() => events.some((e) => e.type === 'logged-out'), 'logged-out');

    expect(events.map((e) => [e.type, e.detail.reason])).to.deep.equal([
      ['logged-in', 'restored'],
      ['logged-out', 'session-lost'],
    ]);
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(session.user).to.equal(null);
    expect(localStorage.getItem(storageKeyFor(cfg.appId))).to.equal(null);
  });

  it('the server is stopped (offline): the stored session stays signed in, and is confirmed once the server is back', async function () {
    this.timeout(30_000);
    const user = await signUpRest(uniqueName('offline'));
    storeSession(cfg.appId, user);
    await stopServer();
    let session: UserSessionElement;
    let events: CustomEvent[];
    try {
      ({ session, events } = await connect(cfg.serverURL));
      await settled(session);
      expect(session.hasAttribute('authenticated')).to.equal(true);
      expect(session.username).to.equal(user.username);
      expect(events.map((e) => e.type)).to.deep.equal(['logged-in']);
      expect(stored(cfg.appId)!.sessionToken).to.equal(user.sessionToken);
    } finally {
      await startServer();
    }
    const refreshed = await session.refresh();
    expect(refreshed?.username).to.equal(user.username);
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(events.filter((e) => e.type === 'logged-out')).to.have.length(0);
  });
});
