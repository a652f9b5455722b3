// Another tab's changes reach this one as storage events and channel messages, each of which a
// loaded machine may deliver late. CI (Chromium, heavy load) saw a tab that had just followed a
// sign-in report the next idle sign-out as `other-tab`: the sign-in's storage event left a
// re-read for 250 ms later (in case news came by message), and that re-read found the sign-out,
// whose own events, with its news, had not come yet. The test plays the other tab by hand: its
// writes go to localStorage from this document (which fires no event here), and its storage
// events and messages are delivered when the test says, so the order is replayed exactly.
import { expect, fixture, html } from '@open-wc/testing';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { clearStorage, recordEvents, storageKey } from './helpers/fixtures.js';
import { waitUntil } from './helpers/wait-until.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const reasons = (events: CustomEvent[]): string[] => events.map((e) => `${e.type}:${(e.detail as { reason?: string }).reason}`);

describe("another tab's changes, delivered late and out of step", () => {
  let channel: BroadcastChannel;
  let signUps = 0;
  beforeEach(() => {
    clearStorage();
    channel = new BroadcastChannel(`user-session:${storageKey}`);
  });
  afterEach(() => {
    channel.close();
    clearStorage();
  });

  /** A storage event as another document's write would fire it here. */
  const storageEvent = (key: string, oldValue: string | null, newValue: string | null): void => {
    window.dispatchEvent(new StorageEvent('storage', { key, oldValue, newValue, storageArea: localStorage }));
  };

  /** This tab's element, signed out, and a stored session value that another tab could write. */
  async function signedOutWithAdasSession(): Promise<{ here: UserSessionElement; raw: string }> {
    const here = await fixture<UserSessionElement>(
      html`<user-session backend="memory" storage-key=${storageKey}></user-session>`,
    );
    // The page's one `memory` backend keeps its users across tests: a new name each time.
    await here.signUp(`ada-${++signUps}`, 'a-long-password');
    const raw = localStorage.getItem(storageKey)!;
    await here.logOut({ scope: 'local' });
    return { here, raw };
  }

  /** The other tab's idle sign-out, written as the kit writes it: the news beside the removal. */
  function idleSignOutWritten(): void {
    localStorage.setItem(`${storageKey}:news`, 'idle');
    localStorage.removeItem(storageKey);
    localStorage.removeItem(`${storageKey}:news`);
  }
  /** …and its storage events, arriving now. */
  function idleSignOutHeard(raw: string): void {
    storageEvent(`${storageKey}:news`, null, 'idle');
    storageEvent(storageKey, raw, null);
    storageEvent(`${storageKey}:news`, 'idle', null);
    channel.postMessage('idle');
  }

  it('a sign-in heard by message, then an idle sign-out whose storage events come after the sign-in’s wait: idle', async () => {
    const { here, raw } = await signedOutWithAdasSession();
    const events = recordEvents(here, ['logged-in', 'logged-out']);
    // The other tab signs in: its storage event (the kit waits a moment for news), then its message.
    localStorage.setItem(storageKey, raw);
    storageEvent(storageKey, null, raw);
    channel.postMessage('changed');
    await waitUntil(() => here.authenticated, 'signed in here through the message');
    // At once the other tab signs out for idleness; its storage events are slow to come.
    idleSignOutWritten();
    await sleep(400);
    idleSignOutHeard(raw);
    await waitUntil(() => !here.authenticated, 'signed out here');
    await sleep(300);
    expect(reasons(events)).to.deep.equal(['logged-in:other-tab', 'logged-out:idle']);
  });
});
