import { expect } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';

interface OtherTab extends Window {
  ready?: boolean;
  session: UserSessionElement;
  seen: { type: string; reason: string | null; at: number }[];
}

/** A same-origin iframe that loads the kit on its own: another tab as far as storage and channels go. */
async function openOtherTab(): Promise<{ tab: OtherTab; close(): void }> {
  const frame = document.createElement('iframe');
  frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(storageKey)}`;
  document.body.append(frame);
  await waitUntil(() => (frame.contentWindow as OtherTab | null)?.ready === true, 'other tab ready', { timeout: 8000 });
  return { tab: frame.contentWindow as OtherTab, close: () => frame.remove() };
}

const now = () => performance.timeOrigin + performance.now();
/** Lets any stray echo arrive before counting events. */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('cross-tab sync', () => {
  beforeEach(clearStorage);

  it('a log-in and a log-out here reach the other tab once each, with reason "other-tab", and nothing echoes back', async () => {
    const { session, action } = await sessionWithAction();
    const { tab, close } = await openOtherTab();
    try {
      const here = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
      await signIn(session);
      await waitUntil(() => tab.session.authenticated, 'other tab signed in');
      expect(tab.session.username).to.equal('ada');
      await action.do();
      await waitUntil(() => !tab.session.authenticated, 'other tab signed out');
      await settle();
      expect(tab.seen.map((e) => `${e.type}:${e.reason}`)).to.deep.equal(['logged-in:other-tab', 'logged-out:other-tab']);
      expect(here.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:log-in', 'logged-out:log-out']);
      expect(tab.session.hasAttribute('authenticated')).to.equal(false);
    } finally {
      close();
    }
  });

  it('a log-out in the other tab signs this tab out', async () => {
    const { session } = await sessionWithAction();
    const { tab, close } = await openOtherTab();
    try {
      await signIn(session);
      await waitUntil(() => tab.session.authenticated, 'other tab signed in');
      const here = recordEvents(session, ['logged-out']);
      await tab.session.logOut({ scope: 'local' });
      await waitUntil(() => !session.authenticated, 'this tab signed out');
      expect(session.hasAttribute('authenticated')).to.equal(false);
      await settle();
      expect(here.map((e) => e.detail.reason)).to.deep.equal(['other-tab']);
    } finally {
      close();
    }
  });

  it('a key removed by another script in another tab signs this tab out (storage event)', async () => {
    const { session } = await sessionWithAction();
    const { tab, close } = await openOtherTab();
    try {
      await signIn(session);
      await waitUntil(() => tab.session.authenticated, 'other tab signed in');
      tab.localStorage.removeItem(storageKey); // not through the kit: no BroadcastChannel message
      await waitUntil(() => !session.authenticated, 'this tab signed out');
    } finally {
      close();
    }
  });

  it('measures the propagation delay of a log-out to the other tab (reported, not asserted)', async () => {
    const { session, action } = await sessionWithAction();
    const { tab, close } = await openOtherTab();
    const delays: number[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        await signIn(session);
        await waitUntil(() => tab.session.authenticated, 'other tab signed in', { interval: 1 });
        const start = now();
        await action.do();
        await waitUntil(() => tab.seen.at(-1)?.type === 'logged-out', 'other tab signed out', { interval: 1 });
        delays.push(tab.seen.at(-1)!.at - start);
      }
    } finally {
      close();
    }
    delays.sort((a, b) => a - b);
    console.log(
      `cross-tab log-out delay: median ${delays[5]!.toFixed(1)} ms, max ${delays[9]!.toFixed(1)} ms (${navigator.userAgent.match(/(Chrome|Firefox|Version)\/[\d.]+/)?.[0]})`,
    );
    expect(delays).to.have.length(10);
  });
});
