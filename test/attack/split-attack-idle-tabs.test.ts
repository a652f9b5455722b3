// Idle sign-out across two tabs with a short idle-timeout (SPEC §9: activity in any tab keeps
// every tab signed in "for any timeout the kit accepts"). This tab: the core, watch loaded lazily.
// The other tab: test/pages/idle-tab.html (the whole kit), both on fake clocks moved together.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { clock } from '../../src/session/clock.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { features, key, recordEvents, sessionOn, sleep } from './split-attack-helpers.js';

interface IdleTab extends Window {
  ready?: boolean;
  session: UserSessionElement;
  fakeClock: FakeClock;
  seen: { type: string; reason: string | null }[];
}

describe('split attack: idle sign-out across two tabs, short idle-timeout', () => {
  let fake: FakeClock;
  let frame: HTMLIFrameElement | undefined;
  beforeEach(() => {
    fake = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000).install(clock);
  });
  afterEach(() => {
    frame?.remove();
    fake.uninstall(clock);
  });

  async function openTab(timeout: string): Promise<IdleTab> {
    frame = document.createElement('iframe');
    frame.src = `/test/pages/idle-tab.html?key=${encodeURIComponent(key)}&t0=${fake.now()}`;
    document.body.append(frame);
    await waitUntil(() => (frame!.contentWindow as IdleTab | null)?.ready === true, 'idle tab ready', { timeout: 8000 });
    const tab = frame.contentWindow as IdleTab;
    tab.session.setAttribute('idle-timeout', timeout);
    tab.session.removeAttribute('idle-warning');
    await tab.session.updateComplete;
    return tab;
  }
  const advanceBoth = async (tab: IdleTab, ms: number) => {
    fake.advance(ms);
    tab.fakeClock.advance(ms);
    await sleep(10); // storage / BroadcastChannel news between the tabs
  };

  for (const [timeout, step] of [
    ['3s', 500],
    ['6s', 500],
    ['1s', 200],
    ['250ms', 50],
  ] as const) {
    it(`idle-timeout=${timeout}: activity every ${step} ms in this tab keeps the other tab signed in`, async () => {
      const tab = await openTab(timeout);
      const { session } = await sessionOn(undefined, { signedIn: false, attributes: `idle-timeout="${timeout}"` });
      await session.logIn('ada', 'secret-pw');
      await waitUntil(() => tab.session.authenticated, 'other tab signed in');
      await waitUntil(() => features().includes('watch'), 'watch loaded');
      const here = recordEvents(session, ['logged-out']);
      // 40 steps of activity in this tab, one pointerdown per step (time moved together in both tabs).
      for (let t = 0; t < 40; t++) {
        window.dispatchEvent(new PointerEvent('pointerdown'));
        await advanceBoth(tab, step);
      }
      expect(
        tab.seen.filter((e) => e.type === 'logged-out'),
        'the other tab signed out while this one was in use',
      ).to.deep.equal([]);
      expect(here).to.have.length(0);
      expect(tab.session.authenticated).to.equal(true);
      expect(session.authenticated).to.equal(true);
    });
  }
});
