// Attack find (fuzz pass, a helper given the README and SPEC only): the provider's discovery
// document names the URLs the browser is sent to (sign-in, end-session). Whoever controls or
// intercepts that document could name a `javascript:` URL, and the kit sent the page there: the
// script ran in the page, next to the session. Only an http(s) URL is followed now; anything
// else is `misconfigured`, before any navigation.
//
// The real provider (oidc-provider) answers; its fault proxy answers the discovery document with
// the provider's own, one endpoint changed.
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import '../../src/define/oidc-backend.js';
import type { UserSessionElement } from '../../src/index.js';
import { AuthError } from '../../src/errors.js';
import { loadApp, oidcConfig, oidcFault, oidcReset, openApp, resetProviderState, signIn } from '../integration/oidc-server.js';

const discoveryPath = '/.well-known/openid-configuration';
const pwned = () => (window as unknown as { __oidcEndpointPwned?: number }).__oidcEndpointPwned;

/** The provider's real discovery document with `changes` applied, served by its proxy from now on. */
async function forgeDiscovery(changes: Record<string, unknown>): Promise<string> {
  const { issuer } = await oidcConfig();
  const real = (await (await fetch(`${issuer}${discoveryPath}`)).json()) as Record<string, unknown>;
  await oidcFault({ path: discoveryPath, body: JSON.stringify({ ...real, ...changes }) });
  return issuer;
}

/** A connected OpenID Connect session on the provider, signed out; `navigate` records where it was sent. */
async function sessionOn(issuer: string, storageKey: string, signedIn?: Record<string, unknown>) {
  const { clientId } = await oidcConfig();
  if (signedIn) localStorage.setItem(storageKey, JSON.stringify(signedIn));
  const session = document.createElement('user-session') as UserSessionElement;
  session.setAttribute('backend', 'oidc');
  session.setAttribute('issuer', issuer);
  session.setAttribute('client-id', clientId);
  session.setAttribute('storage-key', storageKey);
  document.body.append(session);
  await session.ready;
  return session;
}

async function failureOf(call: Promise<unknown>): Promise<AuthError> {
  try {
    await call;
  } catch (error) {
    return error as AuthError;
  }
  throw new Error('resolved: the browser was sent to the forged endpoint');
}

describe('attack: OpenID Connect endpoints the browser is sent to', function () {
  this.timeout(20000);
  afterEach(async () => {
    await oidcReset();
    document.querySelectorAll('user-session, iframe').forEach((element) => element.remove());
    localStorage.clear();
    sessionStorage.clear();
    delete (window as unknown as { __oidcEndpointPwned?: number }).__oidcEndpointPwned;
  });

  for (const endpoint of [
    'javascript:void(window.__oidcEndpointPwned=1)//',
    'JavaScript:void(window.__oidcEndpointPwned=1)//',
    ' javascript:void(window.__oidcEndpointPwned=1)//',
    'java\tscript:void(window.__oidcEndpointPwned=1)//',
    'data:text/html,<p>signed in</p>',
  ]) {
    it(`authorization_endpoint ${JSON.stringify(endpoint.slice(0, 12))}…: logIn() fails misconfigured, no script runs, nothing stored`, async () => {
      const issuer = await forgeDiscovery({ authorization_endpoint: endpoint });
      const session = await sessionOn(issuer, 'oidc-endpoint-attack/login');
      const error = await failureOf(session.logIn());
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pwned(), 'script of the discovery document ran in the page').to.equal(undefined);
      expect(error).to.be.instanceOf(AuthError);
      expect(error.code).to.equal('misconfigured');
      expect(error.message).to.contain('authorization_endpoint');
      expect(session.authenticated).to.equal(false);
      expect(localStorage.getItem('oidc-endpoint-attack/login')).to.equal(null);
    });
  }

  it('authorization_endpoint that is not a string (an object): logIn() fails misconfigured', async () => {
    const issuer = await forgeDiscovery({ authorization_endpoint: { href: 'http://localhost:1/auth' } });
    const session = await sessionOn(issuer, 'oidc-endpoint-attack/object');
    const error = await failureOf(session.logIn());
    expect(error).to.be.instanceOf(AuthError);
    expect(error.code).to.equal('misconfigured');
  });

  it('end_session_endpoint "javascript:…": a log-out with end-session signs out here, fails misconfigured, runs no script', async () => {
    // A real sign-in at the provider (the app page in a frame), then the forged document from the next page load on.
    const frame = await openApp({ storageKey: 'oidc-endpoint-attack/end-session', endSession: true });
    await signIn(frame);
    await forgeDiscovery({ end_session_endpoint: 'javascript:void(window.__oidcEndpointPwned=1)//' });
    const app = await loadApp(frame);
    expect(app.session.authenticated, 'restored after the reload').to.equal(true);
    expect(await app.logOut.do()).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((app as unknown as { __oidcEndpointPwned?: number }).__oidcEndpointPwned, 'script ran in the app page').to.equal(
      undefined,
    );
    expect(app.location.pathname, 'the app page stayed').to.equal('/test/pages/oidc-app.html');
    expect(app.session.authenticated).to.equal(false);
    expect(app.localStorage.getItem('oidc-endpoint-attack/end-session')).to.equal(null);
    const failure = app.seen.find((event) => event.type === 'log-out-failure');
    const error = failure?.detail?.error as { code: string; message: string } | undefined;
    expect(error?.code).to.equal('misconfigured');
    expect(error?.message).to.contain('end_session_endpoint');
    await resetProviderState();
  });
});
