// SPEC §7 against the real Parse Server (and the real Parse SDK): the rules where a server is
// involved, with faults produced for real (fault proxy, real quota). Server-side rules of the
// request layer (redirects, server-url, reply size, local errors) are in parse-hardening.test.ts.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../helpers/safe-errors.js';
import '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { recordEvents } from '../helpers/fixtures.js';
import { fillStorage, type Filler } from '../helpers/fill-storage.js';
import { loadParseSDK } from '../helpers/parse-sdk.js';
import {
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  storageKeyFor,
  storeSession,
  stored,
  uniqueName,
  useParseServer,
  whoAmI,
  type ParseConfig,
} from './parse-server.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SPEC §7 with the real Parse Server', function () {
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  async function page(serverURL = cfg.proxyServerURL) {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${serverURL}><log-out-action></log-out-action></user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    await action.updateComplete;
    return { session, action };
  }

  const token = () => String(stored(cfg.appId)?.sessionToken);
  const outboxKey = () => `${storageKeyFor(cfg.appId)}:pending-revocations`;

  it('§7.1 a user the Parse SDK signs in after the element connected is signed out and revoked by <log-out-action>', async () => {
    const Parse = await loadParseSDK(cfg.appId, cfg.serverURL);
    Parse.User._clearCache();
    const { session, action } = await page();
    expect(session.authenticated).to.equal(false);
    const account = await signUpRest(uniqueName('sdk-late'));
    const sdkToken = (await Parse.User.logIn(account.username, password)).getSessionToken();
    const success = oneEvent(action, 'success');
    expect(await action.do()).to.equal(true);
    expect((await success).detail).to.deep.equal({ scope: 'current', revoked: true });
    expect(stored(cfg.appId)).to.equal(null);
    expect((await whoAmI(sdkToken)).body.code).to.equal(209);
    Parse.User._clearCache();
    expect(Parse.User.current(), 'the SDK after a reload').to.equal(null);
  });

  it('§7.1 refresh() does not write back a session page code removed while /users/me was answering', async () => {
    const { session } = await page();
    await session.signUp(uniqueName('cas'), password);
    await proxy.setFault({ delayMs: 300, path: '/parse/users/me' });
    const refreshed = session.refresh();
    await pause(50);
    localStorage.removeItem(storageKeyFor(cfg.appId));
    expect(await refreshed).to.equal(null);
    expect(stored(cfg.appId)).to.equal(null);
    expect(session.hasAttribute('authenticated')).to.equal(false);
  });

  describe('§7.2 storage full for real', () => {
    let filler: Filler | null = null;
    afterEach(() => filler?.release());

    it('a grown user that no longer fits: log-out still clears localStorage and revokes; writes go there again later', async () => {
      const { session } = await page();
      const user = await session.signUp(uniqueName('quota'), password);
      const first = token();
      filler = fillStorage();
      // The user record grows on the server; the next refresh() cannot store it.
      const grown = await rest('PUT', `/users/${user.id}`, { token: first, body: { bio: 'b'.repeat(8192) } });
      expect(grown.status).to.equal(200);
      await session.refresh();
      expect(String(session.user?.bio)).to.have.length(8192);
      expect(localStorage.getItem(storageKeyFor(cfg.appId)), 'no older copy left behind').to.equal(null);
      const result = await session.logOut();
      expect(result).to.deep.include({ ok: true, revoked: true, signedOutLocally: true });
      expect(localStorage.getItem(storageKeyFor(cfg.appId))).to.equal(null);
      expect((await whoAmI(first)).body.code).to.equal(209);
      filler.release();
      filler = null;
      await rest('PUT', `/users/${user.id}`, { token: await logInRest(String(user.username)), body: { bio: '' } });
      await session.logIn(String(user.username), password);
      expect(stored(cfg.appId)?.objectId, 'the next sign-in is in localStorage again').to.equal(user.id);
    });
  });

  it('§7.8 action.do(); session.remove() in one task: storage cleared and the token revoked', async () => {
    const { session, action } = await page();
    await session.signUp(uniqueName('removed'), password);
    const revoked = token();
    const run = action.do();
    session.remove();
    expect(await run).to.equal(true);
    expect(stored(cfg.appId)).to.equal(null);
    expect((await whoAmI(revoked)).body.code).to.equal(209);
  });

  it('§7.9 a server error that quotes the token (raw and URL-encoded) reaches the page redacted', async () => {
    const { session, action } = await page();
    await session.signUp(uniqueName('quote'), password);
    const secret = token();
    const said = `session ${secret} (${encodeURIComponent(secret)}) is broken`;
    await proxy.setFault({ status: 500, path: '/parse/logout', body: JSON.stringify({ code: 1, error: said }) });
    const failure = oneEvent(action, 'failure');
    await action.do();
    const { error } = (await failure).detail;
    expect(error.code).to.equal('server');
    const texts = [error.message, String(error.stack), action.error, JSON.stringify((await failure).detail)];
    for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause)
      texts.push(cause.message, String(cause.stack));
    for (const text of texts) {
      expect(text).not.to.contain(secret);
      expect(text).not.to.contain(encodeURIComponent(secret));
    }
  });

  it('§7.10 a queued scope "all" replayed later ends the sessions of the click, not one created after it', async () => {
    const { session, action } = await page();
    action.setAttribute('scope', 'all');
    const username = uniqueName('all-later');
    await session.signUp(username, password);
    const mine = token();
    const before = await logInRest(username);
    await proxy.setFault({ drop: true, path: '/parse/sessions' });
    const failure = oneEvent(action, 'failure');
    await action.do();
    expect((await failure).detail).to.deep.include({ signedOutLocally: true, revocationPending: true });
    await pause(50);
    const later = await logInRest(username); // another device signs in after the click
    await proxy.setFault(null);
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => localStorage.getItem(outboxKey()) === null, 'outbox replayed', { timeout: 8000 });
    expect((await whoAmI(mine)).body.code).to.equal(209);
    expect((await whoAmI(before)).body.code).to.equal(209);
    expect((await whoAmI(later)).status, 'the later session survives').to.equal(200);
  });

  it('§7.11 a user with authData (anonymous sign-up): neither authData nor the token reach user or events', async () => {
    const reply = await rest('POST', '/users', { body: { authData: { anonymous: { id: crypto.randomUUID() } } } });
    expect(reply.status).to.equal(201);
    const anon = String(reply.body.sessionToken);
    const me = (await whoAmI(anon)).body;
    storeSession(cfg.appId, { username: String(me.username), objectId: String(me.objectId), sessionToken: anon });
    localStorage.setItem(storageKeyFor(cfg.appId), JSON.stringify({ ...me, sessionToken: anon }));
    const { session } = await page();
    const changes = recordEvents(session, ['user-change']);
    await session.refresh();
    expect(session.user).not.to.have.property('authData');
    expect(session.user).not.to.have.property('sessionToken');
    expect(JSON.stringify(changes.map((e) => e.detail))).not.to.contain(anon);
  });

  it('§7.11 …yet the Parse SDK keeps its authData and ACL in storage when the kit writes the user back', async () => {
    const reply = await rest('POST', '/users', { body: { authData: { anonymous: { id: crypto.randomUUID() } } } });
    const anon = String(reply.body.sessionToken);
    const me = (await whoAmI(anon)).body;
    const authData = me.authData ?? reply.body.authData;
    const sdkJSON = { ...me, sessionToken: anon, authData, ACL: { [String(me.objectId)]: { read: true, write: true } } };
    localStorage.setItem(storageKeyFor(cfg.appId), JSON.stringify(sdkJSON));
    const { session } = await page();
    await session.refresh(); // writes the user back to storage
    expect(session.user).not.to.have.property('authData');
    const after = stored(cfg.appId)!;
    expect(after.authData, 'authData still stored for the SDK').to.have.nested.property('anonymous.id');
    expect(after.ACL, 'ACL still stored for the SDK').to.deep.equal(sdkJSON.ACL);
    expect(after.sessionToken).to.equal(anon);
  });

  it('§7.12 signing in over an active session revokes it; unreachable, it waits in the outbox and is revoked when back online', async () => {
    const { session } = await page();
    const first = uniqueName('over-1');
    const second = uniqueName('over-2');
    await signUpRest(second);
    await session.signUp(first, password);
    const firstToken = token();
    await proxy.setFault({ status: 503, path: '/parse/logout' });
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    await session.logIn(second, password);
    expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-out:log-out', 'logged-in:log-in']);
    await waitUntil(() => localStorage.getItem(outboxKey()) !== null, 'old session queued');
    expect((await whoAmI(firstToken)).status, 'not revoked yet').to.equal(200);
    await proxy.setFault(null);
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => localStorage.getItem(outboxKey()) === null, 'outbox replayed', { timeout: 8000 });
    expect((await whoAmI(firstToken)).body.code).to.equal(209);
    expect(session.username).to.equal(second);
  });
});
