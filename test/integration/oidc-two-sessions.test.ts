// Two OpenID Connect <user-session>s on one page, against two real providers (oidc-provider,
// started by the test runner: the second on first use, another issuer on another port, the same
// client id) and two clients of one provider (issue 22). Each element handles only the answer to
// a sign-in it started (its own state, checked against its issuer), and leaves the address bar
// to the element that started it; an answer to no sign-in of this tab is still reported (once)
// and taken out of the address bar. Also: a token set stored for another issuer under the same
// client id and `storage-key` is never read.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import '../../src/define/oidc-backend.js';
import type { UserSessionElement } from '../../src/index.js';
import {
  loginPageIn,
  oidcConfig,
  oidcFault,
  oidcReset,
  openApp,
  resetProviderState,
  signIn,
  storedTokens,
  submitLogin,
  waitFor,
  type OidcAccount,
  type OidcConfig,
  type SeenRequest,
} from './oidc-server.js';

interface Config extends OidcConfig {
  extraClientIds: string[];
}
interface Seen {
  type: string;
  reason: string | null;
  error: { code: string; message: string } | null;
}
interface TwoWindow extends Window {
  ready?: boolean;
  oldPage?: boolean;
  sessions: UserSessionElement[];
  logIns: HTMLElement[];
  seen: Seen[][];
  fetchLog: { url: string; method: string; body: string | null }[];
  initialHref: string;
}
interface Setting {
  issuer: string;
  clientId: string;
}

const PAGE = '/test/pages/oidc-two-app.html';
let first: Config;
let second: Config;
let count = 0;
const frames: HTMLIFrameElement[] = [];

const requestsAt = async (which: 'oidc' | 'oidc-second') =>
  (await executeServerCommand<{ requests: SeenRequest[] }, undefined>(`${which}-proxy-requests`)).requests.filter(
    (r) => r.method !== 'OPTIONS',
  );
const tokenCallsAt = async (which: 'oidc' | 'oidc-second') =>
  (await requestsAt(which)).filter((r) => r.method === 'POST' && r.path === '/token').length;
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const events = (seen: Seen[]) => seen.map((e) => `${e.type}:${e.error?.code ?? e.reason ?? ''}`);
const pendingSignIns = () => Object.keys(sessionStorage).filter((key) => key.includes('oidc-log-in'));

function twoIn(frame: HTMLIFrameElement): TwoWindow | null {
  try {
    const win = frame.contentWindow as TwoWindow | null;
    return win && win.location.pathname === PAGE && win.ready && !win.oldPage ? win : null;
  } catch {
    return null; // on a provider's origin, or between pages
  }
}

function markOld(frame: HTMLIFrameElement): void {
  try {
    (frame.contentWindow as TwoWindow).oldPage = true;
  } catch {
    // on a provider's origin
  }
}

const next = (frame: HTMLIFrameElement, until: (app: TwoWindow) => boolean = () => true, what = 'the page') =>
  waitFor(() => {
    const app = twoIn(frame);
    return app && until(app) ? app : null;
  }, what);

/** The page with a <user-session> per setting, in this order, in a new frame. */
async function openTwo(settings: Setting[]): Promise<HTMLIFrameElement> {
  const sessions = settings.map((s) => ({ ...s, storageKey: `oidc-two/${Date.now()}/${count++}` }));
  localStorage.setItem('oidc-two-config', JSON.stringify({ sessions }));
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 600px; height: 300px';
  frame.src = PAGE;
  document.body.append(frame);
  frames.push(frame);
  await next(frame);
  return frame;
}

function load(frame: HTMLIFrameElement, url: string): Promise<TwoWindow> {
  markOld(frame);
  frame.src = url;
  return next(frame);
}

/** A click on session `index`'s <log-in-action>, its provider's login page, and back: the page once the answer is handled. */
async function signInAt(frame: HTMLIFrameElement, index: number, account: OidcAccount = first.accounts[0]): Promise<TwoWindow> {
  const app = twoIn(frame)!;
  loginPageIn(frame).then(
    () => submitLogin(frame, account),
    () => {},
  );
  markOld(frame);
  app.logIns[index].click();
  return next(
    frame,
    (app) => app.sessions[index].authenticated || app.seen.flat().some((e) => e.type === 'failure'),
    'the answer handled',
  );
}

