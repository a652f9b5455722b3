// OpenID Connect against a real OpenID Provider (oidc-provider, started by the test runner
// behind a fault proxy): sign-in by redirect through its real login page, the answer checked
// and taken out of the address bar, refresh before use (one tab at a time), local-first
// log-out with RFC 7009 revocation and the outbox, and the provider's end-session.
import { expect } from '@open-wc/testing';
import {
  accessTokenTtl,
  appIn,
  loadApp,
  loginPageIn,
  markOld,
  nextApp,
  oidcConfig,
  oidcFault,
  oidcRequests,
  oidcReset,
  openApp,
  resetProviderState,
  revokeAtProvider,
  signIn,
  startProvider,
  stopProvider,
  storedTokens,
  submitLogin,
  tryRefresh,
  waitFor,
  type AppWindow,
} from './oidc-server.js';

let keyCount = 0;
const frames: HTMLIFrameElement[] = [];

async function open(settings: { endSession?: boolean; storageKey?: string; lateBackend?: boolean } = {}, search = '') {
  const storageKey = settings.storageKey ?? `oidc-test/${Date.now()}/${keyCount++}`;
  const frame = await openApp({ storageKey, ...settings }, search);
  frames.push(frame);
  return { frame, storageKey };
}

/** Everything the page could show: attributes, events, `user`, the address bar, errors. */
function visible(app: AppWindow): string {
  return [
    app.document.documentElement.outerHTML,
    JSON.stringify(app.seen),
    JSON.stringify(app.session.user),
    app.location.href,
  ].join('\n');
}

function tokenCalls(requests: Awaited<ReturnType<typeof oidcRequests>>) {
  return requests.filter((r) => r.method === 'POST' && r.path === '/token');
}

