// storage="session": a page and its same-origin frames share one sessionStorage area, so their
// <user-session> elements on a key are "several elements on the same storage key", which stay
// in step (SPEC §1, README "Tabs"). Another top-level window (a popup, another tab) has a
// sessionStorage of its own: nothing it does reaches this window.
import { expect, fixture, html } from '@open-wc/testing';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { clock } from '../src/session/clock.js';
import { FakeClock } from './helpers/fake-clock.js';
import { ScriptedBackend } from './helpers/scripted-backend.js';
import { clearStorage, recordEvents, storageKey } from './helpers/fixtures.js';
import { waitUntil } from './helpers/wait-until.js';

interface OtherDocument extends Window {
  ready?: boolean;
  session: UserSessionElement;
  seen: { type: string; reason: string | null }[];
  fakeClock?: FakeClock;
}

const reasons = (events: CustomEvent[]): string[] => events.map((e) => `${e.type}:${(e.detail as { reason?: string }).reason}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** What is stored under the key or beside it (`<key>:news`…), in both areas. */
const leftUnder = (key: string): string[] =>
  [localStorage, sessionStorage].flatMap((area) => Object.keys(area).filter((k) => k.startsWith(key)));

describe('storage="session": a page and its same-origin frames', () => {
  let frame: HTMLIFrameElement | undefined;
  let popup: Window | null = null;
  let fake: FakeClock;
  beforeEach(() => {
    clearStorage();
    fake = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000).install(clock);
  });
  afterEach(() => {
    frame?.remove();
    frame = undefined;
    popup?.close();
    popup = null;
    fake.uninstall(clock);
    clearStorage();
  });

  const here = (): Promise<UserSessionElement> =>
    fixture<UserSessionElement>(html`<user-session backend="memory" storage="session" storage-key=${storageKey}></user-session>`);

  async function openFrame(page: 'other-tab' | 'idle-tab'): Promise<OtherDocument> {
    frame = document.createElement('iframe');
    frame.src = `/test/pages/${page}.html?key=${encodeURIComponent(storageKey)}&storage=session&t0=${fake.now()}`;
    document.body.append(frame);
    await waitUntil(() => (frame!.contentWindow as OtherDocument | null)?.ready === true, 'frame ready', { timeout: 8000 });
    return frame.contentWindow as OtherDocument;
  }

  it('a sign-in in the frame reaches the page, and the frame follows the page’s log-out', async () => {
    const session = await here();
    const other = await openFrame('other-tab');
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    await other.session.signUp('ada', 'a-long-password');
    await waitUntil(() => session.authenticated, 'the page follows the sign-in');
    expect(session.username).to.equal('ada');
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(reasons(events)).to.deep.equal(['logged-in:other-tab']);

    await session.logOut({ scope: 'local' });
    await waitUntil(() => !other.session.authenticated, 'the frame follows the log-out');
    expect(other.seen.map((e) => `${e.type}:${e.reason}`)).to.deep.equal(['logged-in:sign-up', 'logged-out:other-tab']);
    expect(leftUnder(storageKey)).to.deep.equal([]);
  });

  it('the frame’s idle sign-out reaches the page with reason idle, and nothing is left stored', async () => {
    const session = await here();
    const other = await openFrame('idle-tab');
    await other.session.signUp('ada', 'a-long-password');
    await waitUntil(() => session.authenticated, 'the page follows the sign-in');
    const events = recordEvents(session, ['logged-out']);
    other.fakeClock!.advance(16 * 60_000);
    await waitUntil(() => !session.authenticated, 'the page follows the idle sign-out');
    await sleep(50);
    expect(reasons(events)).to.deep.equal(['logged-out:idle']);
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(leftUnder(storageKey)).to.deep.equal([]);
  });

  it('another window (a popup) keeps its own session: its sign-in and log-out neither reach this one nor cut short its sign-in', async function () {
    const backend = new ScriptedBackend();
    const session = await fixture<UserSessionElement>(
      html`<user-session .backend=${backend} storage="session" storage-key=${storageKey}></user-session>`,
    );
    popup = window.open(`/test/pages/other-tab.html?key=${encodeURIComponent(storageKey)}&storage=session`, '_blank', 'popup');
    // WebKit's MiniBrowser under WebDriver blocks every popup a script opens: checked in Chromium and Firefox.
    if (!popup && navigator.userAgent.includes('AppleWebKit') && !navigator.userAgent.includes('Chrome')) this.skip();
    expect(popup, 'the popup opened').to.not.equal(null);
    await waitUntil(() => (popup as OtherDocument | null)?.ready === true, 'popup ready', { timeout: 8000 });
    const other = popup as OtherDocument;
    const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
    // This window's sign-up waits for its server while the popup signs in and out: a sign-out in
    // this window's own storage would make it moot, one in another window's must not.
    const signingUp = session.signUp('bob', 'a-long-password');
    await other.session.signUp('ada', 'a-long-password');
    await other.session.logOut({ scope: 'local' });
    // Long enough for a storage event or a channel message, and the kit's wait for its news.
    await sleep(600);
    expect(other.session.authenticated).to.equal(false);
    expect(reasons(events)).to.deep.equal([]);
    backend.settleAll();
    expect((await signingUp).username).to.equal('bob');
    expect(session.username).to.equal('bob');
    expect(reasons(events)).to.deep.equal(['logged-in:sign-up']);
    expect(sessionStorage.getItem(storageKey)).to.be.a('string');
  });
});
