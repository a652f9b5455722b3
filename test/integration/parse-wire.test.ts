// What ParseBackend sends over the wire to a real Parse Server, seen by the fault proxy:
// - page and Parse on different origins (the usual deployment): the Parse SDK's "simple request"
//   form, so no call waits for a CORS preflight;
// - Parse on the page's own origin (`server-url="/same-origin/parse"`, forwarded by the test
//   server as a site's reverse proxy would): Parse's REST form with X-Parse-* headers.
// Both must sign up, validate, log out and really revoke, and carry the SDK's installation id,
// and the client key where the app requires one (a second app on the same server's database).
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { afterConnect, clearStorage, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { AuthError } from '../../src/errors.js';
import {
  keyedConfig,
  logInRest,
  password,
  proxy,
  rest,
  stored,
  uniqueName,
  until,
  whoAmI,
  type ParseConfig,
  type ProxiedRequest,
  useParseServer,
} from './parse-server.js';

describe('Parse Server: what goes over the wire', function () {
  let cfg: ParseConfig;

  useParseServer((config) => (cfg = config));

  /** Signs up through the element, reconnects it (a validation), logs out; returns what the proxy saw. */
  async function roundTrip(serverURL: string) {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${serverURL}><log-out-action></log-out-action></user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    const username = uniqueName('wire');
    await session.signUp(username, password, { email: `${username}@example.com` });
    const token = String(stored(cfg.appId)?.sessionToken);
    const installationId = localStorage.getItem(`Parse/${cfg.appId}/installationId`);
    const serverSession = await rest('GET', '/sessions/me', { token });

    // Reconnect with the email gone from storage: only a working GET /users/me brings it back.
    const key = `Parse/${cfg.appId}/currentUser`;
    const { email, ...withoutEmail } = JSON.parse(localStorage.getItem(key)!) as Record<string, unknown>;
    expect(email).to.equal(`${username}@example.com`);
    localStorage.setItem(key, JSON.stringify(withoutEmail));
    const parent = session.parentNode!;
    session.remove();
    parent.append(session);
    expect(session.email, 'read back from storage').to.equal(null);
    await afterConnect();
    await until(() => !session.pending, 'validation on reconnect');
    expect(session.email, 'validated: fields from /users/me').to.equal(`${username}@example.com`);

    const results = recordEvents(action, ['success', 'failure']);
    await action.do();
    expect(results.map((e) => [e.type, e.detail])).to.deep.equal([['success', { scope: 'current', revoked: true }]]);
    expect((await whoAmI(token)).body.code, 'the server refuses the token').to.equal(209);

    const { requests, preflights } = await proxy.log();
    return { requests, preflights, installationId, serverSession };
  }

  const route = (r: ProxiedRequest) => `${r.method} ${r.path}`;

  it('on another origin: SDK-style simple requests, so no CORS preflight, with the installation id', async () => {
    const { requests, preflights, installationId, serverSession } = await roundTrip(cfg.proxyServerURL);
    // GET /users/me and POST /logout both travel as POST: the real method is in the body.
    expect(requests.map(route)).to.deep.equal(['POST /parse/users', 'POST /parse/users/me', 'POST /parse/logout']);
    for (const request of requests) {
      expect(request.contentType, route(request)).to.match(/^text\/plain/);
      expect(request.parseHeaders, route(request)).to.deep.equal([]);
    }
    expect(preflights, 'no CORS preflight').to.deep.equal([]);
    expect(installationId).to.match(/^[0-9a-f-]{36}$/);
    expect(serverSession.body.installationId, 'the session Parse made knows the installation').to.equal(installationId);
  });

  it('on the page origin (server-url="/same-origin/parse"): Parse REST with X-Parse-* headers, real methods', async () => {
    const { requests, installationId, serverSession } = await roundTrip('/same-origin/parse');
    expect(requests.map(route)).to.deep.equal(['POST /parse/users', 'GET /parse/users/me', 'POST /parse/logout']);
    const [signUp, me, logOut] = requests;
    expect(signUp!.contentType).to.match(/^application\/json/);
    expect(signUp!.parseHeaders).to.deep.equal(['x-parse-application-id', 'x-parse-installation-id']);
    for (const request of [me!, logOut!]) {
      expect(request.parseHeaders, route(request)).to.deep.equal([
        'x-parse-application-id',
        'x-parse-installation-id',
        'x-parse-session-token',
      ]);
    }
    expect(serverSession.body.installationId).to.equal(installationId);
  });

  it('storage="memory" leaves nothing in Web Storage: the installation id stays in the page too', async () => {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL} storage="memory"></user-session>
    `);
    const username = uniqueName('wire-mem');
    await session.signUp(username, password);
    expect(session.authenticated).to.equal(true);
    expect([localStorage.length, sessionStorage.length], 'Web Storage untouched').to.deep.equal([0, 0]);
    const { requests } = await proxy.log();
    expect(requests.map(route)).to.deep.equal(['POST /parse/users']);
    // The kit never shows its token: list the user's sessions with a second one made over REST.
    const { results } = (await rest('GET', '/sessions', { token: await logInRest(username) })).body as {
      results: { createdWith?: { action?: string }; installationId?: string }[];
    };
    const signUpSession = results.find((s) => s.createdWith?.action === 'signup');
    expect(signUpSession?.installationId, 'the sign-up carried an installation id').to.match(/^[0-9a-f-]{36}$/);
  });
});

describe('Parse Server: an app that requires a JavaScript key (client-key)', function () {
  let keyed: Awaited<ReturnType<typeof keyedConfig>>;

  before(async function () {
    this.timeout(120_000);
    keyed = await keyedConfig();
  });
  beforeEach(clearStorage);

  for (const [where, serverURL] of [
    ['on another origin (key in the body)', () => keyed.serverURL],
    ['on the page origin (key in a header)', () => '/same-origin/keyed/parse'],
  ] as const) {
    it(`${where}: signs up, validates and logs out with the key; without it, a misconfigured error says so`, async () => {
      const session = await fixture<UserSessionElement>(html`
        <user-session app-id=${keyed.appId} server-url=${serverURL()} client-key=${keyed.clientKey}>
          <log-out-action></log-out-action>
        </user-session>
      `);
      const username = uniqueName('keyed');
      await session.signUp(username, password, { email: `${username}@example.com` });
      expect(session.authenticated).to.equal(true);
      expect((await session.refresh())?.email, 'GET /users/me with the key').to.equal(`${username}@example.com`);
      const results = recordEvents(session.querySelector('log-out-action')!, ['success', 'failure']);
      await session.querySelector<LogOutActionElement>('log-out-action')!.do();
      expect(results.map((e) => [e.type, e.detail])).to.deep.equal([['success', { scope: 'current', revoked: true }]]);

      session.removeAttribute('client-key');
      const refused = await session.logIn(username, password).catch((e: AuthError) => e);
      expect(refused).to.be.instanceOf(AuthError);
      expect([refused.code, refused.status]).to.deep.equal(['misconfigured', 403]);
      expect(refused.message).to.contain('client-key');
      expect(session.authenticated).to.equal(false);
    });
  }
});