describe('OpenID Connect against a real provider (oidc-provider)', function () {
  this.timeout(30000);

  before(async () => {
    await oidcConfig();
  });

  beforeEach(async () => {
    await oidcFault(null);
    await resetProviderState();
    await oidcReset();
  });

  afterEach(async () => {
    await startProvider();
    for (const frame of frames.splice(0)) frame.remove();
  });

  it('signs in by redirect: logged-in "log-in" with the user from the ID token, the answer gone from the address bar, no token shown', async () => {
    const { frame, storageKey } = await open();
    const app = await signIn(frame);
    expect(app.session.hasAttribute('authenticated')).to.equal(true);
    const ada = (await oidcConfig()).accounts[0];
    const user = app.session.user!;
    expect(user.id).to.equal(ada.sub);
    expect(user.username).to.equal(ada.login);
    expect(user.email).to.equal(ada.email);
    expect(user.name).to.equal(ada.name);
    for (const claim of ['nonce', 'aud', 'iss', 'exp', 'at_hash', 'sid']) expect(user).not.to.have.property(claim);
    expect(app.seen.filter((e) => e.type === 'logged-in').map((e) => e.reason)).to.deep.equal(['log-in']);
    expect(app.initialHref).to.match(/[?&]code=/);
    expect(app.location.search, 'code and state left the address bar').to.equal('');
    const tokens = storedTokens(storageKey)!;
    expect(tokens.access).to.be.a('string');
    expect(tokens.refresh, 'a refresh token').to.be.a('string');
    const shown = visible(app);
    for (const secret of [tokens.access, tokens.refresh!, tokens.idToken!]) expect(shown).not.to.include(secret);
  });

  it('the OIDC entry loaded after the element connected: the answer in the address bar is still taken', async () => {
    const { frame, storageKey } = await open({ lateBackend: true });
    const app = await signIn(frame);
    expect(app.seen.filter((e) => e.type === 'logged-in').map((e) => e.reason)).to.deep.equal(['log-in']);
    expect(app.location.search).to.equal('');
    expect(storedTokens(storageKey)!.access).to.be.a('string');
    // And a stored session is read with it on the next load.
    const again = await loadApp(frame);
    expect(again.session.authenticated).to.equal(true);
  });

  it('an answer used once cannot be replayed: failure on the session, nothing stored, the address cleaned', async () => {
    const { frame, storageKey } = await open();
    const first = await signIn(frame);
    const answer = first.initialHref;
    await first.session.logOut({ scope: 'local' });
    const replayed = await loadApp(frame, answer);
    const failure = await waitFor(() => replayed.seen.find((e) => e.type === 'failure'), 'failure');
    expect(failure.error!.code).to.equal('bad-request');
    expect(failure.error!.message).to.match(/already used|not .*started in this tab/);
    expect(replayed.session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(replayed.location.search).to.equal('');
  });

  it('a forged answer (a state this tab never sent) fails without asking the provider for tokens', async () => {
    const { frame, storageKey } = await open();
    await oidcReset();
    const app = await loadApp(frame, '/test/pages/oidc-app.html?code=forged-code&state=forged-state');
    const failure = await waitFor(() => app.seen.find((e) => e.type === 'failure'), 'failure');
    expect(failure.error!.code).to.equal('bad-request');
    expect(app.session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(app.location.search).to.equal('');
    expect(tokenCalls(await oidcRequests())).to.have.length(0);
  });

  it('a state that does not match the sign-in this tab started is refused, and that sign-in is void', async () => {
    const { frame, storageKey } = await open();
    const app = appIn(frame)!;
    const page = loginPageIn(frame);
    markOld(frame);
    app.logIn.click();
    await page.catch(() => {});
    // Instead of finishing at the provider, an attacker's link brings the browser back with its own code.
    // With the right `iss` (RFC 9207), so the state is what gives it away.
    const iss = encodeURIComponent((await oidcConfig()).issuer);
    const back = await loadApp(frame, `/test/pages/oidc-app.html?code=attacker-code&state=attacker-state&iss=${iss}`);
    const failure = await waitFor(() => back.seen.find((e) => e.type === 'failure'), 'failure');
    expect(failure.error!.code).to.equal('server');
    expect(failure.error!.message).to.include('state');
    expect(back.session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(tokenCalls(await oidcRequests())).to.have.length(0);
  });

  it('the provider failing at the exchange: failure with code server, nothing stored', async () => {
    const { frame, storageKey } = await open();
    const app = appIn(frame)!;
    await oidcFault({ status: 503, path: '/token' });
    const ada = (await oidcConfig()).accounts[0];
    loginPageIn(frame).then(
      () => submitLogin(frame, ada),
      () => {},
    );
    markOld(frame);
    app.logIn.click();
    const back = await nextApp(frame, (a) => a.seen.some((e) => e.type === 'failure'), 'failure');
    const failure = back.seen.find((e) => e.type === 'failure')!;
    expect(failure.error!.code).to.equal('server');
    expect(back.session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('a username and password with this backend fail with a message that says why', async () => {
    const { frame } = await open();
    const app = appIn(frame)!;
    const error = await app.session.logIn('ada', 'lovelace-secret').then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(error!.code).to.equal('misconfigured');
    expect(error!.message).to.match(/signs in at the provider/);
  });

  it('logs out local first, then revokes at the provider: the refresh token no longer works', async () => {
    const { frame, storageKey } = await open();
    const app = await signIn(frame);
    const tokens = storedTokens(storageKey)!;
    await oidcReset();
    expect(await app.logOut.do()).to.equal(true);
    expect(app.session.hasAttribute('authenticated')).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    const success = app.seen.find((e) => e.type === 'log-out-success')!;
    expect(success.detail).to.deep.equal({ scope: 'current', revoked: true, error: undefined });
    const revocations = (await oidcRequests()).filter((r) => r.path === '/revoke');
    expect(revocations, 'refresh and access token').to.have.length(2);
    expect(await tryRefresh(tokens.refresh!)).to.equal('invalid_grant');
  });

  it('provider down at log-out: signed out here at once, the revocation waits in the outbox and is sent when back online', async () => {
    const { frame, storageKey } = await open();
    const app = await signIn(frame);
    const tokens = storedTokens(storageKey)!;
    await oidcFault({ drop: true, path: '/revoke' });
    expect(await app.logOut.do()).to.equal(false);
    const failure = app.seen.find((e) => e.type === 'log-out-failure')!;
    expect(failure.detail!.signedOutLocally).to.equal(true);
    expect(failure.detail!.revocationPending).to.equal(true);
    expect((failure.detail!.error as { code: string }).code).to.equal('network');
    expect(app.session.authenticated).to.equal(false);
    expect(localStorage.getItem(`${storageKey}:pending-revocations`)).to.be.a('string');
    expect(await tryRefresh(tokens.refresh!), 'still alive at the provider').to.equal(null);
    // That refresh rotated the token; the queued revocation still holds the access token and the old refresh token.
    await oidcFault(null);
    await oidcReset();
    app.dispatchEvent(new Event('online'));
    await waitFor(() => localStorage.getItem(`${storageKey}:pending-revocations`) === null, 'the outbox to empty');
    expect((await oidcRequests()).filter((r) => r.path === '/revoke').length).to.be.greaterThan(0);
  });

  it('end-session: success fires, then the browser ends the provider session and comes back signed out; the next sign-in asks for the password again', async () => {
    const { frame, storageKey } = await open({ endSession: true });
    const app = await signIn(frame);
    await oidcReset();
    markOld(frame);
    expect(await app.logOut.do()).to.equal(true);
    expect(app.seen.map((e) => e.type)).to.include('log-out-success');
    expect(localStorage.getItem(storageKey)).to.equal(null);
    const back = await nextApp(frame, () => true, 'the app after end-session');
    expect(back.session.authenticated).to.equal(false);
    const paths = (await oidcRequests()).map((r) => r.path);
    expect(paths.some((p) => p.startsWith('/session/end'))).to.equal(true);
    // The provider's own session is over: its login page shows again.
    const page = loginPageIn(frame);
    markOld(frame);
    back.logIn.click();
    await page;
  });

  it('refreshes an expired access token before use, once, with no event', async () => {
    await accessTokenTtl(2);
    const { frame, storageKey } = await open();
    const app = await signIn(frame);
    const before = storedTokens(storageKey)!;
    await new Promise((r) => setTimeout(r, 1600));
    await oidcReset();
    const seenBefore = app.seen.length;
    const user = await app.session.refresh();
    expect(user!.id).to.equal((await oidcConfig()).accounts[0].sub);
    const after = storedTokens(storageKey)!;
    expect(after.access).not.to.equal(before.access);
    expect(after.refresh).not.to.equal(before.refresh);
    expect(tokenCalls(await oidcRequests())).to.have.length(1);
    expect(app.seen.slice(seenBefore), 'no logged-in/out or user-change for a renewal').to.deep.equal([]);
    expect(await tryRefresh(before.refresh!), 'the old refresh token was rotated away').to.equal('invalid_grant');
  });

  it('accessToken() gives a token the provider accepts, renewed first when it is due', async () => {
    await accessTokenTtl(2);
    const { frame, storageKey } = await open();
    const app = await signIn(frame);
    const { issuer } = await oidcConfig();
    const callApi = async (token: string | null) =>
      (await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${token}` } })).status;
    const first = await app.session.accessToken();
    expect(first).to.equal(storedTokens(storageKey)!.access);
    expect(await callApi(first)).to.equal(200);
    await new Promise((r) => setTimeout(r, 1600));
    const second = await app.session.accessToken();
    expect(second).not.to.equal(first);
    expect(await callApi(second)).to.equal(200);
    await app.session.logOut({ scope: 'local' });
    expect(await app.session.accessToken()).to.equal(null);
  });

  it('two tabs loading with an expired token: exactly one refresh request, both signed in with its result', async () => {
    await accessTokenTtl(2);
    const { frame, storageKey } = await open();
    await signIn(frame);
    const second = (await open({ storageKey })).frame;
    await new Promise((r) => setTimeout(r, 1600));
    await oidcReset();
    const [a, b] = await Promise.all([loadApp(frame), loadApp(second)]);
    await waitFor(() => storedTokens(storageKey)!.refreshAt! > Date.now(), 'a renewed token');
    await new Promise((r) => setTimeout(r, 500));
    expect(tokenCalls(await oidcRequests()), 'one refresh for two tabs').to.have.length(1);
    expect(a.session.authenticated).to.equal(true);
    expect(b.session.authenticated).to.equal(true);
    expect([...a.seen, ...b.seen].filter((e) => e.type === 'logged-out')).to.deep.equal([]);
  });

  it('refresh refused (revoked at the provider): logged-out "session-lost" in every tab', async () => {
    await accessTokenTtl(2);
    const { frame, storageKey } = await open();
    const a = await signIn(frame);
    const b = appIn((await open({ storageKey })).frame)!;
    await revokeAtProvider(storedTokens(storageKey)!.refresh!);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await a.session.refresh()).to.equal(null);
    await waitFor(() => !b.session.authenticated, 'the other tab to sign out');
    expect(a.seen.filter((e) => e.type === 'logged-out').map((e) => e.reason)).to.deep.equal(['session-lost']);
    expect(b.seen.filter((e) => e.type === 'logged-out').map((e) => e.reason)).to.deep.equal(['session-lost']);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('on load, a session the provider no longer honours ends as session-lost', async () => {
    const { frame, storageKey } = await open();
    await signIn(frame);
    const tokens = storedTokens(storageKey)!;
    await revokeAtProvider(tokens.access, 'access_token');
    await revokeAtProvider(tokens.refresh!);
    const app = await loadApp(frame);
    await waitFor(() => !app.session.authenticated, 'session-lost');
    expect(app.seen.filter((e) => e.type === 'logged-out').map((e) => e.reason)).to.deep.equal(['session-lost']);
  });

  it('provider down at refresh: stays signed in, and renews once it is back', async () => {
    await accessTokenTtl(2);
    const { frame, storageKey } = await open();
    const app = await signIn(frame);
    await new Promise((r) => setTimeout(r, 1600));
    await stopProvider();
    const error = await app.session.refresh().then(
      () => null,
      (e: { code: string }) => e,
    );
    expect(error!.code).to.be.oneOf(['network', 'server']);
    expect(app.session.authenticated).to.equal(true);
    expect(localStorage.getItem(storageKey)).not.to.equal(null);
    await startProvider();
    const before = storedTokens(storageKey)!;
    expect((await app.session.refresh())!.id).to.equal(app.session.userId);
    expect(storedTokens(storageKey)!.access).not.to.equal(before.access);
  });
});
