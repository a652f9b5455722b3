// Core-only page: `idle-timeout` loads the watch feature lazily; the page removes the attribute
// before the module arrives. The element must not sign the user out on the stale value.
import { expect } from '@open-wc/testing';
import { features, key, recordEvents, sessionOn, sleep } from './split-attack-helpers.js';

describe('split attack: idle-timeout removed before the watch feature arrives', () => {
  it('no idle sign-out after the attribute is gone', async () => {
    expect(features()).to.not.include('watch');
    const { session } = await sessionOn(undefined, { signedIn: true });
    await session.ready;
    const events = recordEvents(session, ['logged-out', 'idle-warning']);
    session.setAttribute('idle-timeout', '100ms');
    await session.updateComplete;
    session.removeAttribute('idle-timeout');
    await session.updateComplete;
    await sleep(600);
    expect(session.authenticated, 'signed out by an idle-timeout the page removed').to.equal(true);
    expect(events).to.have.length(0);
    expect(localStorage.getItem(key)).to.not.equal(null);
  });
});
