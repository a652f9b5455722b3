// A sign-in the page gives up on (its timeout, the element leaving the page) while Parse Server is
// slow to answer: the server has opened the session by then. README: a session the server opens
// for a sign-in given up on is revoked, never left alive. The proxy's `holdReply` fault forwards
// the request at once and keeps the real answer until the test releases it.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { AuthError } from '../../src/errors.js';
import { recordEvents } from '../helpers/fixtures.js';
import {
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  stored,
  uniqueName,
  useParseServer,
  type ParseConfig,
} from './parse-server.js';

describe('Parse Server: a sign-in given up on while the server is slow leaves no session alive', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  /** How many sessions Parse keeps for the user of `token`. */
  async function sessionsOf(token: string): Promise<number> {
    const reply = await rest('GET', '/sessions', { token });
    return (reply.body.results as unknown[]).length;
  }

  /** A `<user-session>` on the proxy whose next `path` request reaches Parse at once and is answered when released. */
  async function slowServerOn(path: string) {
    const session = await fixture<UserSessionElement>(
      html`<user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}></user-session>`,
    );
    await session.ready;
    await proxy.reset();
    await proxy.setFault({ holdReply: true, method: 'POST', path, times: 1 });
    return session;
  }

  const failure = (call: Promise<unknown>) =>
    call.then(
      () => null,
      (error: AuthError) => error,
    );

  /** Releases the held answer, then waits until the user has `count` sessions at the server. */
  async function expectEndedAtServer(token: string, count: number) {
    expect(await proxy.release(), 'the answer was held').to.equal(1);
    await waitUntil(async () => (await sessionsOf(token)) === count, 'the given-up session ended at the server', {
      timeout: 10_000,
    });
  }

  it('logIn() past its timeout: fails timeout, nothing stored, and the session Parse opened meanwhile is ended', async () => {
    const user = await signUpRest(uniqueName('late-login'));
    const session = await slowServerOn('/parse/login');
    session.timeout = 500;
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    const error = await failure(session.logIn(user.username, password));
    expect(error?.code).to.equal('timeout');
    expect(await proxy.count('POST', '/parse/login'), 'the sign-in reached the server').to.equal(1);
    // The sign-up's own session, and the one the slow sign-in opened:
    await waitUntil(async () => (await sessionsOf(user.sessionToken)) === 2, 'the server to open the session');
    await expectEndedAtServer(user.sessionToken, 1);
    expect(stored(cfg.appId)).to.equal(null);
    expect(session.authenticated).to.equal(false);
    expect(events).to.have.length(0);
  });

  it('signUp() past its timeout: fails timeout, nothing stored, and the new account is left with no session', async () => {
    const username = uniqueName('late-signup');
    const session = await slowServerOn('/parse/users');
    session.timeout = 500;
    const error = await failure(session.signUp(username, password));
    expect(error?.code).to.equal('timeout');
    // The account exists now; a sign-in of our own shows what sessions it has.
    let token = '';
    await waitUntil(async () => Boolean((token = await logInRest(username).catch(() => ''))), 'the account to exist');
    await expectEndedAtServer(token, 1);
    expect(stored(cfg.appId)).to.equal(null);
    expect(session.authenticated).to.equal(false);
  });

  it('the element leaves the page during logIn(): the session Parse opened meanwhile is ended', async () => {
    const user = await signUpRest(uniqueName('late-removed'));
    const session = await slowServerOn('/parse/login');
    const signingIn = failure(session.logIn(user.username, password));
    await waitUntil(async () => (await sessionsOf(user.sessionToken)) === 2, 'the server to open the session');
    session.remove();
    expect((await signingIn)?.code, 'the sign-in fails').to.be.a('string');
    await expectEndedAtServer(user.sessionToken, 1);
    expect(stored(cfg.appId)).to.equal(null);
  });
});
