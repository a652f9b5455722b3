// Attack on the lazy Better Auth sign-in chunk: two sign-ins at once on its first use (a double
// submit, or a second user's name typed fast), on one <user-session>. This file's page has never
// loaded the chunk before its test.
// Expected: the older fails `aborted`, the newer signs in; one session at the server, the one the
// cookie names, stored.
import { expect } from '@open-wc/testing';
import '../../src/define/better-auth-backend.js';
import { AuthError } from '../../src/errors.js';
import {
  betterAuthSession,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  sessionsOf,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { rejectionOf, sleep } from './attack-helpers.js';

describe('attack: two Better Auth sign-ins at once while the chunk loads', function () {
  this.timeout(30_000);
  let serverUrl: string;
  useBetterAuthServer((config) => (serverUrl = config.serverUrl));

  it('the older fails "aborted", the newer signs in; one live session, the one stored and named by the cookie', async () => {
    const [one, two] = [newAccount('lkt'), newAccount('lkt')];
    await createUser(one);
    await createUser(two);
    const key = `lock-attack-chunk-twice/${Date.now()}`;
    const session = await betterAuthSession(serverUrl, key);
    const older = rejectionOf(session.logIn(one.email, one.password));
    const newer = session.logIn(two.email, two.password);
    const error = await older;
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('aborted');
    expect((await newer).email).to.equal(two.email);
    await sleep(1_000);
    expect(await requestCount('POST', '/sign-in/email')).to.be.at.most(2);
    expect(await sessionsOf(one.email), 'the replaced sign-in left a session').to.have.length(0);
    expect(await sessionsOf(two.email)).to.have.length(1);
    const stored = JSON.parse(localStorage.getItem(key)!) as { token: string };
    expect(stored.token).to.equal(`better-auth-session:${(await cookieSession())!.session.id}`);
  });
});
