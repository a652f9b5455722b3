// A sign-in the page gives up on (its timeout, a newer call, the element leaving) aborts its
// request (README, Known limitations). Against the real Parse Server and its fault proxy:
// `holdReply` forwards a request at once and keeps the real answer until released (a slow
// server that has opened the session by then), `hold` keeps the request itself (a hung server).
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { AuthError } from '../../src/errors.js';
import { recordEvents } from '../helpers/fixtures.js';
import { password, proxy, rest, signUpRest, stored, uniqueName, useParseServer, type ParseConfig } from './parse-server.js';

describe('Parse Server: a sign-in given up on while the server is slow or hung', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  /** How many sessions Parse keeps for the user of `token`. */
  async function sessionsOf(token: string): Promise<number> {
    const reply = await rest('GET', '/sessions', { token });
    return (reply.body.results as unknown[]).length;
  }

  async function page() {
    const session = await fixture<UserSessionElement>(
      html`<user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}></user-session>`,
    );
    await session.ready;
    await proxy.reset();
    return session;
  }

  /**
   * Releases the answer `holdReply` keeps. The session row can appear at the server a moment
   * before Parse's answer reaches the proxy: until then there is nothing to release.
   */
  const releaseHeldAnswer = () => waitUntil(async () => (await proxy.release()) === 1, "Parse's answer at the proxy");

  const failure = (call: Promise<unknown>) =>
    call.then(
      () => null,
      (error: AuthError) => error,
    );

  it('past its timeout while Parse opens the session: fails timeout, nothing stored; the user’s next sign-in here ends that session', async () => {
    const user = await signUpRest(uniqueName('late-login'));
    const session = await page();
    await proxy.setFault({ holdReply: true, method: 'POST', path: '/parse/login', times: 1 });
    session.timeout = 500;
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    expect((await failure(session.logIn(user.username, password)))?.code).to.equal('timeout');
    // The sign-up's own session, and the one the slow sign-in opened:
    await waitUntil(async () => (await sessionsOf(user.sessionToken)) === 2, 'the server to open the session');
    await releaseHeldAnswer();
    expect(stored(cfg.appId)).to.equal(null);
    expect(session.authenticated).to.equal(false);
    expect(events).to.have.length(0);

    session.timeout = 10_000;
    await session.logIn(user.username, password);
    expect(await sessionsOf(user.sessionToken), 'the sign-up’s session and the new one: the given-up one is gone').to.equal(2);
    expect(stored(cfg.appId)?.username).to.equal(user.username);
  });

  it('the <user-session> leaves the page during a slow logIn(): the sign-in waits for the answer, fails misconfigured, and revokes the session', async () => {
    const user = await signUpRest(uniqueName('late-removed'));
    const session = await page();
    await proxy.setFault({ holdReply: true, method: 'POST', path: '/parse/login', times: 1 });
    let outcome = 'pending';
    const signingIn = session.logIn(user.username, password).then(
      () => (outcome = 'signed in'),
      (error: AuthError) => (outcome = error.code),
    );
    await waitUntil(async () => (await sessionsOf(user.sessionToken)) === 2, 'the server to open the session');
    session.remove();
    await releaseHeldAnswer();
    await signingIn;
    expect(outcome).to.equal('misconfigured');
    await waitUntil(async () => (await sessionsOf(user.sessionToken)) === 1, 'the session it got revoked', {
      timeout: 10_000,
    });
    expect(stored(cfg.appId)).to.equal(null);
  });

  it('a hung /login: each sign-in given up on frees its connection, so once Parse answers again a sign-in and a log-out work at once', async () => {
    const user = await signUpRest(uniqueName('hung'));
    const session = await page();
    await proxy.setFault({ hold: true, path: '/parse/login' });
    session.timeout = 300;
    // More than a browser's six HTTP/1.1 connections to one origin.
    for (let i = 0; i < 8; i++) {
      expect((await failure(session.logIn(user.username, password)))?.code, `attempt ${i + 1}`).to.equal('timeout');
    }
    await proxy.setFault(null); // Parse answers again; the requests it holds stay unanswered
    session.timeout = 5000;
    expect((await session.logIn(user.username, password)).username).to.equal(user.username);
    expect(await session.logOut()).to.include({ ok: true, revoked: true });
  });
});
