// What frameworks rely on (issue #14; the apps in examples/frameworks drive the same in real
// React, Preact, Vue, Svelte and Angular builds, see test/frameworks):
// - every public property is an accessor, so a framework that sets a property only where the
//   prototype chain has a setter (Svelte 5) sets it as one, never as an attribute;
// - what connecting finds is in the attribute at once and announced after the connecting task,
//   when a framework that attaches listeners while inserting the element has them;
// - the server is asked after that task too, with settings bound right after the connect (Angular).
import { expect, oneEvent } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import type { LogInActionElement } from '../src/elements/log-in-action.js';
import type { SignUpActionElement } from '../src/elements/sign-up-action.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { clearStorage, recordEvents, storageKey } from './helpers/fixtures.js';

const signal = () => new AbortController().signal;
const nextTask = () => new Promise((resolve) => setTimeout(resolve));

/** Svelte 5's `set_custom_element_data`: a property where the prototype chain has a setter, else an attribute. */
function setLikeSvelte(node: Element, prop: string, value: unknown): void {
  const setters = new Set<string>();
  for (let proto: object = node; proto !== Element.prototype; proto = Object.getPrototypeOf(proto) as object) {
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) if (descriptor.set) setters.add(key);
  }
  if (setters.has(prop)) (node as unknown as Record<string, unknown>)[prop] = value;
  else node.setAttribute(prop, String(value));
}

/** The accessor for `name` on the element's prototype chain (never an own property). */
function accessor(element: Element, name: string): PropertyDescriptor | undefined {
  for (
    let proto = Object.getPrototypeOf(element) as object | null;
    proto;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor) return descriptor;
  }
  return undefined;
}

const writable: Record<string, string[]> = {
  'user-session': ['backend', 'serverUrl', 'appId', 'clientKey', 'storage', 'storageKey', 'timeout'],
  'log-out-action': ['label', 'session', 'sessionElement', 'scope'],
  'log-in-action': ['label', 'session', 'sessionElement', 'username', 'password'],
  'sign-up-action': ['label', 'session', 'sessionElement', 'username', 'password', 'fields'],
  'set-user-properties-action': ['label', 'session', 'sessionElement', 'properties'],
};
const readOnly: Record<string, string[]> = {
  'user-session': ['authenticated', 'user', 'userId', 'username', 'email', 'pending'],
  'log-out-action': ['busy', 'error'],
  'log-in-action': ['busy', 'error'],
  'sign-up-action': ['busy', 'error'],
  'set-user-properties-action': ['busy', 'error'],
};

