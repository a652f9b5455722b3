// Attack pass (a helper given README and SPEC only): an action's `scope` / `session` set as a
// property before its tag is defined was ignored by a `do()` that ran before the element's
// first update (in the defining task, or on an element never connected): the class defaults
// were read, so a log-out the page asked to keep `local` revoked the session on the server,
// and a `session` id naming one of two sessions failed `no-session`. README "From frameworks":
// values set before the kit loads win. Chromium and Firefox, before the fix.
// This file loads the kit itself, after its first test has made an element of the real tag.
import '../helpers/safe-errors.js';
import { expect } from '@open-wc/testing';
import type { AuthBackend, RevokeScope, StoredSession } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';

const kit = () => import('../../src/index.js');
let n = 0;

/** A signed-in `<user-session>` (a subclass tag of its own) whose backend records each log-out's scope. */
async function signedInSession(): Promise<{ session: UserSessionElement; revoked: RevokeScope[] }> {
  const { UserSessionElement, MemoryBackend } = await kit();
  const memory = new MemoryBackend({ users: [{ username: 'ada', password: 'a-long-password' }] });
  const revoked: RevokeScope[] = [];
  const backend: AuthBackend = {
    logIn: (u, p, o) => memory.logIn(u, p, o),
    signUp: (u, p, x, o) => memory.signUp(u, p, x, o),
    currentUser: (s, o) => memory.currentUser(s, o),
    logOut: (s: StoredSession, o) => (revoked.push(o.scope), memory.logOut(s, o)),
  };
  const tag = `early-props-session-${++n}`;
  customElements.define(tag, class extends UserSessionElement {});
  const session = document.createElement(tag) as UserSessionElement;
  session.backend = backend;
  session.storageKey = `early-props/${n}`;
  document.body.append(session);
  await session.logIn('ada', 'a-long-password');
  return { session, revoked };
}

/** The action's events, as `success:<scope>:<revoked>` or `failure:<code>`. */
function recordOutcome(action: Element): string[] {
  const seen: string[] = [];
  action.addEventListener('success', (e) => {
    const { scope, revoked } = (e as CustomEvent<{ scope: string; revoked: boolean }>).detail;
    seen.push(`success:${scope}:${revoked}`);
  });
  action.addEventListener('failure', (e) =>
    seen.push(`failure:${(e as CustomEvent<{ error: { code: string } }>).detail.error.code}`),
  );
  return seen;
}

describe('attack: action properties set before the tag is defined', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    for (const el of [...document.body.children]) if (el.localName.startsWith('early-props')) el.remove();
    localStorage.clear();
  });

  it('<log-out-action> made before the kit loads, scope="local", never connected: do() forgets here only, no request', async () => {
    // Runs first: the real tag is not defined yet.
    const action = document.createElement('log-out-action') as HTMLElement & {
      scope: string;
      sessionElement: unknown;
      do(): Promise<boolean>;
    };
    action.scope = 'local';
    const { session, revoked } = await signedInSession(); // loads the kit: <log-out-action> is defined now
    customElements.upgrade(action); // off the page, as in a framework's detached tree
    action.sessionElement = session;
    const seen = recordOutcome(action);
    await action.do();
    expect({ scope: action.scope, seen, revoked }).to.deep.equal({ scope: 'local', seen: ['success:local:false'], revoked: [] });
    expect(session.authenticated).to.equal(false);
  });

  it('<log-out-action> scope="local" set before define, in the page; do() in the defining task: no request', async () => {
    const { LogOutActionElement } = await kit();
    const { session, revoked } = await signedInSession();
    const tag = `early-props-log-out-${++n}`;
    const action = document.createElement(tag) as HTMLElement & { scope: string; do(): Promise<boolean> };
    action.scope = 'local';
    session.append(action);
    customElements.define(tag, class extends LogOutActionElement {});
    const seen = recordOutcome(action);
    await action.do();
    expect({ seen, revoked }).to.deep.equal({ seen: ['success:local:false'], revoked: [] });
  });

  it('<log-out-action> session="<id>" set before define, two sessions on the page; do() in the defining task: that session', async () => {
    const { LogOutActionElement } = await kit();
    const one = await signedInSession();
    const two = await signedInSession();
    two.session.id = 'early-props-two';
    const tag = `early-props-log-out-${++n}`;
    const action = document.createElement(tag) as HTMLElement & { session: string; do(): Promise<boolean> };
    action.session = 'early-props-two';
    document.body.append(action);
    customElements.define(tag, class extends LogOutActionElement {});
    const seen = recordOutcome(action);
    await action.do();
    expect(seen).to.deep.equal(['success:current:true']);
    expect({ one: one.session.authenticated, two: two.session.authenticated }).to.deep.equal({ one: true, two: false });
  });
});
