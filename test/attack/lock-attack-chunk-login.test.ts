// Attack on the lazy Better Auth sign-in chunk (`better-auth-sign-in.js`, read on first use): a
// sign-in made while the chunk is still loading, then a log-out at once. This file's page has
// never loaded the chunk before its one test (each test file is its own page).
// Expected (README "A call that waits for its feature is dropped (`aborted`) if the session it
// was made on changes meanwhile (a log-out…)", "`pending` is true while the feature loads"):
// the sign-in fails `aborted`, nothing stored, no sign-in request, no session at the server.
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

describe('attack: Better Auth sign-in while its chunk loads, then a log-out', function () {
  this.timeout(30_000);
  let serverUrl: string;
  useBetterAuthServer((config) => (serverUrl = config.serverUrl));

  it('the sign-in fails "aborted", stores nothing and leaves no session at the server', async () => {
    const a = newAccount('lkc');
    await createUser(a);
    const key = `lock-attack-chunk/${Date.now()}`;
    const session = await betterAuthSession(serverUrl, key);
    const signingIn = rejectionOf(session.logIn(a.email, a.password));
    expect(session.pending, 'pending while the chunk loads').to.equal(true);
    const out = await session.logOut();
    expect(out.ok).to.equal(true);
    const error = await signingIn;
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('aborted');
    await sleep(1_000);
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(await requestCount('POST', '/sign-in/email')).to.equal(0);
    expect(await sessionsOf(a.email)).to.have.length(0);
    expect(await cookieSession()).to.equal(null);
  });
});
