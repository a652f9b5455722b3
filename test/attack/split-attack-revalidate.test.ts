// Core-only page (no watch feature imported): re-validation on visibility / online, and
// `revalidate`, which must load the watch feature (SPEC §9, §10.3).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { clock } from '../../src/session/clock.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { features, sessionOn, sleep } from './split-attack-helpers.js';

const minute = 60_000;

describe('split attack: re-validation on a core-only page', () => {
  let fake: FakeClock;
  beforeEach(() => {
    fake = new FakeClock(Math.floor(Date.now() / minute) * minute).install(clock);
  });
  afterEach(() => fake.uninstall(clock));

  it('re-checks the session when the page becomes visible again / comes online (documented default), watch not imported', async () => {
    expect(features()).to.not.include('watch');
    const { session, backend } = await sessionOn();
    await session.ready;
    const before = backend.count('currentUser');
    fake.advance(31_000);
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('online'));
    await sleep(100);
    expect(backend.count('currentUser'), 'no re-check on visibilitychange/online without the watch import').to.equal(before + 1);
  });

  it('revalidate="30s" on a core-only page loads the watch feature and re-checks on the interval', async () => {
    const { session, backend } = await sessionOn(undefined, { attributes: 'revalidate="30s"' });
    await session.ready;
    await waitUntil(() => features().includes('watch'), 'watch loaded', { timeout: 3000 });
    await sleep(20);
    const before = backend.count('currentUser');
    fake.advance(30_000);
    await sleep(20);
    expect(backend.count('currentUser')).to.equal(before + 1);
    fake.advance(30_000);
    await sleep(20);
    expect(backend.count('currentUser')).to.equal(before + 2);
    expect(session.authenticated).to.equal(true);
  });
});
