// Core-only page: logIn() loads the sign-in feature lazily. What the user does before the
// module arrives must win (SPEC §3.4, §10.3).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { features, key, recordEvents, rejectionOf, sessionOn, sleep, tick } from './split-attack-helpers.js';

describe('split attack: logIn() on a core-only page, then logOut() before the sign-in feature arrives', () => {
  // FINDING [high]: logIn() on a page without the sign-in feature waits for import(); a logOut() in
  // the meantime does not replace it (no `aborted`), so the sign-in completes after the log-out and
  // the user ends signed in. With sign-in imported the same sequence is aborted (generation guard).
  it('the later log-out wins: the sign-in is aborted, the user ends signed out, nothing stored', async () => {
    expect(features()).to.not.include('sign-in');
    const { session, backend } = await sessionOn(undefined, { signedIn: false });
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    const login = rejectionOf(session.logIn('ada', 'secret-pw'));
    const result = await session.logOut();
    expect(result.ok).to.equal(true);
    const error = await login;
    await waitUntil(() => features().includes('sign-in'), 'sign-in loaded');
    await sleep(50);
    // The user clicked "log out" after "log in": they must not end up signed in.
    expect(session.authenticated, 'signed in after a later log-out').to.equal(false);
    expect(localStorage.getItem(key), 'a session stored after the later log-out').to.equal(null);
    expect(events.map((e) => e.type)).to.deep.equal([]);
    expect(error, 'the replaced log-in rejects').to.have.property('code', 'aborted');
    expect(backend.count('logIn'), 'no sign-in request is sent after the log-out').to.equal(0);
    expect(session.pending).to.equal(false);
    await tick();
  });
});
