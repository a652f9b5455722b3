// Attack pass on the tab news (stop 32): the reason of a sign-out travels beside the key, under
// `<key>:news`. Two finds, each failing before its fix:
// 1. Every write on key `p` removed `p:news`, and an idle or session-lost sign-out overwrote it:
//    a session another element keeps under the key `p:news` was lost ("nothing else stored is
//    lost", SPEC §6). The kit now writes the news only where nothing is stored, and removes only
//    what it wrote.
// 2. In Firefox a value left in `<key>:news` by a script became the reason of the next plain
//    log-out in another tab (that log-out removed `<key>:news`, and the other tab read the old
//    value as news). A plain write no longer touches `<key>:news`.
import { expect, fixture, html } from '@open-wc/testing';
import { MemoryBackend } from '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { clearStorage, recordEvents } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const users = () =>
  new MemoryBackend({
    users: [
      { username: 'ada', password: 'a-long-password' },
      { username: 'bob', password: 'a-long-password' },
    ],
  });

async function sessionOn(key: string, backend = users()): Promise<UserSessionElement> {
  const element = await fixture<UserSessionElement>(html`<user-session storage-key=${key}></user-session>`);
  element.backend = backend;
  await sleep(0);
  return element;
}

const reasons = (events: CustomEvent[]) => events.map((e) => `${e.type}:${(e.detail as { reason?: string }).reason ?? ''}`);

describe('attack: the tab news key beside a storage key', () => {
  let n = 0;
  let key: string;
  beforeEach(() => {
    clearStorage();
    key = `news-attack/${Date.now()}/${n++}`;
  });
  afterEach(clearStorage);

  /** Bob signed in on an element whose storage key is `<key>:news`. */
  async function bobBeside(): Promise<{ bob: UserSessionElement; stored: string }> {
    const bob = await sessionOn(`${key}:news`);
    await bob.logIn('bob', 'a-long-password');
    return { bob, stored: localStorage.getItem(`${key}:news`)! };
  }

  const plainActions: [string, (ada: UserSessionElement) => Promise<unknown>][] = [
    ['logOut() while signed out', (ada) => ada.logOut()],
    ['logIn()', (ada) => ada.logIn('ada', 'a-long-password')],
    ['logIn(), then logOut()', async (ada) => (await ada.logIn('ada', 'a-long-password'), ada.logOut())],
    [
      'logIn(), then logOut({ scope: "local" })',
      async (ada) => (await ada.logIn('ada', 'a-long-password'), ada.logOut({ scope: 'local' })),
    ],
  ];
  for (const [what, act] of plainActions) {
    it(`${what} on a key leaves the session stored under <key>:news alone`, async () => {
      const { bob, stored } = await bobBeside();
      await act(await sessionOn(key));
      await sleep(50);
      expect(localStorage.getItem(`${key}:news`)).to.equal(stored);
      expect(bob.hasAttribute('authenticated')).to.equal(true);
    });
  }

  it('a session-lost sign-out on a key leaves the session stored under <key>:news alone', async () => {
    const { bob, stored } = await bobBeside();
    const backend = users();
    const ada = await sessionOn(key, backend);
    await ada.logIn('ada', 'a-long-password');
    const events = recordEvents(ada, ['logged-out']);
    // The server forgets Ada's session; the next check finds out.
    const { token, user } = JSON.parse(localStorage.getItem(key)!) as { token: string; user: { id: string } };
    await backend.logOut({ token, user }, { scope: 'current' });
    await ada.refresh();
    expect(reasons(events)).to.deep.equal(['logged-out:session-lost']);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(localStorage.getItem(`${key}:news`)).to.equal(stored);
    expect(bob.hasAttribute('authenticated')).to.equal(true);
  });

  it('a value a script left in <key>:news is not the reason of the next plain log-out in another tab', async () => {
    const here = await sessionOn(key);
    const frame = document.createElement('iframe');
    frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(key)}`;
    document.body.append(frame);
    type Tab = Window & { ready?: boolean; session: UserSessionElement };
    try {
      await waitUntil(() => (frame.contentWindow as Tab | null)?.ready === true, 'other tab', { timeout: 8000 });
      const tab = frame.contentWindow as Tab;
      await tab.session.signUp('ada', 'a-long-password');
      await waitUntil(() => here.authenticated, 'signed in here through the other tab');
      const events = recordEvents(here, ['logged-out']);
      localStorage.setItem(`${key}:news`, 'idle');
      await sleep(300);
      expect(here.authenticated, 'news alone signs nobody out').to.equal(true);
      await tab.session.logOut({ scope: 'local' });
      await waitUntil(() => !here.authenticated, 'signed out here');
      await sleep(400);
      expect(reasons(events)).to.deep.equal(['logged-out:other-tab']);
      // The script's value is its own: the kit's log-out left it where it was.
      expect(localStorage.getItem(`${key}:news`)).to.equal('idle');
    } finally {
      frame.remove();
    }
  });
});
