// <user-session backend="better-auth"> against a real Better Auth server on SQLite (started by
// scripts/wtr-better-auth-plugin.mjs behind a fault proxy): the session lives in an httpOnly
// cookie; what the page stores is the public user and a marker. Sign-in by email and username,
// sign-up, local-first log-out with the outbox, a queued sign-out that must spare a later
// session, validation with get-session, and the user's sessions on other devices.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import type { SessionListElement } from '../../src/elements/session-list.js';
import { AuthError } from '../../src/errors.js';
import { BetterAuthBackend } from '../../src/backends/better-auth.js';
import {
  betterAuthFault,
  betterAuthProxyReset,
  betterAuthRequests,
  cookieSession,
  createUser,
  holdCookieLock,
  newAccount,
  requestCount,
  revokeSessionById,
  sessionsOf,
  signInElsewhere,
  signInOutsideTheKit,
  startBetterAuth,
  stopBetterAuth,
  useBetterAuthServer,
} from './better-auth-server.js';

describe('Better Auth (real server on SQLite): <user-session backend="better-auth">', function () {
  this.timeout(30_000);
  let serverUrl: string;
  let keyCount = 0;
  let storageKey: string;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  beforeEach(() => {
    storageKey = `better-auth-test/${Date.now()}/${keyCount++}`;
  });

  async function page(key = storageKey) {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${key}>
        <log-out-action></log-out-action>
      </user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    await action.updateComplete;
    await afterConnect();
    await session.ready; // the check on connect is over: requests counted after this are the test's
    return { session, action };
  }

  async function signedUp() {
    const account = newAccount();
    await createUser(account);
    const { session, action } = await page();
    await session.logIn(account.email, account.password);
    return { session, action, account };
  }

  /** What storage and the page show must never hold the cookie's token. */
  function expectNoSecret(token: string, ...texts: string[]) {
    const everything = [localStorage.getItem(storageKey) ?? '', document.cookie, document.body.outerHTML, ...texts].join('\n');
    expect(everything.includes(token), 'the session token leaked').to.equal(false);
  }

  it('signs in by email: authenticated, the public user, and storage holds a marker, never the cookie token', async () => {
    const account = newAccount();
    await createUser(account);
    const { session } = await page();
    const seen = recordEvents(session, ['logged-in']);
    const user = await session.logIn(account.email, account.password);
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(user.email).to.equal(account.email);
    expect(user.username).to.equal(account.username);
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['log-in']);
    const server = (await cookieSession())!;
    expect(user.id).to.equal(server.user.id);
    const stored = JSON.parse(localStorage.getItem(storageKey)!) as { token: string; user: { id: string } };
    expect(stored.token).to.equal(`better-auth-session:${server.session.id}`);
    expect(stored.user.id).to.equal(server.user.id);
    expectNoSecret(server.session.token, JSON.stringify(session.user), JSON.stringify(seen.map((e) => e.detail)));
  });

  it('signs in by username (Better Auth username plugin)', async () => {
    const account = newAccount();
    await createUser(account);
    const { session } = await page();
    const user = await session.logIn(account.username, account.password);
    expect(user.email).to.equal(account.email);
    expect(await requestCount('POST', '/sign-in/username')).to.equal(1);
  });

  it('a session signed in outside the kit (a cookie, nothing stored) is taken up on connect: logged-in "restored", ready with the user', async () => {
    const account = newAccount();
    await createUser(account);
    await signInOutsideTheKit(account);
    const session = document.createElement('user-session');
    session.setAttribute('backend', 'better-auth');
    session.setAttribute('server-url', serverUrl);
    session.storageKey = storageKey;
    const seen = recordEvents(session, ['logged-in']);
    document.body.append(session);
    try {
      expect(session.hasAttribute('authenticated'), 'nothing stored: the first paint is signed out').to.equal(false);
      expect(await session.ready).to.include({ email: account.email });
      expect(session.hasAttribute('authenticated')).to.equal(true);
      expect(seen.map((e) => e.detail.reason)).to.deep.equal(['restored']);
      const stored = JSON.parse(localStorage.getItem(storageKey)!) as { token: string };
      expect(stored.token).to.equal(`better-auth-session:${(await cookieSession())!.session.id}`);
    } finally {
      session.remove();
    }
  });

  it('no cookie: one get-session on connect, signed out, nothing stored', async () => {
    await betterAuthProxyReset();
    const { session } = await page();
    expect(await session.ready).to.equal(null);
    expect(await requestCount('GET', '/get-session')).to.equal(1);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('a session signed out with scope "local" is not taken up again on reload, though its cookie still works', async () => {
    const { session, account } = await signedUp();
    const result = await session.logOut({ scope: 'local' });
    expect(result.ok).to.equal(true);
    session.remove();
    expect(await cookieSession(), 'the cookie still names a live session').to.not.equal(null);
    const { session: reloaded } = await page();
    expect(await reloaded.ready).to.equal(null);
    expect(reloaded.hasAttribute('authenticated')).to.equal(false);
    expect(localStorage.getItem(`${storageKey}:signed-out`)).to.match(/^better-auth-session:/);
    expect(await sessionsOf(account.email)).to.have.length(1);
  });

  it('a sign-out waiting in the outbox: a reload takes up nothing, the queued sign-out ends the session', async () => {
    const { session, action, account } = await signedUp();
    await stopBetterAuth();
    await action.do();
    session.remove();
    await startBetterAuth();
    const { session: reloaded } = await page();
    expect(await reloaded.ready).to.equal(null);
    expect(reloaded.hasAttribute('authenticated')).to.equal(false);
    await waitUntil(async () => (await sessionsOf(account.email)).length === 0, 'the queued sign-out', {
      timeout: 10_000,
      interval: 100,
    });
  });

  it('server-url changed while a password sign-in is at the server: aborted, nothing stored, the session it made is ended there', async () => {
    const account = newAccount();
    await createUser(account);
    const { session } = await page();
    await betterAuthFault({ path: '/api/auth/sign-in/email', delayMs: 500, times: 1 });
    const signingIn = session.logIn(account.email, account.password).catch((e: AuthError) => e);
    await new Promise((r) => setTimeout(r, 100));
    session.setAttribute('server-url', `${serverUrl}/../elsewhere`);
    const error = await signingIn;
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('aborted');
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    await waitUntil(async () => (await sessionsOf(account.email)).length === 0, 'the session given up on is ended', {
      timeout: 5_000,
    });
  });

  it('a wrong password is invalid-credentials, stores nothing and leaves no cookie session', async () => {
    const account = newAccount();
    await createUser(account);
    const { session } = await page();
    const error = await session.logIn(account.email, 'wrong password').catch((e: AuthError) => e);
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('invalid-credentials');
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await cookieSession()).to.equal(null);
  });

  it('signs up with an email (signed in at once); the same email again is username-taken', async () => {
    const account = newAccount();
    const { session } = await page();
    const user = await session.signUp(account.email, account.password, { name: 'Ada' });
    expect(user.email).to.equal(account.email);
    expect(user.name).to.equal('Ada');
    expect(session.hasAttribute('authenticated')).to.equal(true);
    await session.logOut();
    const error = await session.signUp(account.email, account.password).catch((e: AuthError) => e);
    expect((error as AuthError).code).to.equal('username-taken');
  });

  it('signs up with a username and an email field; without an email it is bad-request before any request', async () => {
    const account = newAccount();
    const { session } = await page();
    await betterAuthProxyReset();
    const refused = await session.signUp(account.username, account.password).catch((e: AuthError) => e);
    expect((refused as AuthError).code).to.equal('bad-request');
    expect((await betterAuthRequests()).requests).to.deep.equal([]);
    const user = await session.signUp(account.username, account.password, { email: account.email });
    expect(user.username).to.equal(account.username);
    expect(user.email).to.equal(account.email);
  });

  it('log-out ends the cookie session on the server: success, signed out, nothing stored, one /revoke-session (its own token; never /sign-out, which would end whatever the cookie names by then)', async () => {
    const { session, action, account } = await signedUp();
    expect(await sessionsOf(account.email)).to.have.length(1);
    await betterAuthProxyReset();
    const events = recordEvents(action, ['success', 'failure']);
    expect(await action.do()).to.equal(true);
    expect(events.map((e) => e.type)).to.deep.equal(['success']);
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await sessionsOf(account.email)).to.deep.equal([]);
    expect(await requestCount('POST', '/revoke-session')).to.equal(1);
    expect(await requestCount('POST', '/sign-out')).to.equal(0);
    expect(await cookieSession(), 'the cookie is cleared').to.equal(null);
  });

  it('a reload restores the user from storage, then get-session confirms it (one request)', async () => {
    const first = await signedUp();
    first.session.remove(); // the page is gone; a new one loads with what storage kept
    await betterAuthProxyReset();
    const { session } = await page();
    const { account } = first;
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(await session.ready).to.include({ email: account.email });
    expect(await requestCount('GET', '/get-session')).to.equal(1);
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });

  it('a session revoked on the server (another device, an admin) ends here as session-lost at the next check', async () => {
    const { session, account } = await signedUp();
    const [only] = await sessionsOf(account.email);
    await revokeSessionById(only!.id);
    const lost = recordEvents(session, ['logged-out']);
    expect(await session.refresh()).to.equal(null);
    expect(lost.map((e) => e.detail.reason)).to.deep.equal(['session-lost']);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('a 500 or a server down behind its proxy (502) at the check keeps the user signed in', async () => {
    const { session } = await signedUp();
    await betterAuthFault({ status: 500, body: '{"code":"INTERNAL_SERVER_ERROR","message":"boom"}' });
    const error = await session.refresh().catch((e: AuthError) => e);
    expect((error as AuthError).code).to.equal('server');
    await betterAuthFault(null);
    await stopBetterAuth();
    // Down behind its proxy: a 502 from the proxy.
    const down = await session.refresh().catch((e: AuthError) => e);
    expect((down as AuthError).code).to.equal('server');
    expect((down as AuthError).status).to.equal(502);
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });

  it('a bare 401 from something in front of the server is no proof: the user stays signed in', async () => {
    const { session } = await signedUp();
    await betterAuthFault({ status: 401, body: 'Unauthorized', path: '/api/auth/get-session' });
    const error = await session.refresh().catch((e: AuthError) => e);
    expect((error as AuthError).code).to.equal('misconfigured');
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });

  it('offline log-out signs out here at once; the sign-out waits in the outbox and ends the session once online', async () => {
    const { session, action, account } = await signedUp();
    await stopBetterAuth();
    const events = recordEvents(action, ['success', 'failure']);
    expect(await action.do()).to.equal(false);
    expect(events.map((e) => e.type)).to.deep.equal(['failure']);
    expect(events[0]!.detail).to.include({ signedOutLocally: true, revocationPending: true });
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(Object.keys(localStorage), JSON.stringify(localStorage)).to.include(`${storageKey}:pending-revocations`);
    expect(await sessionsOf(account.email)).to.have.length(1);
    await startBetterAuth();
    window.dispatchEvent(new Event('online'));
    await waitUntil(async () => (await sessionsOf(account.email)).length === 0, 'the queued sign-out', {
      timeout: 10_000,
      interval: 100,
    });
  });

  it('a queued sign-out replayed after a new sign-in ends only the old session: the new one lives on', async () => {
    const { session, action, account } = await signedUp();
    const [old] = await sessionsOf(account.email);
    await stopBetterAuth();
    await action.do(); // queued
    await startBetterAuth();
    // Signing in again sends the queue first or after: either way the new session must survive.
    await session.logIn(account.email, account.password);
    window.dispatchEvent(new Event('online'));
    await waitUntil(async () => !(await sessionsOf(account.email)).some((s) => s.id === old!.id), 'the old session ended', {
      timeout: 10_000,
      interval: 100,
    });
    const left = await sessionsOf(account.email);
    expect(left, 'the new session lives').to.have.length(1);
    expect((await cookieSession())?.session.id).to.equal(left[0]!.id);
    expect(await session.refresh()).to.include({ email: account.email });
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });

  it('signing in as someone else while the old session is still being signed out: the new session keeps its cookie', async () => {
    // The old session's /revoke-session is held 800 ms at the proxy while the new sign-in sets its
    // cookie. Its reply (Better Auth clears the cookie when it revoked the cookie's own session)
    // must not come after the new cookie: one cookie step of a server at a time in this browser.
    const { session, account } = await signedUp();
    const other = newAccount();
    await createUser(other);
    await betterAuthFault({ path: '/api/auth/revoke-session', delayMs: 800, times: 1 });
    const user = await session.logIn(other.email, other.password);
    await waitUntil(async () => (await sessionsOf(account.email)).length === 0, 'the old session ended');
    await betterAuthFault(null);
    const cookie = await cookieSession();
    expect(cookie?.user.id, "the browser's cookie names the new user's session").to.equal(user.id);
    expect(localStorage.getItem(storageKey)).to.include(cookie!.session.id);
    expect(await session.refresh()).to.include({ email: other.email });
    expect(session.authenticated).to.equal(true);
  });

  it('a sign-in waiting its turn at the cookie lock is outdated by a session stored meanwhile that it has not heard of: aborted before it sends anything, the stored one left alive', async () => {
    // Another tab's sign-in lands in storage while this one waits; its storage event may come
    // after the lock's grant. Here the value is written by this document, which hears no event at all.
    const account = newAccount();
    const other = newAccount();
    await Promise.all([createUser(account), createUser(other)]);
    const { session } = await page();
    // This test holds the cookie lock while the sign-in waits for it.
    const release = await holdCookieLock(serverUrl);
    const pending = session.logIn(other.email, other.password).then(
      () => null,
      (error: AuthError) => error,
    );
    await signInOutsideTheKit(account);
    const cookie = (await cookieSession())!;
    const stored = { token: `better-auth-session:${cookie.session.id}`, user: { id: cookie.user.id, email: account.email } };
    localStorage.setItem(storageKey, JSON.stringify(stored));
    await betterAuthProxyReset();
    release();
    expect((await pending)?.code).to.equal('aborted');
    expect(
      (await betterAuthRequests()).requests.map((r) => r.path),
      'nothing sent for the outdated sign-in',
    ).to.deep.equal([]);
    expect(await sessionsOf(account.email)).to.have.length(1);
    expect(session.user?.email).to.equal(account.email);
  });

  it("lists the user's sessions: this browser's first and marked, another device with its user agent; no token in the list", async () => {
    const { session, account } = await signedUp();
    const elsewhere = await signInElsewhere({
      emailOrUsername: account.email,
      password: account.password,
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1',
    });
    const backend = new BetterAuthBackend({ serverURL: serverUrl });
    const stored = JSON.parse(localStorage.getItem(storageKey)!) as { token: string; user: { id: string } };
    const list = await backend.listSessions(stored, { signal: new AbortController().signal });
    expect(list.map((s) => s.current)).to.deep.equal([true, false]);
    expect(list[1]!.id).to.equal(elsewhere.sessionId);
    expect(list[1]!.userAgent).to.contain('iPhone');
    expect(list[0]!.createdAt).to.be.a('number');
    const token = (await cookieSession())!.session.token;
    expect(JSON.stringify(list).includes(token)).to.equal(false);
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });

  it('revokes another device by id; the id of another user’s session touches nothing', async () => {
    const { account } = await signedUp();
    const other = newAccount('eve');
    await createUser(other);
    const eve = await signInElsewhere({ emailOrUsername: other.email, password: other.password, userAgent: 'Eve' });
    const phone = await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'Phone' });
    const backend = new BetterAuthBackend({ serverURL: serverUrl });
    const stored = JSON.parse(localStorage.getItem(storageKey)!) as { token: string; user: { id: string } };
    const signal = new AbortController().signal;
    await backend.revokeSession(stored, eve.sessionId, { signal });
    expect((await sessionsOf(other.email)).map((s) => s.id)).to.deep.equal([eve.sessionId]);
    await backend.revokeSession(stored, phone.sessionId, { signal });
    expect((await sessionsOf(account.email)).map((s) => s.id)).to.not.include(phone.sessionId);
    expect(await sessionsOf(account.email)).to.have.length(1);
  });

  it('<log-out-action scope="others"> ends every other session and keeps this one signed in', async () => {
    const { session, action, account } = await signedUp();
    await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'A' });
    await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'B' });
    expect(await sessionsOf(account.email)).to.have.length(3);
    action.scope = 'others';
    expect(await action.do()).to.equal(true);
    expect(session.hasAttribute('authenticated')).to.equal(true);
    const left = await sessionsOf(account.email);
    expect(left.map((s) => s.id)).to.deep.equal([(await cookieSession())!.session.id]);
  });
});

