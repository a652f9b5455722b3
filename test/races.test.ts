import { expect, oneEvent } from '@open-wc/testing';
import { AuthError } from '../src/errors.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';

// Late answers are produced with deferred promises (RecordingBackend.hold): no sleeps.
describe('late answers never undo newer state', () => {
  beforeEach(clearStorage);

  it('a log-out answer arriving after the user signed in again leaves the new session signed in (success)', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const gate = backend.hold('logOut');
    const run = action.do();
    // Local first, in the same task as do(): signed out before the server answers.
    expect(session.authenticated).to.equal(false);
    await signIn(session); // the user signs in again before the server answered
    const newUser = session.userId;
    const stored = localStorage.getItem(storageKey);
    gate.resolve();
    expect(await run).to.equal(true);
    expect(session.authenticated).to.equal(true);
    expect(session.userId).to.equal(newUser);
    expect(localStorage.getItem(storageKey)).to.equal(stored);
  });

  it('…and a failing late answer (network) does not sign the new session out either', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const gate = backend.hold('logOut');
    const run = action.do();
    expect(session.authenticated).to.equal(false);
    await signIn(session);
    const loggedOut = recordEvents(session, ['logged-out']);
    gate.reject(new AuthError('network'));
    expect(await run).to.equal(false);
    expect(session.authenticated).to.equal(true);
    expect(loggedOut).to.have.length(0);
  });

  it('a session check that answers "invalid" for the old session does not sign out the new one', async () => {
    const { session, backend } = await sessionWithAction();
    await signIn(session);
    const gate = backend.hold('currentUser');
    const check = session.refresh();
    await session.logOut();
    await signIn(session); // a new session while the old one is being checked
    const loggedOut = recordEvents(session, ['logged-out']);
    gate.resolve(); // the memory backend now answers "invalid session" for the old token
    expect(await check).to.deep.equal(session.user);
    expect(session.authenticated).to.equal(true);
    expect(loggedOut).to.have.length(0);
  });

  it('two overlapping sign-ins: the newest wins, the older one rejects with "aborted" and is not stored', async () => {
    const { session, backend } = await sessionWithAction();
    backend.addUser({ username: 'grace', password: 'pw-2' });
    const first = backend.hold('logIn');
    const older = session.logIn('ada', 'secret-pw').catch((e: AuthError) => e);
    const newer = session.logIn('grace', 'pw-2');
    first.resolve();
    expect((await newer).username).to.equal('grace');
    const error = await older;
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('aborted');
    expect(session.username).to.equal('grace');
  });

  it('a log-out while a sign-in is under way cancels the sign-in', async () => {
    const { session, backend } = await sessionWithAction();
    const gate = backend.hold('logIn');
    const login = session.logIn('ada', 'secret-pw').catch((e: AuthError) => e);
    const result = await session.logOut();
    expect(result).to.deep.equal({
      ok: true,
      scope: 'current',
      revoked: false,
      signedOutLocally: false,
      revocationPending: false,
    });
    gate.resolve();
    expect(((await login) as AuthError).code).to.equal('aborted');
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('a second action on the same session while the first is in flight: one request, both succeed', async () => {
    const { session, action, backend } = await sessionWithAction();
    const second = document.createElement('log-out-action');
    session.append(second);
    await signIn(session);
    const gate = backend.hold('logOut');
    const first = action.do();
    const other = oneEvent(second, 'success');
    expect(await second.do()).to.equal(true); // already signed out locally: nothing to revoke
    expect((await other).detail).to.deep.equal({ scope: 'current', revoked: false });
    gate.resolve();
    expect(await first).to.equal(true);
    expect(backend.count('logOut')).to.equal(1);
  });
});
