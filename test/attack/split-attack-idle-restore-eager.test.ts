// Reference for split-attack-idle-restore.test.ts: the same with the watch feature imported.
import { expect } from '@open-wc/testing';
import '../../src/define/features/watch.js';
import { features } from './split-attack-helpers.js';
import { restoreIdle } from './split-attack-idle-restore-helper.js';

describe('split attack: restoring a session idle for too long, watch imported (reference)', () => {
  it('the idle-expired session is never shown as signed in (authenticated), ends as idle, ready null', async () => {
    expect(features()).to.include('watch');
    const r = await restoreIdle();
    expect(r.outcome).to.equal(null);
    expect(r.events.at(-1)).to.equal('logged-out:idle');
    expect(r.atConnect, 'authenticated at connect for an idle-expired session').to.equal(false);
    expect(r.seenAuthenticated, 'the authenticated attribute was set').to.not.include(true);
  });
});