describe('Better Auth (real server): <session-list> and sessions on other devices', function () {
  this.timeout(30_000);
  let serverUrl: string;
  let keyCount = 0;
  const iPhone =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));

  const items = (list: SessionListElement) => [...list.shadowRoot!.querySelectorAll('li')];
  const revokeButtons = (list: SessionListElement) =>
    [...list.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part=revoke]')].filter((b) => !b.hidden);

  /** Signed in here, with a phone signed in as the same user elsewhere. */
  async function twoDevices() {
    const account = newAccount('list');
    await createUser(account);
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${`ba-list/${Date.now()}/${keyCount++}`}>
        <session-list></session-list>
      </user-session>
    `);
    const list = session.querySelector('session-list')!;
    const phone = await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: iPhone });
    await session.logIn(account.email, account.password);
    await waitUntil(() => items(list).length === 2, 'both sessions listed');
    return { session, list, account, phone };
  }

  it('lists this device first and marked, and the phone by its user agent, with a named "Sign out" button; no token in the list', async () => {
    const { session, list } = await twoDevices();
    const [here, phone] = items(list);
    expect(here!.querySelector('[part=current]')?.hasAttribute('hidden')).to.equal(false);
    expect(phone!.querySelector('[part=device]')!.textContent).to.equal('Safari on iPhone');
    expect(revokeButtons(list)).to.have.length(1);
    expect(revokeButtons(list)[0]!.getAttribute('aria-label')).to.match(/^Sign out Safari on iPhone, signed in /);
    const token = (await cookieSession())!.session.token;
    const everything = [list.shadowRoot!.innerHTML, JSON.stringify(list.sessions), JSON.stringify(await session.listSessions())];
    expect(everything.join('\n').includes(token), 'the token leaked').to.equal(false);
  });

  it('"Sign out" on the phone ends that session on the server: revoked with its SessionInfo, sessions-change, this one stays', async () => {
    const { session, list, account, phone } = await twoDevices();
    const events = recordEvents(list, ['revoked', 'failure']);
    const changes = recordEvents(session, ['sessions-change']);
    revokeButtons(list)[0]!.click();
    await waitUntil(() => events.length === 1, 'revoked');
    expect(events[0]!.type).to.equal('revoked');
    expect(events[0]!.detail.scope).to.equal('session');
    expect(events[0]!.detail.session.id).to.equal(phone.sessionId);
    expect(changes).to.have.length(1);
    expect((await sessionsOf(account.email)).map((s) => s.id)).to.not.include(phone.sessionId);
    await waitUntil(() => items(list).length === 1, 'the phone gone from the list');
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(await session.refresh()).to.include({ email: account.email });
  });

  it('"Sign out all other devices" keeps only this session, signed in', async () => {
    const { session, list, account } = await twoDevices();
    await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'Laptop' });
    await list.refresh();
    expect(items(list)).to.have.length(3);
    expect(await list.revokeOthers()).to.equal(true);
    const left = await sessionsOf(account.email);
    expect(left.map((s) => s.id)).to.deep.equal([(await cookieSession())!.session.id]);
    await waitUntil(() => items(list).length === 1, 'only this device listed');
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });

  it('this session revoked from the phone: the next check here ends it as session-lost and the list empties', async () => {
    const { session, list } = await twoDevices();
    const here = (await cookieSession())!.session.id;
    await revokeSessionById(here);
    const lost = recordEvents(session, ['logged-out']);
    await list.refresh();
    expect(lost.map((e) => e.detail.reason)).to.deep.equal(['session-lost']);
    expect(items(list)).to.have.length(0);
  });

  it('a reload after this session was revoked elsewhere: the first check ends it; the list asks nothing', async () => {
    const { session } = await twoDevices();
    const key = session.storageKey!;
    session.remove();
    await revokeSessionById((await cookieSession())!.session.id);
    await betterAuthProxyReset();
    const reloaded = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${key}>
        <session-list></session-list>
      </user-session>
    `);
    const lost = recordEvents(reloaded, ['logged-out']);
    const failures = recordEvents(reloaded.querySelector('session-list')!, ['failure']);
    expect(await reloaded.ready).to.equal(null);
    await new Promise((r) => setTimeout(r, 100));
    expect(lost.map((e) => e.detail.reason)).to.deep.equal(['session-lost']);
    expect(await requestCount('GET', '/list-sessions')).to.equal(0);
    expect(failures).to.deep.equal([]);
    expect(items(reloaded.querySelector('session-list')!)).to.have.length(0);
  });

  it('the server down while listing: failure with the error, the user stays signed in', async () => {
    const { session, list } = await twoDevices();
    await betterAuthFault({ status: 503, body: 'Service Unavailable', path: '/api/auth/list-sessions' });
    const failures = recordEvents(list, ['failure']);
    await list.refresh();
    expect(failures).to.have.length(1);
    expect(failures[0]!.detail.error).to.be.instanceOf(AuthError);
    expect(failures[0]!.detail.error.code).to.equal('server');
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });
});
