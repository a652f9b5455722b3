import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { delayChannelMessages } from './helpers/late-messages.js';
import { AuthError } from '../src/errors.js';
import { clock, recheckGap } from '../src/session/clock.js';
import { parseDuration } from '../src/features/watch.js';
import { FakeClock } from './helpers/fake-clock.js';
import { afterConnect, clearStorage, recordEvents, signIn, storageKey, uncaught } from './helpers/fixtures.js';
import { RecordingBackend } from './helpers/recording-backend.js';

const activityKey = `${storageKey}:last-activity`;
const minute = 60_000;
/** A round start, the same in every tab of a test. */
const t0 = () => Math.floor(Date.now() / minute) * minute;

async function session(
  attributes: Record<string, string> = {},
  backend = new RecordingBackend(),
): Promise<{ session: UserSessionElement; backend: RecordingBackend }> {
  const element = await fixture<UserSessionElement>(
    html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
  );
  // Attributes set after connect: the watch takes them at the next update.
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  await element.updateComplete;
  await afterConnect();
  return { session: element, backend };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

/** Makes the page look hidden (or visible again) to the kit. */
function pretendHidden(hidden: boolean): void {
  if (hidden) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  else delete (document as unknown as Record<string, unknown>).visibilityState;
}

describe('durations', () => {
  it('reads 90s, 5m, 1h, ms and plain numbers; anything else is off (null), never a throw', () => {
    expect(parseDuration('90s')).to.equal(90_000);
    expect(parseDuration(' 5M ')).to.equal(300_000);
    expect(parseDuration('1h')).to.equal(3_600_000);
    expect(parseDuration('250ms')).to.equal(250);
    expect(parseDuration('1500')).to.equal(1500);
    expect(parseDuration('1.5m')).to.equal(90_000);
    for (const bad of ['', ' ', 'soon', '-5m', '0', '0s', '1e3', '5 minutes', '9999h', 'NaN', 'Infinity', '5m5s', '0x10']) {
      expect(parseDuration(bad), bad).to.equal(null);
    }
    expect(parseDuration(300_000)).to.equal(300_000);
    for (const bad of [null, undefined, -1, NaN, Infinity, 1e300, {}, [], Symbol('x'), { toString: () => '5m' }])
      expect(parseDuration(bad)).to.equal(null);
  });
});

describe('sessions that notice', () => {
  let fake: FakeClock;
  beforeEach(() => {
    clearStorage();
    fake = new FakeClock(t0()).install(clock);
  });
  afterEach(() => {
    fake.uninstall(clock);
    pretendHidden(false);
  });

  describe('ready', () => {
    it('settles once the first check after connect has finished, with the user then', async () => {
      const backend = new RecordingBackend();
      const first = await session({}, backend);
      await signIn(first.session);
      first.session.remove(); // the next element finds a stored session nobody on the page has checked
      const gate = backend.hold('currentUser');
      const element = document.createElement('user-session');
      element.backend = backend;
      element.setAttribute('storage-key', storageKey);
      document.body.append(element);
      try {
        let settled: unknown = 'no';
        void element.ready.then((user) => (settled = user));
        expect(element.authenticated, 'readable at once').to.equal(true);
        await afterConnect();
        await settle();
        expect(settled, 'waits for the server').to.equal('no');
        expect(backend.count('currentUser')).to.equal(1);
        gate.resolve();
        const user = await element.ready;
        expect(user?.username).to.equal('ada');
      } finally {
        element.remove();
      }
    });

    it('settles with null when signed out, and with the user still signed in when the server cannot be reached', async () => {
      const backend = new RecordingBackend();
      const { session: signedOut } = await session({}, backend);
      expect(await signedOut.ready).to.equal(null);
      await signIn(signedOut);
      signedOut.remove();
      const gate = backend.hold('currentUser');
      const again = await session({}, backend);
      gate.reject(new AuthError('network', 'offline'));
      const user = await again.session.ready;
      expect(user?.username).to.equal('ada');
      expect(again.session.authenticated).to.equal(true);
    });

    it('an invalid stored session: ready settles with null after logged-out "session-lost"', async () => {
      const backend = new RecordingBackend();
      const first = await session({}, backend);
      await signIn(first.session);
      first.session.remove();
      const gate = backend.hold('currentUser');
      const element = document.createElement('user-session');
      element.backend = backend;
      element.setAttribute('storage-key', storageKey);
      document.body.append(element);
      try {
        // A listener attached late, as in React's useEffect: await ready, then read the state.
        await afterConnect();
        const seen = recordEvents(element, ['logged-out']);
        gate.reject(new AuthError('invalid-session', 'gone'));
        expect(await element.ready).to.equal(null);
        expect(element.authenticated).to.equal(false);
        expect(seen.map((e) => e.detail.reason)).to.deep.equal(['session-lost']);
      } finally {
        element.remove();
      }
    });
  });

  describe('re-validation', () => {
    it('re-checks when the page becomes visible again and on online, at most once per 30 s for all elements on the key', async () => {
      const { session: a, backend } = await session();
      const b = document.createElement('user-session');
      b.backend = backend;
      b.setAttribute('storage-key', storageKey);
      a.after(b);
      await signIn(a);
      const before = backend.count('currentUser');
      document.dispatchEvent(new Event('visibilitychange'));
      expect(backend.count('currentUser'), 'one element asks').to.equal(before + 1);
      window.dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
      expect(backend.count('currentUser'), 'throttled').to.equal(before + 1);
      fake.advance(recheckGap);
      window.dispatchEvent(new Event('online'));
      expect(backend.count('currentUser')).to.equal(before + 2);
      b.remove();
    });

    it('not while signed out', async () => {
      const { backend } = await session();
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('online'));
      expect(backend.count('currentUser')).to.equal(0);
    });

    it('revalidate="5m" re-checks every 5 minutes; an unreadable value is off', async () => {
      const { session: element, backend } = await session({ revalidate: '5m' });
      await signIn(element);
      fake.advance(4 * minute);
      expect(backend.count('currentUser')).to.equal(0);
      fake.advance(minute);
      expect(backend.count('currentUser')).to.equal(1);
      await settle();
      fake.advance(10 * minute);
      await settle();
      expect(backend.count('currentUser')).to.equal(3);
      element.setAttribute('revalidate', 'every now and then');
      await element.updateComplete;
      fake.advance(60 * minute);
      expect(backend.count('currentUser')).to.equal(3);
      expect(element.authenticated).to.equal(true);
    });

    it('a session the server no longer knows ends as session-lost here and in the other tab', async () => {
      const { session: element, backend } = await session();
      const frame = document.createElement('iframe');
      frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(storageKey)}`;
      document.body.append(frame);
      type Tab = Window & { ready?: boolean; session: UserSessionElement; seen: { type: string; reason: string | null }[] };
      try {
        await waitUntil(() => (frame.contentWindow as Tab | null)?.ready === true, 'other tab', { timeout: 8000 });
        const tab = frame.contentWindow as Tab;
        await signIn(element);
        await waitUntil(() => tab.session.authenticated, 'other tab signed in');
        const gate = backend.hold('currentUser');
        document.dispatchEvent(new Event('visibilitychange'));
        gate.reject(new AuthError('invalid-session', 'revoked elsewhere'));
        await waitUntil(() => !element.authenticated, 'signed out here');
        await waitUntil(() => !tab.session.authenticated, 'signed out there');
        await settle();
        expect(tab.seen.at(-1)).to.include({ type: 'logged-out', reason: 'session-lost' });
      } finally {
        frame.remove();
      }
    });

    it("the other tab says session-lost even when this tab's channel message comes 1.5 s late (a loaded machine)", async () => {
      const { session: element, backend } = await session();
      const frame = document.createElement('iframe');
      frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(storageKey)}`;
      document.body.append(frame);
      type Tab = Window & { ready?: boolean; session: UserSessionElement; seen: { type: string; reason: string | null }[] };
      let restore = () => {};
      try {
        await waitUntil(() => (frame.contentWindow as Tab | null)?.ready === true, 'other tab', { timeout: 8000 });
        const tab = frame.contentWindow as Tab;
        await signIn(element);
        await waitUntil(() => tab.session.authenticated, 'other tab signed in');
        restore = delayChannelMessages(window, 1500);
        const gate = backend.hold('currentUser');
        document.dispatchEvent(new Event('visibilitychange'));
        gate.reject(new AuthError('invalid-session', 'revoked elsewhere'));
        await waitUntil(() => !tab.session.authenticated, 'signed out there');
        expect(tab.seen.filter((e) => e.type === 'logged-out').map((e) => e.reason)).to.deep.equal(['session-lost']);
        expect(Object.keys(localStorage).filter((k) => k.startsWith(storageKey))).to.deep.equal([]);
        // The late message, when it comes, changes nothing there.
        await new Promise((resolve) => setTimeout(resolve, 1700));
        expect(tab.seen.filter((e) => e.type === 'logged-out').map((e) => e.reason)).to.deep.equal(['session-lost']);
      } finally {
        restore();
        frame.remove();
      }
    });
  });

  describe('idle sign-out', () => {
    it('warns idle-warning before, then signs out with reason idle and revokes the session', async () => {
      const { session: element, backend } = await session({ 'idle-timeout': '15m', 'idle-warning': '60s' });
      const seen = recordEvents(element, ['idle-warning', 'logged-out']);
      await signIn(element);
      const start = fake.now();
      fake.advance(14 * minute - 1);
      expect(seen).to.have.length(0);
      fake.advance(1);
      expect(seen.map((e) => e.type)).to.deep.equal(['idle-warning']);
      expect(seen[0]!.detail.logsOutAt).to.equal(start + 15 * minute);
      expect(seen[0]!.cancelable).to.equal(true);
      fake.advance(minute);
      expect(element.authenticated).to.equal(false);
      expect(seen.map((e) => `${e.type}:${e.detail.reason ?? ''}`)).to.deep.equal(['idle-warning:', 'logged-out:idle']);
      await settle();
      expect(backend.count('logOut')).to.equal(1);
      expect(backend.activeSessions).to.equal(0);
    });

    it('preventDefault() on idle-warning keeps the user signed in, as does activity', async () => {
      const { session: element } = await session({ 'idle-timeout': '15m', 'idle-warning': '60s' });
      const warnings = recordEvents(element, ['idle-warning']);
      element.addEventListener('idle-warning', (e) => e.preventDefault(), { once: true });
      await signIn(element);
      const start = fake.now();
      fake.advance(16 * minute);
      expect(element.authenticated, 'stayed').to.equal(true);
      expect(warnings).to.have.length(1);
      fake.advance(8 * minute); // now start + 24m: active at 28m into the second period
      document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      fake.advance(10 * minute);
      expect(element.authenticated, 'activity').to.equal(true);
      expect(warnings).to.have.length(1);
      fake.advance(10 * minute);
      expect(warnings).to.have.length(2);
      expect(warnings[1]!.detail.logsOutAt).to.equal(start + 24 * minute + 15 * minute);
      fake.advance(minute);
      expect(element.authenticated).to.equal(false);
    });

    it('a hidden tab: events there do not count, its timers write no activity', async () => {
      const { session: element } = await session({ 'idle-timeout': '15m' });
      await signIn(element);
      const written = localStorage.getItem(activityKey);
      pretendHidden(true);
      for (let i = 0; i < 14; i++) {
        fake.advance(minute);
        window.dispatchEvent(new KeyboardEvent('keydown'));
        window.dispatchEvent(new FocusEvent('focus'));
        document.dispatchEvent(new Event('visibilitychange'));
      }
      expect(localStorage.getItem(activityKey)).to.equal(written);
      fake.advance(minute);
      expect(element.authenticated).to.equal(false);
    });

    it('a tampered last-activity (far future, garbage) is clamped to now, never keeps the user signed in forever', async () => {
      const { session: element } = await session({ 'idle-timeout': '15m' });
      const seen = recordEvents(element, ['logged-out']);
      await signIn(element);
      localStorage.setItem(activityKey, String(8.64e15));
      fake.advance(15 * minute);
      expect(element.authenticated, 'one more period at most').to.equal(true);
      expect(Number(localStorage.getItem(activityKey))).to.equal(fake.now());
      fake.advance(15 * minute);
      expect(element.authenticated).to.equal(false);
      await signIn(element);
      localStorage.setItem(activityKey, 'garbage');
      fake.advance(15 * minute);
      expect(element.authenticated).to.equal(false);
      expect(seen.map((e) => e.detail.reason)).to.deep.equal(['idle', 'idle']);
    });

    it('a session restored after the idle time passed ends as idle on load', async () => {
      const backend = new RecordingBackend();
      const first = await session({ 'idle-timeout': '15m' }, backend);
      await signIn(first.session);
      first.session.remove();
      fake.advance(20 * minute); // the page was closed meanwhile
      const element = document.createElement('user-session');
      element.backend = backend;
      element.setAttribute('storage-key', storageKey);
      element.setAttribute('idle-timeout', '15m');
      const seen = recordEvents(element, ['logged-in', 'logged-out']);
      document.body.append(element);
      try {
        await element.ready;
        expect(element.authenticated).to.equal(false);
        expect(seen.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:restored', 'logged-out:idle']);
      } finally {
        element.remove();
      }
    });

    it('nothing runs without idle-timeout, or with unreadable values; no exception', async () => {
      const { session: element } = await session({ revalidate: '-1', 'idle-warning': 'soon' });
      await signIn(element);
      for (const [timeout, warning] of [
        ['', ''],
        ['forever', '60s'],
        ['-15m', '1m'],
        ['0', '0'],
        ['1e999', 'NaN'],
        ['99999h', '{}'],
        ['15 minutes', '<script>'],
      ] as const) {
        element.setAttribute('idle-timeout', timeout);
        element.setAttribute('idle-warning', warning);
        await element.updateComplete;
        fake.advance(24 * 60 * minute);
      }
      expect(element.authenticated).to.equal(true);
      expect(uncaught).to.have.length(0);
      // A warning not shorter than the timeout is off; the timeout still counts.
      const warnings = recordEvents(element, ['idle-warning']);
      element.setAttribute('idle-timeout', '1m');
      element.setAttribute('idle-warning', '5m');
      await element.updateComplete;
      fake.advance(minute);
      expect(element.authenticated).to.equal(false);
      expect(warnings).to.have.length(0);
    });
  });

  describe('idle sign-out across two tabs', () => {
    interface IdleTab extends Window {
      ready?: boolean;
      session: UserSessionElement;
      fakeClock: FakeClock;
      stay: boolean;
      seen: { type: string; reason: string | null; logsOutAt: number | null }[];
    }
    async function openIdleTab(): Promise<{ tab: IdleTab; close(): void }> {
      const frame = document.createElement('iframe');
      frame.src = `/test/pages/idle-tab.html?key=${encodeURIComponent(storageKey)}&t0=${fake.now()}`;
      document.body.append(frame);
      await waitUntil(() => (frame.contentWindow as IdleTab | null)?.ready === true, 'idle tab ready', { timeout: 8000 });
      return { tab: frame.contentWindow as IdleTab, close: () => frame.remove() };
    }
    /** Both tabs' clocks move on together, this one first. */
    const advanceBoth = (tab: IdleTab, ms: number) => {
      fake.advance(ms);
      tab.fakeClock.advance(ms);
    };

    it('activity in the other tab keeps this one signed in; then the idle sign-out reaches both with reason idle', async () => {
      const { session: element, backend } = await session({ 'idle-timeout': '15m', 'idle-warning': '60s' });
      const { tab, close } = await openIdleTab();
      try {
        const here = recordEvents(element, ['idle-warning', 'logged-out']);
        await signIn(element);
        await waitUntil(() => tab.session.authenticated, 'other tab signed in');
        const start = fake.now();
        advanceBoth(tab, 10 * minute);
        tab.dispatchEvent(new (tab as unknown as typeof globalThis).PointerEvent('pointerdown'));
        advanceBoth(tab, 6 * minute);
        expect(element.authenticated, 'kept by the other tab').to.equal(true);
        expect(here).to.have.length(0);
        advanceBoth(tab, 8 * minute); // start + 24m: the warning of the period that began at 10m
        expect(here.map((e) => e.detail.logsOutAt)).to.deep.equal([start + 25 * minute]);
        expect(tab.seen.filter((e) => e.type === 'idle-warning').map((e) => e.logsOutAt)).to.deep.equal([start + 25 * minute]);
        advanceBoth(tab, minute);
        await waitUntil(() => !element.authenticated && !tab.session.authenticated, 'both signed out');
        await settle();
        expect(here.at(-1)!.detail.reason).to.equal('idle');
        expect(tab.seen.at(-1)).to.include({ type: 'logged-out', reason: 'idle' });
        expect(backend.count('logOut')).to.equal(1);
      } finally {
        close();
      }
    });

    it('the other tab hears the idle sign-out from this one (TabSync carries idle), its own timer not run', async () => {
      const { session: element } = await session({ 'idle-timeout': '15m' });
      const { tab, close } = await openIdleTab();
      try {
        await signIn(element);
        await waitUntil(() => tab.session.authenticated, 'other tab signed in');
        fake.advance(15 * minute); // only this tab's clock
        expect(element.authenticated).to.equal(false);
        await waitUntil(() => !tab.session.authenticated, 'other tab signed out');
        expect(tab.seen.at(-1)).to.include({ type: 'logged-out', reason: 'idle' });
      } finally {
        close();
      }
    });

    it('"stay signed in" in the other tab (preventDefault on its warning) keeps both signed in', async () => {
      const { session: element } = await session({ 'idle-timeout': '15m', 'idle-warning': '60s' });
      const { tab, close } = await openIdleTab();
      try {
        tab.stay = true;
        await signIn(element);
        await waitUntil(() => tab.session.authenticated, 'other tab signed in');
        advanceBoth(tab, 14 * minute);
        expect(tab.seen.filter((e) => e.type === 'idle-warning')).to.have.length(1);
        advanceBoth(tab, 2 * minute);
        expect(element.authenticated).to.equal(true);
        expect(tab.session.authenticated).to.equal(true);
      } finally {
        close();
      }
    });
  });
});
