// Core-only page: `idle-timeout` loads the watch feature lazily; the element is removed before the
// module arrives. A disconnected element must not keep watching (SPEC §1: disconnecting removes
// every listener it added) nor sign the user out of the page's other elements.
import { expect } from '@open-wc/testing';
import { features, key, recordEvents, sessionOn, sleep } from './split-attack-helpers.js';

describe('split attack: idle element disconnected before the watch feature arrives', () => {
  it('no idle sign-out from a removed element; the remaining element on the key stays signed in', async () => {
    expect(features()).to.not.include('watch');
    const { session, holder, backend } = await sessionOn(undefined, { attributes: 'idle-timeout="100ms"' });
    const other = document.createElement('user-session');
    other.setAttribute('storage-key', key);
    other.backend = backend;
    holder.append(other);
    await sleep(0);
    expect(other.authenticated).to.equal(true);
    const events = recordEvents(other, ['logged-out']);
    session.remove(); // in the task it connected: the watch module cannot have arrived yet
    await sleep(600);
    expect(features()).to.include('watch');
    expect(other.authenticated, 'signed out by a removed element').to.equal(true);
    expect(events).to.have.length(0);
    expect(localStorage.getItem(key)).to.not.equal(null);
    expect(backend.count('logOut')).to.equal(0);
  });
});
