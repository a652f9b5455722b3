// Attacks on session management with the real Parse Server: ids with path characters given to
// revokeSession must never reach another REST route (DELETE /users/<id>, /logout…), and a
// queued sign-out replayed after another user signed in must spare that user.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { AuthError } from '../../src/errors.js';
import {
  logInRest,
  password,
  proxy,
  rest,
  signUpRest,
  stored,
  uniqueName,
  useParseServer,
  whoAmI,
  type ParseConfig,
} from '../integration/parse-server.js';
import { outboxKeyOf, rejectionOf } from './attack-helpers.js';

describe('attack: Parse session management', function () {
  this.timeout(40_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  async function signedInPage() {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}><log-out-action></log-out-action></user-session>
    `);
    const username = uniqueName('paths');
    await session.signUp(username, password);
    const me = stored(cfg.appId)!;
    return { session, username, token: String(me.sessionToken), userId: String(me.objectId) };
  }

  it('revokeSession with path characters in the id reaches no other route: the user, its sessions and a stranger live', async () => {
    const { session, username, token, userId } = await signedInPage();
    const other = await logInRest(username);
    const stranger = await signUpRest(uniqueName('stranger'));
    const strangerSession = (
      (await rest('GET', '/sessions', { token: stranger.sessionToken })).body.results as { objectId: string }[]
    )[0]!.objectId;
    const ids = [
      `../users/${userId}`,
      `..%2Fusers%2F${userId}`,
      `%2E%2E/users/${userId}`,
      `x/../../users/${userId}`,
      `../logout`,
      `../classes/_Session/${strangerSession}`,
      `${strangerSession}?_method=DELETE`,
      `${strangerSession}#x`,
      `./${strangerSession}`,
      `\\..\\users\\${userId}`,
      'é🙂\u202e/..',
      'x'.repeat(50_000),
    ];
    await proxy.reset();
    for (const id of ids) {
      const error = await rejectionOf(session.revokeSession(id));
      if (error) expect(error, id.slice(0, 30)).to.be.instanceOf(AuthError);
    }
    expect((await whoAmI(token)).status, 'this session and the user live').to.equal(200);
    expect((await whoAmI(other)).status, "the user's other session lives").to.equal(200);
    expect((await whoAmI(stranger.sessionToken)).status, 'the stranger lives').to.equal(200);
    const { requests } = await proxy.log();
    const paths = requests.map((r) => r.path);
    expect(
      paths.filter((p) => !/^\/parse\/sessions(\/[^/]+)?$/.test(p)),
      paths.join(' '),
    ).to.deep.equal([]);
    expect(session.authenticated).to.equal(true);
  });

  it("a queued sign-out replayed after another user signed in ends the old session only; the new user's lives", async () => {
    const { session, token } = await signedInPage();
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    await proxy.setFault({ status: 503, path: '/parse/logout' });
    expect(await action.do()).to.equal(false);
    expect(localStorage.getItem(outboxKeyOf(`Parse/${cfg.appId}/currentUser`))).to.not.equal(null);
    await proxy.setFault(null);
    const bob = await signUpRest(uniqueName('bob'));
    await session.logIn(bob.username, password);
    const bobToken = String(stored(cfg.appId)!.sessionToken);
    window.dispatchEvent(new Event('online'));
    const deadline = Date.now() + 8000;
    while ((await whoAmI(token)).status === 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await whoAmI(token)).body.code, 'the old session ended').to.equal(209);
    expect((await whoAmI(bobToken)).status, "bob's session lives").to.equal(200);
    expect(session.authenticated).to.equal(true);
  });
});
