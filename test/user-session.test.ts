import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { AuthError } from '../src/errors.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { afterConnect, clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';

const signal = () => new AbortController().signal;

/** Creates and connects a <user-session> the way a parser would, with everything set before connect. */
function connectSession(backend: RecordingBackend, attributes: Record<string, string> = {}): UserSessionElement {
  const el = document.createElement('user-session');
  el.backend = backend;
  el.setAttribute('storage-key', storageKey);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  document.body.append(el);
  return el;
}

describe('<user-session>', () => {
  const created: Element[] = [];
  beforeEach(clearStorage);
  afterEach(() => created.splice(0).forEach((el) => el.remove()));

  describe('authenticated attribute', () => {
    it('is output only: page code that sets or removes it is reverted', async () => {
      const { session } = await sessionWithAction();
      session.setAttribute('authenticated', '');
      expect(session).not.to.have.attribute('authenticated');
      await signIn(session);
      session.removeAttribute('authenticated');
      expect(session).to.have.attribute('authenticated');
      session.toggleAttribute('authenticated', false);
      expect(session.authenticated).to.equal(true);
      expect(session).to.have.attribute('authenticated');
    });

    it('an authenticated attribute written in the HTML does not sign anybody in', async () => {
      const el = await fixture<UserSessionElement>(html`<user-session authenticated storage-key=${storageKey}></user-session>`);
      expect(el).not.to.have.attribute('authenticated');
      expect(el.user).to.equal(null);
    });

    it('exposes :state(authenticated) where the browser supports custom states', async function () {
      const { session } = await sessionWithAction();
      let supported = true;
      try {
        session.matches(':state(authenticated)');
      } catch {
        supported = false;
      }
      if (!supported) this.skip();
      expect(session.matches(':state(authenticated)')).to.equal(false);
      await signIn(session);
      expect(session.matches(':state(authenticated)')).to.equal(true);
    });
  });

  describe('reading storage on connect', () => {
    it('sets the attribute synchronously on connect, before the first frame, and fires logged-in "restored" after that task', async () => {
      const backend = new RecordingBackend();
      const stored = await backend.logIn('ada', 'secret-pw', { signal: signal() });
      localStorage.setItem(storageKey, JSON.stringify(stored));
      const el = document.createElement('user-session');
      const events = recordEvents(el, ['logged-in']);
      el.backend = backend;
      el.storageKey = storageKey;
      document.body.append(el);
      created.push(el);
      expect(el).to.have.attribute('authenticated'); // no await: right at connect
      expect(el.username).to.equal('ada');
      expect(events, 'announced after the connecting task').to.have.length(0);
      await afterConnect();
      expect(events.map((e) => e.detail.reason)).to.deep.equal(['restored']);
      expect(events[0]!.detail.user).to.deep.equal(el.user);
    });

    it('checks the stored session with the server once and ends as logged-out "session-lost" when it is invalid', async () => {
      const backend = new RecordingBackend();
      localStorage.setItem(storageKey, JSON.stringify({ token: 'm:revoked', user: { id: 'u1', username: 'ada' } }));
      const el = connectSession(backend);
      created.push(el);
      expect(el).to.have.attribute('authenticated');
      const event = await oneEvent(el, 'logged-out');
      expect(event.detail).to.deep.equal({ reason: 'session-lost' });
      expect(el).not.to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(backend.count('currentUser')).to.equal(1);
    });

    it('stays signed in when the check cannot reach the server (offline is not logged out)', async () => {
      const backend = new RecordingBackend();
      const stored = await backend.logIn('ada', 'secret-pw', { signal: signal() });
      localStorage.setItem(storageKey, JSON.stringify(stored));
      const gate = backend.hold('currentUser');
      const el = connectSession(backend);
      created.push(el);
      const loggedOut = recordEvents(el, ['logged-out']);
      await afterConnect(); // the check has started
      gate.reject(new AuthError('network'));
      expect(await el.refresh()).to.deep.equal(el.user); // a second, explicit check goes through
      expect(el).to.have.attribute('authenticated');
      expect(loggedOut).to.have.length(0);
    });

    it('several elements on one key check the server once', async () => {
      const backend = new RecordingBackend();
      const stored = await backend.logIn('ada', 'secret-pw', { signal: signal() });
      localStorage.setItem(storageKey, JSON.stringify(stored));
      created.push(connectSession(backend), connectSession(backend), connectSession(backend));
      await new Promise((r) => setTimeout(r, 0));
      expect(backend.count('currentUser')).to.equal(1);
    });

    it('corrupt JSON or a value of the wrong shape reads as signed out, throws nothing, and loses no other key', async () => {
      for (const raw of ['{not json', '"a string"', '{"token":42,"user":{}}', 'null', '[1,2]']) {
        localStorage.setItem('someone-else', 'keep me');
        localStorage.setItem(storageKey, raw);
        const el = connectSession(new RecordingBackend());
        created.push(el);
        expect(el, raw).not.to.have.attribute('authenticated');
        expect(el.user).to.equal(null);
        expect(localStorage.getItem('someone-else')).to.equal('keep me');
        await signIn(el); // and it still works
        expect(el).to.have.attribute('authenticated');
        el.remove();
        localStorage.clear();
      }
    });

    it('a throwing Storage (blocked, full) falls back to memory: sign-in and sign-out still work, nothing thrown', async () => {
      const proto = Storage.prototype;
      const original = { getItem: proto.getItem, setItem: proto.setItem, removeItem: proto.removeItem };
      const fail = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
      proto.getItem = proto.setItem = proto.removeItem = fail;
      try {
        const { session, action } = await sessionWithAction(new RecordingBackend(), 'blocked-storage/key');
        expect(session).not.to.have.attribute('authenticated');
        await signIn(session);
        expect(session).to.have.attribute('authenticated');
        expect(await action.do()).to.equal(true);
        expect(session).not.to.have.attribute('authenticated');
      } finally {
        Object.assign(proto, original);
      }
    });
  });

  describe('storage modes and keys', () => {
    it('storage="session" keeps the session in sessionStorage only', async () => {
      const { session } = await sessionWithAction();
      session.storage = 'session';
      await session.updateComplete;
      await signIn(session);
      expect(sessionStorage.getItem(storageKey)).to.be.a('string');
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });

    it('storage="memory" writes to no Web Storage, and elements on that key share it', async () => {
      const backend = new RecordingBackend();
      const a = connectSession(backend, { storage: 'memory' });
      const b = connectSession(backend, { storage: 'memory' });
      created.push(a, b);
      await signIn(a);
      expect(localStorage.length + sessionStorage.length).to.equal(0);
      expect(b).to.have.attribute('authenticated');
    });

    it('the default key is Parse/<app-id>/currentUser, the Parse SDK key, and reads the SDK JSON shape', async () => {
      // What the Parse JavaScript SDK leaves after a log-in.
      localStorage.setItem(
        'Parse/demo-app/currentUser',
        JSON.stringify({
          username: 'ada',
          email: 'ada@example.com',
          objectId: 'u42',
          sessionToken: 'r:sdk-token',
          className: '_User',
        }),
      );
      // An unreachable server: validation fails with "network", which keeps the user signed in.
      const el = await fixture<UserSessionElement>(
        html`<user-session app-id="demo-app" server-url="http://127.0.0.1:9/parse"></user-session>`,
      );
      expect(el).to.have.attribute('authenticated');
      expect(el.user).to.deep.equal({ id: 'u42', username: 'ada', email: 'ada@example.com' });
    });

    it('changing storage-key while connected switches to that key', async () => {
      const backend = new RecordingBackend();
      const stored = await backend.logIn('ada', 'secret-pw', { signal: signal() });
      localStorage.setItem('other/key', JSON.stringify(stored));
      const el = connectSession(backend);
      created.push(el);
      expect(el).not.to.have.attribute('authenticated');
      el.setAttribute('storage-key', 'other/key');
      await el.updateComplete;
      expect(el).to.have.attribute('authenticated');
    });
  });

  describe('events', () => {
    it('logIn fires logged-in "log-in" with the frozen public user and resolves to it', async () => {
      const { session } = await sessionWithAction();
      const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
      const user = await session.logIn('ada', 'secret-pw');
      expect(events.map((e) => [e.type, e.detail.reason])).to.deep.equal([['logged-in', 'log-in']]);
      expect(events[0]!.detail.user).to.equal(user);
      expect(events[0]!.bubbles).to.equal(true);
      expect(events[0]!.composed).to.equal(false);
      expect(user).to.deep.equal({ id: user.id, username: 'ada', email: 'ada@example.com' });
      expect(Object.isFrozen(user)).to.equal(true);
      expect(session.userId).to.equal(user.id);
      expect(session.email).to.equal('ada@example.com');
    });

    it('signUp fires logged-in "sign-up"; a taken name rejects with username-taken', async () => {
      const { session } = await sessionWithAction();
      const event = oneEvent(session, 'logged-in');
      const user = await session.signUp('grace', 'pw-123', { email: 'grace@example.com' });
      expect((await event).detail.reason).to.equal('sign-up');
      expect(user.username).to.equal('grace');
      expect(user.email).to.equal('grace@example.com');
      const error = await session.signUp('ada', 'x').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AuthError);
      expect((error as AuthError).code).to.equal('username-taken');
    });

    it('wrong credentials reject with invalid-credentials; empty ones with bad-request and no backend call', async () => {
      const { session, backend } = await sessionWithAction();
      const wrong = await session.logIn('ada', 'nope').catch((e: AuthError) => e);
      expect(wrong.code).to.equal('invalid-credentials');
      const empty = await session.logIn('', '').catch((e: AuthError) => e);
      expect(empty.code).to.equal('bad-request');
      expect(backend.count('logIn')).to.equal(1);
      expect(session).not.to.have.attribute('authenticated');
    });

    it('refresh() fires user-change when the server has new public fields', async () => {
      const backend = new RecordingBackend();
      const { session } = await sessionWithAction(backend);
      await signIn(session);
      const original = backend.currentUser.bind(backend);
      backend.currentUser = async (s, o) => ({ ...(await original(s, o)), email: 'new@example.com' });
      const change = oneEvent(session, 'user-change');
      await session.refresh();
      expect((await change).detail.user.email).to.equal('new@example.com');
      expect(session.email).to.equal('new@example.com');
    });
  });

  describe('several elements on one key', () => {
    it('stay in step: one signs in or out, every one flips and fires exactly once', async () => {
      const backend = new RecordingBackend();
      const [a, b, c] = [connectSession(backend), connectSession(backend), connectSession(backend)];
      created.push(a, b, c);
      const events = [a, b, c].map((el) => recordEvents(el, ['logged-in', 'logged-out']));
      await afterConnect();
      await signIn(a);
      expect([a, b, c].map((el) => el.hasAttribute('authenticated'))).to.deep.equal([true, true, true]);
      const result = await b.logOut();
      expect(result).to.deep.equal({
        ok: true,
        scope: 'current',
        revoked: true,
        signedOutLocally: true,
        revocationPending: false,
      });
      expect([a, b, c].map((el) => el.hasAttribute('authenticated'))).to.deep.equal([false, false, false]);
      for (const seen of events) {
        expect(seen.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:log-in', 'logged-out:log-out']);
      }
      expect(backend.count('logOut')).to.equal(1);
    });
  });

  describe('disconnect and reconnect', () => {
    it('a disconnected element stops following; on reconnect it catches up once, with the reason of the change', async () => {
      const backend = new RecordingBackend();
      const [a, b] = [connectSession(backend), connectSession(backend)];
      created.push(a, b);
      await afterConnect();
      await signIn(a);
      b.remove();
      const events = recordEvents(b, ['logged-in', 'logged-out']);
      await a.logOut();
      expect(events).to.have.length(0);
      expect(b).to.have.attribute('authenticated'); // frozen while away
      document.body.append(b);
      expect(b).not.to.have.attribute('authenticated');
      await afterConnect();
      expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-out:log-out']);
    });

    it('moving an element (disconnect + connect) fires nothing and keeps working', async () => {
      const { session, action } = await sessionWithAction();
      await signIn(session);
      const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
      const box = document.createElement('div');
      document.body.append(box);
      created.push(box);
      box.append(session);
      expect(events).to.have.length(0);
      expect(session).to.have.attribute('authenticated');
      expect(await action.do()).to.equal(true);
      expect(events.map((e) => e.type)).to.deep.equal(['logged-out']);
    });

    it('a disconnected element answers calls without throwing: log-out (nothing stored) succeeds, log-in says misconfigured', async () => {
      const el = document.createElement('user-session');
      el.backend = new RecordingBackend();
      const result = await el.logOut();
      expect(result).to.deep.equal({
        ok: true,
        scope: 'current',
        revoked: false,
        signedOutLocally: false,
        revocationPending: false,
      });
      const error = await el.logIn('ada', 'secret-pw').catch((e: AuthError) => e);
      expect(error.code).to.equal('misconfigured');
    });
  });

  it('a key removed while every element was away reads as signed out elsewhere ("other-tab"), not "session-lost"', async () => {
    const backend = new RecordingBackend();
    const el = connectSession(backend);
    created.push(el);
    await signIn(el);
    el.remove();
    localStorage.removeItem(storageKey);
    const events = recordEvents(el, ['logged-out']);
    document.body.append(el);
    await afterConnect();
    expect(events.map((e) => e.detail.reason)).to.deep.equal(['other-tab']);
  });

  describe('bad settings', () => {
    it('an unknown backend gives misconfigured errors; log-out still signs out locally', async () => {
      localStorage.setItem(storageKey, JSON.stringify({ token: 't', user: { id: 'u1' } }));
      const el = await fixture<UserSessionElement>(
        html`<user-session backend="firebase" storage-key=${storageKey}></user-session>`,
      );
      expect(el).to.have.attribute('authenticated');
      const result = await el.logOut();
      expect(result.ok).to.equal(false);
      expect(result.signedOutLocally).to.equal(true);
      expect(result.error!.code).to.equal('misconfigured');
      expect(el).not.to.have.attribute('authenticated');
      const error = await el.logIn('ada', 'x').catch((e: AuthError) => e);
      expect(error.code).to.equal('misconfigured');
      expect(error.message).to.contain('Unknown backend "firebase"');
    });

    it('a malformed server-url or missing app-id gives misconfigured errors that say what to set', async () => {
      const el = await fixture<UserSessionElement>(html`<user-session server-url="not a url" app-id="a"></user-session>`);
      const badUrl = await el.logIn('ada', 'x').catch((e: AuthError) => e);
      expect(badUrl.code).to.equal('misconfigured');
      expect(badUrl.message).to.contain('server-url');
      // A path is taken on the page's origin only when it starts with "/".
      el.setAttribute('server-url', 'parse');
      const relative = await el.logIn('ada', 'x').catch((e: AuthError) => e);
      expect(relative.code).to.equal('misconfigured');
      expect(relative.message).to.contain('"parse" is unusable');
      el.removeAttribute('app-id');
      el.setAttribute('server-url', 'http://127.0.0.1:9/parse');
      const noApp = await el.logIn('ada', 'x').catch((e: AuthError) => e);
      expect(noApp.code).to.equal('misconfigured');
      expect(noApp.message).to.contain('app-id');
    });

    it('a nonsense timeout falls back to the default instead of failing every request', async () => {
      const { session } = await sessionWithAction();
      session.setAttribute('timeout', 'soon');
      await signIn(session);
      expect(session).to.have.attribute('authenticated');
    });
  });
});
