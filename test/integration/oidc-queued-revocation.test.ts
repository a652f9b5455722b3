// OpenID Connect against the real provider: a revocation queued at log-out that would end the
// next sign-in of the same user (the provider revokes a whole grant, which the new tokens share)
// is dropped, also when the revocation endpoint still fails while the person signs in again (the
// send before leaving for the provider fails, the entry stays queued) and `online` fires after
// the return (README "Sign in with OpenID Connect", Log-out; SPEC §3.4).
import { expect } from '@open-wc/testing';
import {
  appIn,
  loginPageIn,
  markOld,
  nextApp,
  oidcConfig,
  oidcFault,
  oidcRequests,
  oidcReset,
  openApp,
  resetProviderState,
  signIn,
  storedTokens,
  submitLogin,
  tryRefresh,
  waitFor,
} from './oidc-server.js';

const frames: HTMLIFrameElement[] = [];
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('OpenID Connect: a queued revocation and the next sign-in', function () {
  this.timeout(40000);

  beforeEach(async () => {
    await oidcFault(null);
    await resetProviderState();
    await oidcReset();
  });
  afterEach(async () => {
    await oidcFault(null);
    for (const frame of frames.splice(0)) frame.remove();
  });

  it('the revocation endpoint failing through the next sign-in, online later: the queued revocation is dropped, the new session lives', async () => {
    const { issuer, accounts } = await oidcConfig();
    const storageKey = `oidc-queued/${Date.now()}`;
    const outbox = () => localStorage.getItem(`${storageKey}:pending-revocations`);
    const frame = await openApp({ storageKey });
    frames.push(frame);
    const app = await signIn(frame);
    await oidcFault({ drop: true, path: '/revoke' });
    expect(await app.logOut.do(), 'log-out with the revocation endpoint unreachable').to.equal(false);
    expect(outbox(), 'queued').to.be.a('string');
    // The fault stays on: one of the log-out's two revocations may still be on its way.
    const seenBefore = (await oidcRequests()).length;
    const since = async () => (await oidcRequests()).slice(seenBefore);
    // Signing in again: the queued revocation is tried before the browser leaves, and fails again.
    loginPageIn(frame).then(
      () => submitLogin(frame, accounts[0]),
      () => {},
    );
    markOld(frame);
    appIn(frame)!.logIn.click();
    const back = await nextApp(frame, (w) => w.seen.length > 0, 'the answer handled');
    await waitFor(() => back.session.authenticated, 'signed in again');
    const triedBeforeLeaving = (await since()).filter((r) => r.path === '/revoke' && r.fault === 'drop').length;
    await oidcFault(null);
    // Back online, as often as the browser says so: the entry is tried once its backoff is over.
    const online = setInterval(() => back.dispatchEvent(new Event('online')), 250);
    try {
      await waitFor(() => outbox() === null, 'the outbox to empty', 20000);
    } finally {
      clearInterval(online);
    }
    await delay(500);
    const fresh = storedTokens(storageKey)!;
    const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${fresh.access}` } });
    expect({
      // Its refresh and access tokens are both sent; the first to fail ends the try, and the page
      // leaves (Firefox may then cancel the other before the provider sees it: it stays queued).
      triedBeforeLeaving: triedBeforeLeaving >= 1,
      revocationsSent: (await oidcRequests()).filter((r) => r.path === '/revoke' && r.fault === null).length,
      newAccessTokenAtProvider: userinfo.status,
      newRefreshToken: await tryRefresh(fresh.refresh!),
      authenticated: back.session.authenticated,
      events: back.seen.map((e) => `${e.type}:${e.reason ?? e.error?.code ?? ''}`),
    }).to.deep.equal({
      triedBeforeLeaving: true,
      revocationsSent: 0,
      newAccessTokenAtProvider: 200,
      newRefreshToken: null,
      authenticated: true,
      events: ['logged-in:log-in'],
    });
  });
});
