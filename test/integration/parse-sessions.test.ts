// Sessions on other devices against the real Parse Server (scripts/wtr-parse-plugin.mjs):
// <session-list>, listSessions/revokeSession and <log-out-action scope="others">, with the
// other "devices" made through the REST API and every token checked with the server afterwards.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../helpers/safe-errors.js';
import '../../src/index.js';
import { recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { SessionListElement } from '../../src/elements/session-list.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { ParseBackend } from '../../src/backends/parse.js';
import { Capability } from '../../src/backends/backend.js';
import {
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  stored,
  uniqueName,
  whoAmI,
  type ParseConfig,
  useParseServer,
} from './parse-server.js';

describe('Parse Server: sessions on other devices', function () {
  let cfg: ParseConfig;

  useParseServer((config) => (cfg = config));

  const items = (list: SessionListElement) => [...list.shadowRoot!.querySelectorAll('li')];
  const revokeButtons = (list: SessionListElement) =>
    [...list.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part=revoke]')].filter((b) => !b.hidden);

  /** A page signed in as a new user through the proxy, with a `<session-list>` and `<log-out-action scope="others">`. */
  async function signedInPage({ via = 'proxy' }: { via?: 'proxy' | 'direct' } = {}) {
    const serverURL = via === 'proxy' ? cfg.proxyServerURL : cfg.serverURL;
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${serverURL}>
        <session-list></session-list>
        <log-out-action scope="others"></log-out-action>
      </user-session>
    `);
    const username = uniqueName('devices');
    await session.signUp(username, password);
    const token = String(stored(cfg.appId)?.sessionToken);
    const list = session.querySelector('session-list')!;
    const others = session.querySelector<LogOutActionElement>('log-out-action')!;
    await waitUntil(() => items(list).length === 1, 'this session listed');
    return { session, list, others, username, token };
  }

  it('ParseBackend declares list-sessions and revoke-session', () => {
    const backend = new ParseBackend({ serverURL: cfg.serverURL, appId: cfg.appId });
    expect(backend.capabilities).to.include.members([Capability.listSessions, Capability.revokeSession]);
  });

  it('GET /sessions: what Parse keeps per session (no user agent, no last use), and what leaves the backend', async () => {
    const user = await signUpRest(uniqueName('fields'));
    const reply = await rest('GET', '/sessions', { token: user.sessionToken });
    const [entry] = reply.body.results as Record<string, unknown>[];
    // Parse 9: createdWith says how, not where: { action: 'signup', authProvider: 'password' }.
    expect(entry!.createdWith).to.deep.equal({ action: 'signup', authProvider: 'password' });
    expect(entry).to.have.property('sessionToken', user.sessionToken);
    const backend = new ParseBackend({ serverURL: cfg.serverURL, appId: cfg.appId });
    const infos = await backend.listSessions(
      { token: user.sessionToken, user: { id: user.objectId } },
      { signal: new AbortController().signal },
    );
    expect(infos).to.have.length(1);
    expect(Object.keys(infos[0]!).sort()).to.deep.equal(['createdAt', 'current', 'expiresAt', 'id']);
    expect(infos[0]).to.include({ id: entry!.objectId, current: true });
    expect(infos[0]!.expiresAt).to.be.greaterThan(Date.now());
    expect(JSON.stringify(infos)).to.not.contain(user.sessionToken);
  });

  it('a session opened on another device (REST) appears in the list after refresh, not as this device', async () => {
    const { list, username, token } = await signedInPage();
    await logInRest(username);
    await proxy.reset();
    await list.refresh();
    expect(items(list)).to.have.length(2);
    expect(list.sessions.map((s) => s.current)).to.deep.equal([true, false]);
    expect(items(list)[1]!.querySelector('[part~=device]')!.textContent).to.equal('Unknown device');
    // Through the proxy the kit speaks the cross-origin form: POST with `_method: GET` in the body.
    expect(await proxy.count('POST', '/parse/sessions')).to.equal(1);
    expect(list.shadowRoot!.innerHTML + JSON.stringify(list.sessions)).to.not.contain(token);
  });

  for (const via of ['proxy', 'direct'] as const) {
    it(`revoking it from the list (${via === 'proxy' ? 'cross-origin form' : 'same origin form'}) makes its token invalid (209); this one stays valid`, async () => {
      const { session, list, username, token } = await signedInPage({ via });
      const other = await logInRest(username);
      await list.refresh();
      const events = recordEvents(list, ['revoked', 'failure']);
      const changes = recordEvents(session, ['sessions-change']);
      revokeButtons(list)[0]!.click();
      await waitUntil(() => events.length > 0, 'the outcome');
      expect(events.map((e) => e.type)).to.deep.equal(['revoked']);
      expect(changes).to.have.length(1);
      expect((await whoAmI(other)).body.code).to.equal(209);
      expect((await whoAmI(token)).status).to.equal(200);
      await waitUntil(() => items(list).length === 1, 'one left');
      expect(session.authenticated).to.equal(true);
      expect(JSON.stringify(events[0]!.detail)).to.not.contain(other);
    });
  }

  it('<log-out-action scope="others"> ends the others and keeps this one; the list follows', async () => {
    const { session, list, others, username, token } = await signedInPage();
    const elsewhere = [await logInRest(username), await logInRest(username)];
    await list.refresh();
    expect(items(list)).to.have.length(3);
    const results = recordEvents(others, ['success', 'failure']);
    await others.do();
    expect(results.map((e) => [e.type, e.detail])).to.deep.equal([['success', { scope: 'others', revoked: true }]]);
    for (const t of elsewhere) expect((await whoAmI(t)).body.code).to.equal(209);
    expect((await whoAmI(token)).status).to.equal(200);
    expect(session.authenticated).to.equal(true);
    await waitUntil(() => items(list).length === 1, 'the list reloads on sessions-change');
  });

  it("another user's session id is untouched (Parse's ACL refuses: 101), and revokeSession resolves", async () => {
    const { session, username } = await signedInPage();
    const stranger = await signUpRest(uniqueName('stranger'));
    const strangerSessions = (await rest('GET', '/sessions', { token: stranger.sessionToken })).body.results as {
      objectId: string;
    }[];
    const strangerId = strangerSessions[0]!.objectId;
    // The raw server's answer to this user's token: not found.
    const own = await logInRest(username);
    const raw = await rest('DELETE', `/sessions/${strangerId}`, { token: own });
    expect([raw.status, raw.body.code]).to.deep.equal([404, 101]);
    await session.revokeSession(strangerId);
    expect((await whoAmI(stranger.sessionToken)).status).to.equal(200);
    expect(session.authenticated).to.equal(true);
    expect((await session.listSessions()).map((s) => s.id)).to.not.include(strangerId);
  });

  it("revoking this browser's own id from code logs out here (POST /logout)", async () => {
    const { session, token } = await signedInPage();
    const [own] = await session.listSessions();
    await proxy.reset();
    const events = recordEvents(session, ['logged-out']);
    await session.revokeSession(own!.id);
    expect(events.map((e) => e.detail.reason)).to.deep.equal(['log-out']);
    expect((await whoAmI(token)).body.code).to.equal(209);
    expect(await proxy.count('POST', '/parse/logout')).to.equal(1);
    expect(await proxy.count('POST', `/parse/sessions/${own!.id}`)).to.equal(0);
  });

  it("this browser's session revoked elsewhere (REST): the list's next refresh ends it as session-lost", async () => {
    const { session, list, username } = await signedInPage();
    const [own] = list.sessions;
    const elsewhere = await logInRest(username);
    const deleted = await rest('DELETE', `/sessions/${own!.id}`, { token: elsewhere });
    expect(deleted.status).to.equal(200);
    const events = recordEvents(session, ['logged-out']);
    const failures = recordEvents(list, ['failure']);
    await list.refresh();
    await waitUntil(() => events.length === 1, 'logged-out');
    expect(events[0]!.detail.reason).to.equal('session-lost');
    // `<user-session>` tells it (`logged-out` session-lost); the list just empties, no `failure` of its own.
    expect(failures).to.have.length(0);
    expect(session.authenticated).to.equal(false);
    expect(stored(cfg.appId)).to.equal(null);
    await waitUntil(() => items(list).length === 0, 'nothing listed');
  });
});
