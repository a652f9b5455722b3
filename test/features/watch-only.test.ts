// Idle sign-out and interval re-validation on the core and the `watch` feature only.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/define/features/watch.js';
import { features, recordEvents, key, sessionOn } from './split-page.js';

describe('the watch feature alone on the core', () => {
  it('warns (cancelable), then signs out with reason idle; no other feature loads', async () => {
    const { session } = await sessionOn(undefined, { attributes: 'idle-timeout="300ms" idle-warning="200ms"' });
    const events = recordEvents(session, ['idle-warning', 'logged-out']);
    await waitUntil(() => events.some((e) => e.type === 'logged-out'), 'signed out', { timeout: 3000 });
    expect(events.map((e) => e.type)).to.deep.equal(['idle-warning', 'logged-out']);
    expect(events[0].cancelable).to.equal(true);
    expect(events[1].detail).to.deep.equal({ reason: 'idle' });
    expect(localStorage.getItem(key)).to.equal(null);
    expect(features()).to.deep.equal(['watch']);
  });
});