/** What the page shows after `index` signed in: who is signed in, events per session, the address. */
function outcome(app: TwoWindow) {
  return {
    authenticated: app.sessions.map((s) => s.authenticated),
    users: app.sessions.map((s) => s.user?.id ?? null),
    events: app.seen.map(events),
    search: app.location.search,
  };
}

const signedIn = (index: number, sub: string) => ({
  authenticated: [0, 1].map((i) => i === index),
  users: [0, 1].map((i) => (i === index ? sub : null)),
  events: [0, 1].map((i) => (i === index ? ['logged-in:log-in'] : [])),
  search: '',
});

async function resetBoth() {
  await oidcFault(null);
  await resetProviderState();
  await oidcReset();
  await executeServerCommand('oidc-second-reset-state');
  await executeServerCommand('oidc-second-proxy-reset');
}

describe('two OpenID Connect <user-session>s on one page', function () {
  this.timeout(30000);

  before(async () => {
    first = (await oidcConfig()) as Config;
    second = await executeServerCommand<Config, undefined>('oidc-second-config');
  });
  beforeEach(resetBoth);
  afterEach(() => {
    for (const frame of frames.splice(0)) frame.remove();
    for (const key of pendingSignIns()) sessionStorage.removeItem(key);
  });

  it('two providers with one client id: the second signs in; the first fires nothing and leaves it the answer; one code exchange, at the second', async () => {
    expect(second.issuer).not.to.equal(first.issuer);
    expect(second.clientId).to.equal(first.clientId);
    const frame = await openTwo([first, second]);
    const app = await signInAt(frame, 1);
    await delay(300);
    expect(app.initialHref).to.match(/[?&]code=/);
    expect(outcome(app)).to.deep.equal(signedIn(1, first.accounts[0].sub));
    expect({ first: await tokenCallsAt('oidc'), second: await tokenCallsAt('oidc-second') }).to.deep.equal({
      first: 0,
      second: 1,
    });
  });

  it('two providers, the mirror case: the first signs in; the second fires nothing; one code exchange, at the first', async () => {
    const frame = await openTwo([first, second]);
    const app = await signInAt(frame, 0);
    await delay(300);
    expect(outcome(app)).to.deep.equal(signedIn(0, first.accounts[0].sub));
    expect({ first: await tokenCallsAt('oidc'), second: await tokenCallsAt('oidc-second') }).to.deep.equal({
      first: 1,
      second: 0,
    });
  });

  it('two clients of one provider: the second client signs in, the first fires nothing; one code exchange, for the second client', async () => {
    const other = { issuer: first.issuer, clientId: first.extraClientIds[0] };
    const frame = await openTwo([first, other]);
    const app = await signInAt(frame, 1);
    await delay(300);
    expect(outcome(app)).to.deep.equal(signedIn(1, first.accounts[0].sub));
    const exchanges = app.fetchLog.filter((f) => f.method === 'POST' && f.url === `${first.issuer}/token`);
    expect(exchanges.map((f) => new URLSearchParams(f.body ?? '').get('client_id'))).to.deep.equal([other.clientId]);
    // And the other way round.
    const back = await signInAt(frame, 0);
    await delay(300);
    expect(back.sessions.map((s) => s.authenticated)).to.deep.equal([true, true]);
    expect(back.seen.map(events)).to.deep.equal([['logged-in:log-in'], ['logged-in:restored']]);
  });

  it("the first has a sign-in of its own under way: the second's answer leaves it alone", async () => {
    const frame = await openTwo([first, second]);
    const started = twoIn(frame)!;
    const loginPage = loginPageIn(frame);
    markOld(frame);
    started.logIns[0].click();
    await loginPage; // at the first provider; the person comes back without signing in there
    const firstsSignIn = () => sessionStorage.getItem(pendingSignIns().find((k) => k.endsWith(`@${first.issuer}`)) ?? '');
    const underWay = firstsSignIn();
    expect(underWay).to.include('"state"');
    await load(frame, PAGE);
    const app = await signInAt(frame, 1);
    await delay(300);
    expect(outcome(app)).to.deep.equal(signedIn(1, first.accounts[0].sub));
    expect(await tokenCallsAt('oidc')).to.equal(0);
    expect(firstsSignIn(), "the first's sign-in under way is kept").to.equal(underWay);
    // And signing in at the first provider works.
    const both = await signInAt(frame, 0);
    await delay(300);
    expect(both.sessions.map((s) => s.authenticated)).to.deep.equal([true, true]);
    expect(both.seen.map(events)).to.deep.equal([['logged-in:log-in'], ['logged-in:restored']]);
  });

  it('an answer to no sign-in of this tab (forged): one failure, from the first, the address cleaned, no code exchange anywhere', async () => {
    const frame = await openTwo([first, second]);
    const app = await load(frame, `${PAGE}?code=forged-code&state=forged-state`);
    await waitFor(() => app.seen.flat().some((e) => e.type === 'failure'), 'failure');
    await delay(300);
    expect({ events: app.seen.map(events), search: app.location.search }).to.deep.equal({
      events: [['failure:bad-request'], []],
      search: '',
    });
    expect([await tokenCallsAt('oidc'), await tokenCallsAt('oidc-second')]).to.deep.equal([0, 0]);
  });

  it("an answer with the second's state but the first's iss (mix-up): the second refuses it, the first fires nothing, no code exchange", async () => {
    const frame = await openTwo([first, second]);
    const started = twoIn(frame)!;
    const loginPage = loginPageIn(frame);
    markOld(frame);
    started.logIns[1].click();
    await loginPage;
    const key = pendingSignIns().find((k) => k.endsWith(`@${second.issuer}`))!;
    const { state } = JSON.parse(sessionStorage.getItem(key)!) as { state: string };
    const query = new URLSearchParams({ code: 'mixed-up-code', state, iss: first.issuer });
    const app = await load(frame, `${PAGE}?${query}`);
    await waitFor(() => app.seen.flat().some((e) => e.type === 'failure'), 'failure');
    await delay(300);
    expect({ events: app.seen.map(events), search: app.location.search }).to.deep.equal({
      events: [[], ['failure:server']],
      search: '',
    });
    expect(app.seen[1][0].error!.message).to.include('iss');
    expect([await tokenCallsAt('oidc'), await tokenCallsAt('oidc-second')]).to.deep.equal([0, 0]);
  });

  it('a token set stored for another issuer, with the same client id and the same storage-key, is never read', async () => {
    const storageKey = `oidc-two/${Date.now()}/${count++}`;
    const frame = await openApp({ storageKey });
    frames.push(frame);
    await signIn(frame);
    const tokens = storedTokens(storageKey)!;
    await executeServerCommand('oidc-second-proxy-reset');
    const other = document.createElement('user-session') as UserSessionElement;
    other.setAttribute('backend', 'oidc');
    other.setAttribute('issuer', second.issuer);
    other.setAttribute('client-id', first.clientId);
    other.setAttribute('storage-key', storageKey);
    const seen: string[] = [];
    for (const type of ['logged-in', 'logged-out', 'failure'])
      other.addEventListener(type, (e) => seen.push(`${type}:${(e as CustomEvent).detail?.reason ?? ''}`));
    try {
      document.body.append(other);
      const atConnect = { authenticated: other.authenticated, user: other.user?.id ?? null };
      await delay(1000);
      expect({
        atConnect,
        authenticated: other.authenticated,
        accessToken: await other.accessToken(),
        seen,
        askedTheOtherProvider: (await requestsAt('oidc-second')).map((r) => `${r.method} ${r.path}`),
        firstStillStored: storedTokens(storageKey)?.access === tokens.access,
      }).to.deep.equal({
        atConnect: { authenticated: false, user: null },
        authenticated: false,
        accessToken: null,
        seen: [],
        askedTheOtherProvider: [],
        firstStillStored: true,
      });
    } finally {
      other.remove();
      localStorage.removeItem(storageKey);
    }
  });
});