describe('framework bindings', () => {
  const created: Element[] = [];
  beforeEach(clearStorage);
  afterEach(() => created.splice(0).forEach((el) => el.remove()));

  describe('every public property is an accessor', () => {
    for (const tag of Object.keys(writable)) {
      it(`<${tag}>: a getter and a setter on the prototype chain, no own property`, () => {
        const element = document.createElement(tag);
        for (const name of writable[tag]!) {
          const descriptor = accessor(element, name);
          expect(descriptor?.get, `${tag}.${name} getter`).to.be.a('function');
          expect(descriptor?.set, `${tag}.${name} setter`).to.be.a('function');
        }
        for (const name of readOnly[tag]!) expect(accessor(element, name)?.get, `${tag}.${name} getter`).to.be.a('function');
        const own = Object.keys(element).filter((key) => [...writable[tag]!, ...readOnly[tag]!].includes(key));
        expect(own, `${tag}: public names that are own properties`).to.deep.equal([]);
      });
    }

    it('set the way Svelte 5 sets them, username, password and fields arrive as properties: no attribute, no "[object Object]"', async () => {
      const backend = new RecordingBackend();
      const session = document.createElement('user-session');
      session.backend = backend;
      session.storageKey = storageKey;
      const logIn = document.createElement('log-in-action');
      const signUp = document.createElement('sign-up-action');
      session.append(logIn, signUp);
      document.body.append(session);
      created.push(session);

      setLikeSvelte(signUp, 'username', 'grace');
      setLikeSvelte(signUp, 'password', 'hopper-pw');
      setLikeSvelte(signUp, 'fields', { plan: 'pro' });
      expect(await signUp.do(), signUp.error).to.equal(true);
      expect(session.user).to.include({ username: 'grace', plan: 'pro' });
      await session.logOut();

      setLikeSvelte(logIn, 'username', 'ada');
      setLikeSvelte(logIn, 'password', 'secret-pw');
      expect(logIn.getAttribute('password'), 'the password is never an attribute').to.equal(null);
      expect(await logIn.do(), logIn.error).to.equal(true);
      expect(session.username).to.equal('ada');
      for (const action of [logIn, signUp] as (LogInActionElement | SignUpActionElement)[]) {
        expect(action.getAttributeNames().filter((name) => ['username', 'password', 'fields'].includes(name))).to.deep.equal([]);
        expect(action.password, 'cleared after the run').to.equal(null);
        expect(Object.keys(action)).not.to.include('password');
      }
    });

    it('values set before the tag is defined (an own property then) move onto the accessors', async () => {
      const { LogInActionElement: Defined } = await import('../src/elements/log-in-action.js');
      const tag = `late-log-in-${Math.random().toString(36).slice(2, 8)}`;
      const element = document.createElement(tag) as LogInActionElement;
      element.username = 'ada';
      element.password = 'secret-pw';
      customElements.define(tag, class extends Defined {});
      customElements.upgrade(element);
      expect(Object.keys(element)).not.to.include.members(['username', 'password']);
      expect(element.username).to.equal('ada');
      expect(element.password).to.equal('secret-pw');
    });
  });

  describe('what connecting finds is announced after the connecting task', () => {
    async function storeSession(backend: RecordingBackend): Promise<void> {
      localStorage.setItem(storageKey, JSON.stringify(await backend.logIn('ada', 'secret-pw', { signal: signal() })));
    }

    function connect(backend: RecordingBackend): UserSessionElement {
      const el = document.createElement('user-session');
      el.backend = backend;
      el.storageKey = storageKey;
      return el;
    }

    it('logged-in "restored": the attribute and user at once, the event after the task (React commits, then mounts)', async () => {
      const backend = new RecordingBackend();
      await storeSession(backend);
      const el = connect(backend);
      const events = recordEvents(el, ['logged-in']);
      document.body.append(el);
      created.push(el);
      expect(el).to.have.attribute('authenticated');
      expect(el.authenticated).to.equal(true);
      expect(el.username).to.equal('ada');
      expect(events, 'nothing dispatched while connecting').to.have.length(0);
      await Promise.resolve();
      expect(events, 'nor in a microtask of that task').to.have.length(0);
      await nextTask();
      expect(events.map((e) => e.detail.reason)).to.deep.equal(['restored']);
      expect(events[0]!.detail.user).to.deep.equal(el.user);
    });

    it('a listener added right after the element connected, in the same task (Angular), gets "restored"', async () => {
      const backend = new RecordingBackend();
      await storeSession(backend);
      const el = connect(backend);
      document.body.append(el);
      created.push(el);
      const event = await oneEvent(el, 'logged-in');
      expect(event.detail.reason).to.equal('restored');
    });

    it('logged-out "session-lost" from the first check comes after the task too, behind "restored"', async () => {
      const backend = new RecordingBackend();
      localStorage.setItem(storageKey, JSON.stringify({ token: 'm:revoked', user: { id: 'u1', username: 'ada' } }));
      const el = connect(backend);
      const events = recordEvents(el, ['logged-in', 'logged-out']);
      document.body.append(el);
      created.push(el);
      await Promise.resolve();
      expect(events).to.have.length(0);
      await oneEvent(el, 'logged-out');
      expect(events.map((e) => `${e.type} ${e.detail.reason}`)).to.deep.equal(['logged-in restored', 'logged-out session-lost']);
      expect(el).not.to.have.attribute('authenticated');
    });

    it('a call made while connecting first delivers what is held, in order', async () => {
      const backend = new RecordingBackend();
      await storeSession(backend);
      const el = connect(backend);
      const events = recordEvents(el, ['logged-in', 'logged-out']);
      document.body.append(el);
      created.push(el);
      const result = el.logOut();
      expect(events.map((e) => `${e.type} ${e.detail.reason}`)).to.deep.equal(['logged-in restored', 'logged-out log-out']);
      expect((await result).ok).to.equal(true);
      await nextTask();
      expect(events, 'nothing twice').to.have.length(2);
    });

    it('a backend bound right after the connect (Angular binds properties after inserting) is the one that checks the session', async () => {
      const backend = new RecordingBackend();
      localStorage.setItem(storageKey, JSON.stringify({ token: 'm:revoked', user: { id: 'u1', username: 'ada' } }));
      const el = document.createElement('user-session');
      el.storageKey = storageKey;
      document.body.append(el); // the default backend ("parse", no app-id) while connecting…
      created.push(el);
      el.backend = backend; // …then the framework binds [backend]
      const event = await oneEvent(el, 'logged-out');
      expect(event.detail.reason).to.equal('session-lost');
      expect(backend.count('currentUser')).to.equal(1);
    });

    it('a backend bound right after the connect gets the revocations queued by an earlier page, not the default backend', async () => {
      const backend = new RecordingBackend();
      const stale = await backend.logIn('ada', 'secret-pw', { signal: signal() });
      const now = Date.now();
      const entry = { token: stale.token, userId: stale.user.id, scope: 'current', attempts: 1, retryAt: now };
      localStorage.setItem(`${storageKey}:pending-revocations`, JSON.stringify([entry]));
      const el = document.createElement('user-session');
      el.storageKey = storageKey;
      document.body.append(el);
      created.push(el);
      el.backend = backend;
      await waitUntil(() => localStorage.getItem(`${storageKey}:pending-revocations`) === null, 'the outbox replayed');
      expect(backend.count('logOut')).to.equal(1);
      expect(backend.isActive(stale.token)).to.equal(false);
    });

    it('removed in the task it connected in: the events still come, no check is made', async () => {
      const backend = new RecordingBackend();
      await storeSession(backend);
      const el = connect(backend);
      const events = recordEvents(el, ['logged-in']);
      document.body.append(el);
      el.remove();
      await nextTask();
      await nextTask();
      expect(events.map((e) => e.detail.reason)).to.deep.equal(['restored']);
      expect(backend.count('currentUser')).to.equal(0);
    });
  });
});
