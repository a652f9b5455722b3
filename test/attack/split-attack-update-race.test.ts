// Core-only page: updateUser() loads the update-user feature lazily; the user signs out before it arrives.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { features, key, recordEvents, rejectionOf, sessionOn, sleep } from './split-attack-helpers.js';

describe('split attack: updateUser() on a core-only page, then logOut() before the feature arrives', () => {
  it('the update does not run on the signed-out session: rejects, no user-change, nothing written back', async () => {
    expect(features()).to.not.include('update-user');
    const { session, backend } = await sessionOn();
    await session.ready;
    const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
    const update = rejectionOf(session.updateUser({ nickname: 'countess' }));
    const result = await session.logOut();
    expect(result.ok).to.equal(true);
    const error = await update;
    await waitUntil(() => features().includes('update-user'), 'update-user loaded');
    await sleep(50);
    expect(localStorage.getItem(key), 'nothing written back').to.equal(null);
    expect(session.authenticated).to.equal(false);
    expect(events.map((e) => e.type)).to.deep.equal(['logged-out']);
    expect(error, 'the update was not made').to.be.instanceOf(Error);
    expect(backend.count('updateUser'), 'no update sent with a token the user just signed out').to.equal(0);
    expect(session.pending).to.equal(false);
  });
});
