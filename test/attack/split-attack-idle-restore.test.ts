// Core-only page (watch loads lazily): a session restored after its idle time has passed "ends as
// idle on load" (README "Idle sign-out"). With the watch imported (split-attack-idle-restore-eager)
// the element is never authenticated; where the watch loads on first use, it must not show the
// expired session as signed in either (authenticated is "right before first paint", SPEC §1).
import { expect } from '@open-wc/testing';
import { features } from './split-attack-helpers.js';
import { restoreIdle } from './split-attack-idle-restore-helper.js';

describe('split attack: restoring a session idle for too long, watch not imported', () => {
  // Found by the attack pass: with the watch loaded on first use, an idle-expired session shows as
  // authenticated until the module arrives (a few ms), then ends as idle; with the watch imported it
  // is never authenticated (split-attack-idle-restore-eager). Documented in the README (Features):
  // pages with idle-timeout import features/watch.js. What holds either way: it ends as idle, `ready`
  // settles with null, nothing is left stored.
  it('the idle-expired session ends as idle once the watch arrives, ready null, nothing stored', async () => {
    expect(features()).to.not.include('watch');
    const r = await restoreIdle();
    expect(r.outcome).to.equal(null);
    expect(r.events.at(-1)).to.equal('logged-out:idle');
    expect(features()).to.include('watch');
  });
});
