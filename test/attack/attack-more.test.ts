// Regression tests from an outside attack pass (black box: the tester had only README and SPEC):
// junk `timeout` values, sessions that never upgrade, custom tag names, real storage quota,
// throwing storage, another tab (a same-origin iframe running tab.html). Each attack that found a
// defect, or probed a promise worth keeping, stays here as a regression test.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/index.js';
import { AuthError, MemoryBackend, UserSessionElement as UserSessionClass } from '../../src/index.js';
import type { AuthBackend } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from '../helpers/fixtures.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { fillStorage, type Filler } from '../helpers/fill-storage.js';
import { nextTask, outboxKeyOf, storedToken } from './attack-helpers.js';

/** A memory backend whose every answer takes `ms` (network latency). */
function slowBackend(ms: number): AuthBackend {
  const memory = new MemoryBackend({ users: [{ username: 'ada', password: 'secret-pw' }] });
  const later = <T>(answer: () => Promise<T>) => new Promise<void>((r) => setTimeout(r, ms)).then(answer);
  return {
    logIn: (u, p, o) => later(() => memory.logIn(u, p, o)),
    logOut: (s, o) => later(() => memory.logOut(s, o)),
    currentUser: (s, o) => later(() => memory.currentUser(s, o)),
  };
}

describe('attack regressions: timeouts, finding the session, storage, tabs', () => {
  beforeEach(clearStorage);
  afterEach(clearStorage);

  describe('junk `timeout` values', () => {
    for (const value of ['abc', '-1', '', '99999999999', '1e12', ' 5000 ']) {
      it(`timeout="${value}" still leaves time for a backend answering in 60 ms: log-in and log-out succeed`, async () => {
        const session = await fixture<UserSessionElement>(
          html`<user-session .backend=${slowBackend(60)} timeout=${value} storage-key=${storageKey}></user-session>`,
        );
        await session.logIn('ada', 'secret-pw');
        expect(session.authenticated).to.equal(true);
        const result = await session.logOut();
        expect(result.ok, result.error?.code).to.equal(true);
      });
    }
  });

  describe('finding the session', () => {
    it('sessionElement set to a <user-session> of an inert document (it can never upgrade): do() fails no-session, not stuck', async () => {
      const dead = document.implementation.createHTMLDocument('').createElement('user-session');
      const action = await fixture<LogOutActionElement>(html`<log-out-action></log-out-action>`);
      action.sessionElement = dead as unknown as UserSessionElement;
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('no-session');
      expect(action.busy).to.equal(false);
    });

    it('an action inside a subclass of the session element under another tag name signs that session out', async () => {
      if (!customElements.get('attack-session')) customElements.define('attack-session', class extends UserSessionClass {});
      const session = await fixture<UserSessionElement>(
        html`<attack-session .backend=${new RecordingBackend()} storage-key=${storageKey}
          ><log-out-action></log-out-action
        ></attack-session>`,
      );
      await signIn(session);
      const action = session.querySelector<LogOutActionElement>('log-out-action')!;
      const outcome = recordEvents(action, ['success', 'failure']);
      expect(await action.do()).to.equal(true);
      expect(outcome.map((e) => e.type)).to.deep.equal(['success']);
      expect(session.authenticated).to.equal(false);
    });

    it('markup in `label` is shown as text: no element is injected into the button', async () => {
      const markup = '<img src=x onerror="window.__attackXss=1">';
      const action = await fixture<LogOutActionElement>(html`<log-out-action label=${markup}></log-out-action>`);
      await action.updateComplete;
      const button = action.shadowRoot!.querySelector('button')!;
      expect(button.textContent).to.equal(markup);
      expect(button.children.length).to.equal(0);
      expect(action.shadowRoot!.querySelector('img')).to.equal(null);
    });
  });

  describe('real storage quota (SPEC §7.2)', () => {
    let filler: Filler | null = null;
    afterEach(() => {
      filler?.release();
      filler = null;
    });

    it('a failed revocation with localStorage full queues the token in localStorage (removing the session made room)', async () => {
      // The user record is bigger than an outbox entry, so removing it frees room for the entry.
      const backend = new RecordingBackend({ users: [{ username: 'ada', password: 'secret-pw', bio: 'b'.repeat(400) }] });
      const { session, action } = await sessionWithAction(backend);
      await signIn(session);
      const token = storedToken();
      filler = fillStorage();
      backend.hold('logOut').reject(new AuthError('network'));
      expect(await action.do()).to.equal(false);
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(localStorage.getItem(outboxKeyOf(storageKey)) ?? '', 'a reload would never revoke it').to.contain(token);
    });

    it('logIn() as a bigger user over a stored session with localStorage full: the old session is not left in storage', async () => {
      const backend = new RecordingBackend({
        users: [
          { username: 'ada', password: 'secret-pw' },
          { username: 'bob', password: 'pw', bio: 'b'.repeat(8192) },
        ],
      });
      const { session, action } = await sessionWithAction(backend);
      await session.logIn('ada', 'secret-pw');
      filler = fillStorage();
      await session.logIn('bob', 'pw');
      expect(session.username).to.equal('bob');
      expect(localStorage.getItem(storageKey) ?? '', 'a reload would bring ada back').not.to.contain('"ada"');
      expect(await action.do()).to.equal(true);
      session.remove();
      const reloaded = await fixture<UserSessionElement>(
        html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
      );
      expect(reloaded.authenticated).to.equal(false);
    });

    it('storage="session" with sessionStorage full: log-in works from memory, log-out leaves nothing in either area', async () => {
      filler = fillStorage(sessionStorage);
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${new RecordingBackend()} storage="session" storage-key=${storageKey}></user-session>`,
      );
      await signIn(session);
      expect(session.authenticated).to.equal(true);
      expect((await session.logOut()).ok).to.equal(true);
      expect(sessionStorage.getItem(storageKey)).to.equal(null);
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });
  });

  describe('throwing storage', () => {
    it('removeItem throwing for the session key: log-out fails with signedOutLocally false', async () => {
      const { session, action } = await sessionWithAction();
      await signIn(session);
      const original = Storage.prototype.removeItem;
      Storage.prototype.removeItem = function (this: Storage, key: string) {
        if (key === storageKey) throw new DOMException('denied', 'SecurityError');
        return original.call(this, key);
      };
      try {
        const failure = oneEvent(action, 'failure');
        expect(await action.do()).to.equal(false);
        expect((await failure).detail.signedOutLocally).to.equal(false);
      } finally {
        Storage.prototype.removeItem = original;
      }
    });

    it('Storage.getItem throwing (setItem working): log-in and log-out still work, from memory', async () => {
      // README: "`storage` falls back to memory where Web Storage is blocked"; SPEC §1: "Where the
      // chosen Web Storage is unavailable or throws (...), fall back to memory and keep working."
      const original = Storage.prototype.getItem;
      Storage.prototype.getItem = function () {
        throw new DOMException('blocked', 'SecurityError');
      };
      try {
        const { session, action } = await sessionWithAction();
        expect(session.authenticated).to.equal(false);
        await signIn(session);
        expect(session.authenticated).to.equal(true);
        expect(await action.do()).to.equal(true);
        expect(session.authenticated).to.equal(false);
      } finally {
        Storage.prototype.getItem = original;
      }
    });

    for (const [name, blocked] of [
      ['null (Firefox with dom.storage disabled)', () => null],
      [
        'a getter that throws SecurityError (cookies blocked)',
        () => {
          throw new DOMException('blocked', 'SecurityError');
        },
      ],
    ] as const) {
      it(`window.localStorage being ${name}: log-in and log-out work from memory`, async () => {
        const descriptor = Object.getOwnPropertyDescriptor(window, 'localStorage')!;
        Object.defineProperty(window, 'localStorage', { configurable: true, get: blocked });
        try {
          const { session, action } = await sessionWithAction();
          await signIn(session);
          expect(session.authenticated).to.equal(true);
          expect(await action.do()).to.equal(true);
          expect(session.authenticated).to.equal(false);
        } finally {
          Object.defineProperty(window, 'localStorage', descriptor);
        }
      });
    }
  });

  describe('another tab (same-origin iframe)', () => {
    /** What tab.html exposes on its window. */
    type TabWindow = Window & {
      ready?: boolean;
      session: UserSessionElement;
      seen: string[];
      gates: (() => void)[];
      holdNext?: boolean;
    };
    const frames: HTMLIFrameElement[] = [];
    afterEach(() => frames.splice(0).forEach((f) => f.remove()));

    async function openTab(key: string): Promise<TabWindow> {
      const frame = document.createElement('iframe');
      frame.src = `/test/attack/tab.html?key=${encodeURIComponent(key)}`;
      document.body.append(frame);
      frames.push(frame);
      const win = frame.contentWindow as TabWindow;
      await waitUntil(() => win.ready, 'tab ready', { timeout: 8000 });
      return win;
    }

    /** A backend that takes any stored token for valid, like a server that knows it. */
    function trusting(): AuthBackend {
      return {
        logIn: async (u) => ({ token: `top:${Math.random().toString(36).slice(2)}`, user: { id: `u-${u}`, username: u } }),
        logOut: async () => {},
        currentUser: async (s) => ({ ...s.user }),
      };
    }

    it('a refresh() in the other tab answered after this tab logged out does not write the session back', async () => {
      const key = `attack/tab/${Math.random()}`;
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${trusting()} storage-key=${key}><log-out-action></log-out-action></user-session>`,
      );
      const tab = await openTab(key);
      await session.logIn('ada', 'pw');
      await waitUntil(() => tab.session.authenticated, 'the tab follows the log-in', { timeout: 4000 });
      tab.holdNext = true;
      const refreshed = tab.session.refresh().catch(() => null);
      await waitUntil(() => tab.gates.length > 0, 'the tab refresh is held');
      expect(await session.querySelector<LogOutActionElement>('log-out-action')!.do()).to.equal(true);
      await waitUntil(() => !tab.session.authenticated, 'the tab follows the log-out', { timeout: 4000 });
      tab.gates.forEach((release) => release());
      await refreshed;
      await nextTask();
      expect(localStorage.getItem(key)).to.equal(null);
      expect(tab.session.authenticated).to.equal(false);
      expect(session.authenticated).to.equal(false);
      expect(tab.seen).to.deep.equal(['logged-in:other-tab', 'logged-out:other-tab']);
    });

    it('a <user-session> disconnected in the other tab while this tab logs out is signed out when reconnected', async () => {
      const key = `attack/tab/${Math.random()}`;
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${trusting()} storage-key=${key}></user-session>`,
      );
      const tab = await openTab(key);
      await session.logIn('ada', 'pw');
      await waitUntil(() => tab.session.authenticated, 'the tab follows the log-in', { timeout: 4000 });
      const parent = tab.session.parentNode!;
      tab.session.remove();
      await session.logOut();
      parent.appendChild(tab.session);
      await waitUntil(() => !tab.session.authenticated, 'the reconnected tab session is signed out');
      await nextTask();
      expect(tab.session.authenticated).to.equal(false);
      expect(tab.seen).to.deep.equal(['logged-in:other-tab', 'logged-out:other-tab']);
    });
  });
});
