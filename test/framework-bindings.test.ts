// What frameworks rely on (issue #14; the apps in examples/frameworks drive the same in real
// React, Preact, Vue, Svelte and Angular builds, see test/frameworks):
// - every public property is an accessor, so a framework that sets a property only where the
//   prototype chain has a setter (Svelte 5) sets it as one, never as an attribute.
import { expect } from '@open-wc/testing';
import type { LogInActionElement } from '../src/elements/log-in-action.js';
import type { SignUpActionElement } from '../src/elements/sign-up-action.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { clearStorage, storageKey } from './helpers/fixtures.js';

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
};
const readOnly: Record<string, string[]> = {
  'user-session': ['authenticated', 'user', 'userId', 'username', 'email', 'pending'],
  'log-out-action': ['busy', 'error'],
  'log-in-action': ['busy', 'error'],
  'sign-up-action': ['busy', 'error'],
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
});
