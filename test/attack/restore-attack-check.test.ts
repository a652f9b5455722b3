// Attack: the restored session's background check on connect, against the real Parse
// Server and its fault proxy. Contract (brief / SPEC §1 Lifecycle, README `ready`): restore +
// validation once per stored value, whichever <user-session> on the key connects first; offline or
// a server error keeps the user signed in and the next member to connect checks again; an invalid
// session (Parse 209) ends as `session-lost`, once per element; a late answer never touches a newer
// stored value (SPEC §3.4, §7.1).
// Status (2026-12-06): one FINDING (a member removed and re-inserted during its check got `ready`
// = the user before the server's 209), fixed in src/session/controller.ts; the rest held.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import '../../src/index.js';
import { recordEvents } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import {
  password,
  proxy,
  rest,
  signUpRest,
  storeSession,
  stored,
  uniqueName,
  until,
  useParseServer,
  whoAmI,
  logInRest,
  type ParseConfig,
  type RestUser,
} from '../integration/parse-server.js';
import { recordConsole, sleep } from './attack-helpers.js';

describe('attack: restore check on connect, several <user-session>s on one key (real Parse)', function () {
  this.timeout(15_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));
  let consoleLines: string[];
  before(() => {
    consoleLines = recordConsole();
  });
  beforeEach(() => {
    consoleLines.length = 0;
  });
  afterEach(() => {
    for (const f of [...document.querySelectorAll('iframe')]) f.remove();
  });

  const meChecks = () => proxy.count('POST', '/parse/users/me'); // the kit's check: POST text/plain, no preflight;
  /** Waits until the first member's check has reached the proxy (held there by the fault). */
  const checkSent = () => waitUntil(async () => (await meChecks()) === 1, 'the first check reached the server', { interval: 10 });
  const member = () =>
    fixture<UserSessionElement>(html`<user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}></user-session>`);
  /** A user with a live session stored as an earlier page load left it. */
  async function storedUser(): Promise<RestUser> {
    const user = await signUpRest(uniqueName('rc'));
    storeSession(cfg.appId, user);
    return user;
  }
  const revoke = async (token: string) => {
    const r = await rest('POST', '/logout', { token });
    expect(r.status).to.equal(200);
    expect((await whoAmI(token)).body.code).to.equal(209);
  };
  // `logged-in` restored is announced after the connecting task (after fixture() returns): left out.
  const reasons = (events: CustomEvent[]) =>
    events.map((e) => `${e.type}:${e.detail.reason}`).filter((r) => r !== 'logged-in:restored');
  const errorsInConsole = () => consoleLines.filter((l) => /error|uncaught/i.test(l) && !/Lit is in dev mode/.test(l));

  it('three members connect together on a valid stored session: one check, all signed in, every ready = the user', async () => {
    const user = await storedUser();
    await proxy.setFault({ delayMs: 400, path: '/parse/users/me' });
    const [a, b, c] = [await member(), await member(), await member()];
    const outcomes = await Promise.all([a.ready, b.ready, c.ready]);
    await sleep(200);
    expect(outcomes.map((u) => u?.id)).to.deep.equal([user.objectId, user.objectId, user.objectId]);
    expect([a, b, c].map((s) => s.authenticated)).to.deep.equal([true, true, true]);
    expect(await meChecks(), 'GET /users/me').to.equal(1);
    const d = await member();
    await d.ready;
    await sleep(200);
    expect(await meChecks(), 'a later member, same stored value: no new check').to.equal(1);
  });

  it('a revoked stored session: every member ends session-lost exactly once, storage cleared, one check', async () => {
    const user = await storedUser();
    await revoke(user.sessionToken);
    await proxy.setFault({ delayMs: 300, path: '/parse/users/me' });
    const a = await member();
    const seenA = recordEvents(a, ['logged-in', 'logged-out']);
    const b = await member();
    const seenB = recordEvents(b, ['logged-in', 'logged-out']);
    const c = await member();
    const seenC = recordEvents(c, ['logged-in', 'logged-out']);
    const outcomes = await Promise.all([a.ready, b.ready, c.ready]);
    await sleep(300);
    expect(outcomes).to.deep.equal([null, null, null]);
    expect(reasons(seenA).filter((r) => r.startsWith('logged-out'))).to.deep.equal(['logged-out:session-lost']);
    expect(reasons(seenB).filter((r) => r.startsWith('logged-out'))).to.deep.equal(['logged-out:session-lost']);
    expect(reasons(seenC).filter((r) => r.startsWith('logged-out'))).to.deep.equal(['logged-out:session-lost']);
    expect([a, b, c].map((s) => s.authenticated)).to.deep.equal([false, false, false]);
    expect(stored(cfg.appId)).to.equal(null);
    expect(await meChecks()).to.equal(1);
  });

  it('500 on the first check keeps the user signed in; the next member to connect checks again and finds 209', async () => {
    const user = await storedUser();
    await proxy.setFault({ status: 500, path: '/parse/users/me', times: 1 });
    const a = await member();
    const seenA = recordEvents(a, ['logged-out']);
    expect((await a.ready)?.id).to.equal(user.objectId);
    expect(a.authenticated).to.equal(true);
    expect(await meChecks()).to.equal(1);
    await revoke(user.sessionToken);
    const b = await member();
    const seenB = recordEvents(b, ['logged-out']);
    expect(await b.ready, 'the second member checks again: 209').to.equal(null);
    await sleep(200);
    expect(await meChecks()).to.equal(2);
    expect(reasons(seenA)).to.deep.equal(['logged-out:session-lost']);
    expect(reasons(seenB)).to.deep.equal(['logged-out:session-lost']);
    expect(stored(cfg.appId)).to.equal(null);
  });

  it('offline (dropped) first check: signed in; the same element disconnected and reconnected checks again', async () => {
    const user = await storedUser();
    await proxy.setFault({ drop: true, path: '/parse/users/me', times: 1 });
    const a = await member();
    expect((await a.ready)?.id).to.equal(user.objectId);
    expect(a.authenticated).to.equal(true);
    await revoke(user.sessionToken);
    const parent = a.parentElement!;
    a.remove();
    const seen = recordEvents(a, ['logged-out']);
    parent.append(a);
    await until(() => seen.length > 0, 'session-lost after the reconnect check', 5000);
    expect(reasons(seen)).to.deep.equal(['logged-out:session-lost']);
    // observed: 3 (a dropped request is tried again once, it seems); not a promise of the README
    expect(await meChecks()).to.be.at.least(2);
  });

  it('the first member leaves during its check (revoked session): the member still on the page ends session-lost, ready settles', async () => {
    const user = await storedUser();
    await revoke(user.sessionToken);
    await proxy.setFault({ delayMs: 800, path: '/parse/users/me' });
    const a = await member();
    await sleep(100); // a's check is in flight
    a.remove();
    const b = await member();
    const seenB = recordEvents(b, ['logged-out']);
    const outcome = await Promise.race([b.ready, sleep(5000).then(() => 'ready never settled')]);
    await sleep(300);
    expect(outcome).to.equal(null);
    expect(reasons(seenB)).to.deep.equal(['logged-out:session-lost']);
    expect(b.authenticated).to.equal(false);
    expect(stored(cfg.appId)).to.equal(null);
  });

  it('the only member leaves during its check of a revoked session: storage still ends cleared or the next member checks', async () => {
    const user = await storedUser();
    await revoke(user.sessionToken);
    await proxy.setFault({ delayMs: 600, path: '/parse/users/me', times: 1 });
    const a = await member();
    await checkSent();
    a.remove();
    await sleep(900); // a's check has come back while no member is connected
    const b = await member();
    const seenB = recordEvents(b, ['logged-out', 'logged-in']);
    const outcome = await Promise.race([b.ready, sleep(5000).then(() => 'ready never settled')]);
    await sleep(200);
    expect(outcome).to.equal(null);
    expect(b.authenticated).to.equal(false);
    expect(stored(cfg.appId)).to.equal(null);
    // either the old check ended it (b restores nothing) or b checked and lost it
    expect(reasons(seenB).filter((r) => r.startsWith('logged-in'))).to.deep.equal([]);
  });

  it('the only member leaves during its check, which fails (500): the next member checks again', async () => {
    const user = await storedUser();
    await proxy.setFault({ status: 500, delayMs: 500, path: '/parse/users/me', times: 1 });
    const a = await member();
    // Removed only once its check is at the server: else (a loaded machine, WebKit) the check never
    // left, the one fault was b's, and b rightly stayed signed in through a 500.
    await checkSent();
    a.remove();
    await sleep(700);
    await revoke(user.sessionToken);
    const b = await member();
    expect(await Promise.race([b.ready, sleep(5000).then(() => 'never')])).to.equal(null);
    expect(await meChecks()).to.equal(2);
    expect(stored(cfg.appId)).to.equal(null);
  });

  it('refresh() racing the connect check on a revoked session: session-lost once, refresh rejects invalid-session or resolves, no console error', async () => {
    const user = await storedUser();
    await revoke(user.sessionToken);
    await proxy.setFault({ delayMs: 400, path: '/parse/users/me' });
    const a = await member();
    const b = await member();
    const seenA = recordEvents(a, ['logged-out', 'logged-in']);
    const seenB = recordEvents(b, ['logged-out', 'logged-in']);
    const refreshed = b.refresh().then(
      () => 'resolved',
      (e: { code?: string }) => e.code ?? 'no code',
    );
    const [outcome, readyA, readyB] = await Promise.all([refreshed, a.ready, b.ready]);
    await sleep(400);
    expect(['resolved', 'invalid-session']).to.include(outcome);
    expect([readyA, readyB]).to.deep.equal([null, null]);
    expect(reasons(seenA)).to.deep.equal(['logged-out:session-lost']);
    expect(reasons(seenB)).to.deep.equal(['logged-out:session-lost']);
    expect(stored(cfg.appId)).to.equal(null);
    expect(errorsInConsole()).to.deep.equal([]);
  });

  it('refresh() racing the connect check on a valid session: still signed in, nothing fired, at most two checks', async () => {
    const user = await storedUser();
    await proxy.setFault({ delayMs: 400, path: '/parse/users/me' });
    const a = await member();
    const seen = recordEvents(a, ['logged-out', 'logged-in']);
    await a.refresh();
    expect((await a.ready)?.id).to.equal(user.objectId);
    await sleep(300);
    expect(a.authenticated).to.equal(true);
    expect(reasons(seen)).to.deep.equal([]);
    expect(await meChecks()).to.be.within(1, 2);
    expect(String(stored(cfg.appId)?.sessionToken)).to.equal(user.sessionToken);
  });

  it('a new log-in while the check of an old revoked session is in flight: the late 209 does not sign the new session out', async () => {
    const user = await storedUser();
    await revoke(user.sessionToken);
    await proxy.setFault({ delayMs: 1000, path: '/parse/users/me', times: 1 });
    const a = await member();
    const b = await member();
    const seenA = recordEvents(a, ['logged-out', 'logged-in']);
    await sleep(50);
    await a.logIn(user.username, password);
    const newToken = String(stored(cfg.appId)?.sessionToken);
    expect(newToken).to.not.equal(user.sessionToken);
    await Promise.race([a.ready, sleep(3000)]);
    await sleep(1200);
    expect(a.authenticated, 'a').to.equal(true);
    expect(b.authenticated, 'b').to.equal(true);
    expect(String(stored(cfg.appId)?.sessionToken)).to.equal(newToken);
    expect(reasons(seenA).filter((r) => r === 'logged-out:session-lost')).to.deep.equal([]);
    expect((await whoAmI(newToken)).status).to.equal(200);
  });

  it('another tab signs out during the check (valid session): nobody is signed back in, storage stays empty', async () => {
    const user = await storedUser();
    const frame = document.createElement('iframe');
    frame.src = `/test/pages/parse-tab.html?server-url=${encodeURIComponent(cfg.serverURL)}&app-id=${encodeURIComponent(cfg.appId)}`;
    document.body.append(frame);
    const tab = frame.contentWindow as Window & { ready?: boolean; session?: UserSessionElement; seen?: string[] };
    await until(() => !!tab.ready, 'the other tab');
    await tab.session!.ready;
    await proxy.reset();
    await proxy.setFault({ delayMs: 1000, path: '/parse/users/me' });
    const a = await member();
    const b = await member();
    const seenA = recordEvents(a, ['logged-out', 'logged-in']);
    const seenB = recordEvents(b, ['logged-out', 'logged-in']);
    await sleep(200); // the check is in flight
    await tab.session!.logOut();
    const outcomes = await Promise.all([a.ready, b.ready]);
    await sleep(1200);
    expect(outcomes).to.deep.equal([null, null]);
    expect([a.authenticated, b.authenticated]).to.deep.equal([false, false]);
    expect(stored(cfg.appId)).to.equal(null);
    expect(reasons(seenA)).to.deep.equal(['logged-out:other-tab']);
    expect(reasons(seenB)).to.deep.equal(['logged-out:other-tab']);
    expect((await whoAmI(user.sessionToken)).body.code).to.equal(209);
  });

  it('another tab signs in as someone else during the check of a revoked session: the late 209 does not end the new session', async () => {
    const user = await storedUser();
    await revoke(user.sessionToken);
    const other = await signUpRest(uniqueName('rc2'));
    await proxy.setFault({ delayMs: 1000, path: '/parse/users/me', times: 1 });
    const a = await member();
    const b = await member();
    const seenA = recordEvents(a, ['logged-out', 'logged-in']);
    await sleep(200);
    const frame = document.createElement('iframe');
    frame.src = `/test/pages/parse-tab.html?server-url=${encodeURIComponent(cfg.serverURL)}&app-id=${encodeURIComponent(cfg.appId)}`;
    document.body.append(frame);
    const tab = frame.contentWindow as Window & { ready?: boolean; session?: UserSessionElement };
    await until(() => !!tab.ready, 'the other tab');
    // the tab's own connect check of the old value may answer 209 too; sign in there right away
    await tab.session!.logIn(other.username, password).catch(() => {});
    await until(() => a.userId === other.objectId, 'a follows the other tab', 4000).catch(() => {});
    await sleep(1500);
    expect(stored(cfg.appId)?.objectId, 'stored').to.equal(other.objectId);
    expect([a.userId, b.userId]).to.deep.equal([other.objectId, other.objectId]);
    expect([a.authenticated, b.authenticated]).to.deep.equal([true, true]);
    expect(
      seenA.filter((e) => e.type === 'logged-out' && e.detail.reason === 'session-lost').length,
      reasons(seenA).join(),
    ).to.be.at.most(1);
  });

  it('a stored value replaced by page code after the first check (new session of another user): a newly connecting member checks the new value', async () => {
    const user = await storedUser();
    const a = await member();
    await a.ready;
    expect(await meChecks()).to.equal(1);
    const other = await signUpRest(uniqueName('rc3'));
    await revoke(other.sessionToken);
    a.remove();
    storeSession(cfg.appId, other); // the SDK / page wrote another (dead) session
    const b = await member();
    expect(await Promise.race([b.ready, sleep(4000).then(() => 'never')])).to.equal(null);
    expect(await meChecks()).to.equal(2);
    expect(stored(cfg.appId)).to.equal(null);
    void user;
  });

  it('two logInRest sessions: members connected on session 1 (checked), then storage switched to a live session 2 in this page: no session-lost', async () => {
    const user = await storedUser();
    const second = await logInRest(user.username);
    const a = await member();
    await a.ready;
    await revoke(user.sessionToken);
    storeSession(cfg.appId, { ...user, sessionToken: second });
    const b = await member();
    const seen = recordEvents(b, ['logged-out']);
    await Promise.race([b.ready, sleep(4000)]);
    await sleep(300);
    expect(reasons(seen)).to.deep.equal([]);
    expect(b.authenticated).to.equal(true);
    expect(String(stored(cfg.appId)?.sessionToken)).to.equal(second);
  });

  it('a member joins while the first check is failing (500): both stay signed in with ready = user; a third member checks again', async () => {
    const user = await storedUser();
    await proxy.setFault({ status: 500, delayMs: 500, path: '/parse/users/me', times: 1 });
    const a = await member();
    await sleep(100);
    const b = await member();
    const [ra, rb] = await Promise.all([a.ready, b.ready]);
    expect([ra?.id, rb?.id]).to.deep.equal([user.objectId, user.objectId]);
    expect(await meChecks(), 'b joined the check in flight').to.equal(1);
    await revoke(user.sessionToken);
    const c = await member();
    expect(await Promise.race([c.ready, sleep(4000).then(() => 'never')])).to.equal(null);
    expect(await meChecks()).to.equal(2);
    expect([a.authenticated, b.authenticated, c.authenticated]).to.deep.equal([false, false, false]);
  });

  // FINDING: the only member on the key is removed and put back (a framework re-parenting it) while
  // its connect check of a revoked session is in flight: `ready` settles with the user (as if the
  // server had said the session is fine) while the server said 209.
  it('FINDING: the checking member removed and re-inserted at once during the check (revoked): ready settles null, one session-lost', async () => {
    const user = await storedUser();
    await revoke(user.sessionToken);
    await proxy.setFault({ delayMs: 600, path: '/parse/users/me' });
    const a = await member();
    const seen = recordEvents(a, ['logged-out', 'logged-in']);
    await sleep(100);
    const parent = a.parentElement!;
    a.remove();
    parent.append(a);
    const outcome = await Promise.race([a.ready, sleep(4000).then(() => 'never')]);
    const authenticatedAtReady = a.authenticated;
    await sleep(1500);
    expect({
      ready: outcome === null ? null : typeof outcome === 'string' ? outcome : 'the user',
      authenticatedAtReady,
      events: reasons(seen),
      authenticatedLater: a.authenticated,
      storedLater: stored(cfg.appId) !== null,
    }).to.deep.equal({
      ready: null,
      authenticatedAtReady: false,
      events: ['logged-out:session-lost'],
      authenticatedLater: false,
      storedLater: false,
    });
    expect(await meChecks()).to.be.at.most(2);
  });

  it('a value checked valid, then signed out locally, then the same value written back by page code after the server revoked it: a newly connecting member checks it (a new stored value)', async () => {
    const user = await storedUser();
    const a = await member();
    await a.ready;
    await a.logOut({ scope: 'local' });
    a.remove();
    await revoke(user.sessionToken);
    storeSession(cfg.appId, user); // the same JSON as before
    const b = await member();
    const seen = recordEvents(b, ['logged-out']);
    const outcome = await Promise.race([b.ready, sleep(4000).then(() => 'never')]);
    await sleep(200);
    expect({ outcome, lost: reasons(seen), checks: await meChecks() }).to.deep.equal({
      outcome: null,
      lost: ['logged-out:session-lost'],
      checks: 2,
    });
  });

  it('a value checked valid, then every member removed, the session revoked at the server, a member connects again (SPA route): checked again or kept signed in (observed)', async () => {
    const user = await storedUser();
    const a = await member();
    await a.ready;
    a.remove();
    await revoke(user.sessionToken);
    const b = await member();
    await Promise.race([b.ready, sleep(4000)]);
    await sleep(200);
    console.info(`route change: checks=${await meChecks()} authenticated=${b.authenticated}`);
    expect(await meChecks()).to.be.within(1, 2);
  });
});
