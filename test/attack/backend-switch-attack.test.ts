// Attack find (a helper given the README and SPEC only): README, Known limitations, promises
// that a page changing `server-url` or `backend` while signed in has the session "ended at its
// own server first (logged-out with reason session-lost; queued if that server is down) and
// never sent to the new one". That held for `server-url` within one kind of backend; pointed at
// another kind (Better Auth → Parse or OIDC, OIDC → Parse, Parse → OIDC) or at another OIDC
// issuer, on the same `storage-key`, the session was forgotten here and never ended at its
// server: the new backend could not read it, so the log-out found no session to revoke.
// Real servers: oidc-provider, Better Auth, Parse Server; "Parse" on the far side is the
// collector, which records what reaches it.
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import '../../src/define/oidc-backend.js';
import type { UserSessionElement } from '../../src/index.js';
import {
  betterAuthSession,
  createUser,
  newAccount,
  sessionsOf,
  useBetterAuthServer,
  type BetterAuthConfig,
} from '../integration/better-auth-server.js';
import {
  oidcConfig,
  oidcFault,
  oidcReset,
  openApp,
  resetProviderState,
  signIn,
  storedTokens,
  tryRefresh,
} from '../integration/oidc-server.js';
import { collector, parseConfig, signUpRest, storeSession, whoAmI } from '../integration/parse-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const made: Element[] = [];
let betterAuth: BetterAuthConfig;
useBetterAuthServer((config) => (betterAuth = config));

/** The `logged-out` reasons `session` fires from now on. */
function loggedOutReasons(session: EventTarget): string[] {
  const reasons: string[] = [];
  session.addEventListener('logged-out', (event) => reasons.push((event as CustomEvent<{ reason: string }>).detail.reason));
  return reasons;
}

/** A `<user-session>` on `key`, signed in at the real provider (the app page in a frame does the round trip). */
async function signedInOidcSession(key: string): Promise<UserSessionElement> {
  const frame = await openApp({ storageKey: key });
  await signIn(frame);
  frame.remove();
  const session = document.createElement('user-session') as UserSessionElement;
  await pointAtOidc(session);
  session.setAttribute('storage-key', key);
  document.body.append(session);
  made.push(session);
  await session.ready;
  expect(session.authenticated).to.equal(true);
  return session;
}

/** Points `session` at the real OpenID provider. */
async function pointAtOidc(session: UserSessionElement): Promise<void> {
  const { issuer, clientId } = await oidcConfig();
  session.setAttribute('backend', 'oidc');
  session.setAttribute('issuer', issuer);
  session.setAttribute('client-id', clientId);
}

/** Points `session` at the collector, a Parse Server stand-in that records what reaches it. */
async function pointAtParse(session: UserSessionElement): Promise<void> {
  const { url } = await collector.info();
  session.setAttribute('backend', 'parse');
  session.setAttribute('server-url', `${url}/parse`);
  session.setAttribute('app-id', 'switch-app');
}

describe('attack: a signed-in <user-session> pointed at another kind of backend, or another issuer', function () {
  this.timeout(40000);
  before(async function () {
    this.timeout(120000);
    await oidcConfig();
    await parseConfig();
  });
  beforeEach(async () => {
    await oidcFault(null);
    await resetProviderState();
    await oidcReset();
    await collector.reset();
  });
  afterEach(() => {
    for (const element of made.splice(0)) element.remove();
  });

  it('OpenID Connect, issuer changed to another address of the provider: session-lost, and the grant ended at the provider', async () => {
    const key = `backend-switch/issuer/${Date.now()}`;
    const session = await signedInOidcSession(key);
    const tokens = storedTokens(key)!;
    const reasons = loggedOutReasons(session);
    session.setAttribute('issuer', session.getAttribute('issuer')!.replace('localhost', '127.0.0.1'));
    await sleep(1500);
    expect(session.authenticated).to.equal(false);
    expect(reasons).to.deep.equal(['session-lost']);
    expect(await tryRefresh(tokens.refresh!), 'the refresh token is refused').to.not.equal(null);
  });

  for (const midRefresh of [false, true]) {
    it(`OpenID Connect → Parse${midRefresh ? ', while refresh() is under way' : ''}: session-lost, the grant ended, no token sent to Parse`, async () => {
      const key = `backend-switch/oidc-parse/${Date.now()}`;
      const session = await signedInOidcSession(key);
      const tokens = storedTokens(key)!;
      const reasons = loggedOutReasons(session);
      let refreshing: Promise<unknown> = Promise.resolve();
      if (midRefresh) {
        await oidcFault({ delayMs: 800, path: '/me' });
        refreshing = session.refresh().catch(() => null);
        await sleep(100);
      }
      await pointAtParse(session);
      await refreshing;
      await sleep(1500);
      await oidcFault(null);
      const leaks = (await collector.requests([tokens.access, tokens.refresh!, tokens.idToken!])).filter((r) => r.leaked.length);
      expect(leaks.map((r) => `${r.method} ${r.path}`)).to.deep.equal([]);
      expect(session.authenticated).to.equal(false);
      expect(reasons).to.deep.equal(['session-lost']);
      expect(localStorage.getItem(key)).to.equal(null);
      expect(await tryRefresh(tokens.refresh!), 'the refresh token is refused').to.not.equal(null);
    });
  }

  for (const to of ['parse', 'oidc'] as const) {
    it(`Better Auth → ${to === 'parse' ? 'Parse' : 'OpenID Connect'}: session-lost, and the session ended at Better Auth`, async () => {
      const account = newAccount('switch');
      await createUser(account);
      const session = await betterAuthSession(betterAuth.serverUrl, `backend-switch/ba-${to}/${Date.now()}`);
      made.push(session);
      await session.logIn(account.email, account.password);
      expect(await sessionsOf(account.email)).to.have.length(1);
      const reasons = loggedOutReasons(session);
      await (to === 'parse' ? pointAtParse(session) : pointAtOidc(session));
      await sleep(1500);
      expect(session.authenticated).to.equal(false);
      expect(reasons).to.deep.equal(['session-lost']);
      expect(await sessionsOf(account.email), 'sessions left at Better Auth').to.have.length(0);
    });
  }

  it('Parse → OpenID Connect on the same storage-key: session-lost, and the token revoked at Parse Server', async () => {
    const { appId, proxyServerURL } = await parseConfig();
    const user = await signUpRest();
    const key = `backend-switch/parse-oidc/${Date.now()}`;
    storeSession(appId, user);
    localStorage.setItem(key, localStorage.getItem(`Parse/${appId}/currentUser`)!);
    localStorage.removeItem(`Parse/${appId}/currentUser`);
    const session = document.createElement('user-session') as UserSessionElement;
    session.setAttribute('server-url', proxyServerURL);
    session.setAttribute('app-id', appId);
    session.setAttribute('storage-key', key);
    document.body.append(session);
    made.push(session);
    await session.ready;
    expect(session.authenticated).to.equal(true);
    const reasons = loggedOutReasons(session);
    await pointAtOidc(session);
    await sleep(1500);
    expect(session.authenticated).to.equal(false);
    expect(reasons).to.deep.equal(['session-lost']);
    expect((await whoAmI(user.sessionToken)).status, 'the Parse token still works').to.not.equal(200);
  });
});
