// Probe: refactors that must not change behaviour — the action elements' busy look, the
// `:state(authenticated)` custom state, `<session-list>`'s frozen empty `sessions`.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import type { SessionListElement } from '../../src/elements/session-list.js';
import { AuthError } from '../../src/errors.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { afterConnect } from '../helpers/fixtures.js';
import { sleep } from './attack-helpers.js';

const key = 'probe-refactors/currentUser';

async function signedIn(backend = new RecordingBackend()) {
  const stored = await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
  localStorage.setItem(key, JSON.stringify(stored));
  const session = await fixture<UserSessionElement>(html`
    <user-session .backend=${backend} storage-key=${key}><log-out-action></log-out-action><session-list></session-list></user-session>
  `);
  await afterConnect();
  await session.ready;
  const action = session.querySelector('log-out-action') as LogOutActionElement;
  await action.updateComplete;
  return { session, action, backend, list: session.querySelector('session-list') as SessionListElement };
}

const button = (a: LogOutActionElement) => a.shadowRoot!.querySelector('button')!;
const stateMatches = (s: Element) => {
  try {
    return s.matches(':state(authenticated)');
  } catch {
    return s.matches(':--authenticated');
  }
};

describe('probe: busy look', function () {
  this.timeout(10_000);
  beforeEach(() => localStorage.clear());

  it('slow run: busy class after 100 ms, removed at the end; attributes at once', async () => {
    const { action, backend } = await signedIn();
    const gate = backend.hold('logOut');
    const run = action.do();
    expect(action.hasAttribute('busy')).to.equal(true);
    expect(action.getAttribute('aria-busy')).to.equal('true');
    expect(button(action).getAttribute('aria-disabled')).to.equal('true');
    expect(button(action).classList.contains('busy')).to.equal(false);
    await sleep(160);
    expect(button(action).classList.contains('busy')).to.equal(true);
    gate.resolve();
    await run;
    expect(action.hasAttribute('busy')).to.equal(false);
    expect(action.hasAttribute('aria-busy')).to.equal(false);
    expect(button(action).hasAttribute('aria-disabled')).to.equal(false);
    expect(button(action).classList.contains('busy')).to.equal(false);
    await sleep(160);
    expect(button(action).classList.contains('busy')).to.equal(false);
  });

  it('fast run: the busy class never shows, not even after the end', async () => {
    const { action } = await signedIn();
    await action.do();
    await sleep(160);
    expect(button(action).classList.contains('busy')).to.equal(false);
  });

  it('do() twice quickly, then a second run from the success listener: no busy class left after the end', async () => {
    const { action, backend, session } = await signedIn();
    const gate = backend.hold('logOut');
    const p1 = action.do();
    const p2 = action.do();
    expect(p1).to.equal(p2);
    await sleep(20);
    gate.resolve();
    // A listener starting the next run at once (fast: not signed in any more → immediate success).
    let again: Promise<boolean> | null = null;
    action.addEventListener('success', () => (again ??= action.do()), { once: true });
    await p1;
    await again;
    await sleep(200);
    expect(button(action).classList.contains('busy')).to.equal(false);
    expect(action.hasAttribute('busy')).to.equal(false);
    expect(session.authenticated).to.equal(false);
  });

  it('removed mid-run: the busy look is gone at the end; re-inserted it is a normal button', async () => {
    const { action, backend, session } = await signedIn();
    const gate = backend.hold('logOut');
    const run = action.do();
    action.remove();
    await sleep(160);
    gate.resolve();
    await run;
    expect(action.hasAttribute('busy')).to.equal(false);
    expect(action.hasAttribute('aria-busy')).to.equal(false);
    expect(button(action).classList.contains('busy')).to.equal(false);
    expect(button(action).hasAttribute('aria-disabled')).to.equal(false);
    session.append(action);
    await sleep(160);
    expect(button(action).classList.contains('busy')).to.equal(false);
  });

  it('a failing run clears the busy look too', async () => {
    const { action, backend } = await signedIn();
    const gate = backend.hold('logOut');
    const run = action.do();
    await sleep(160);
    gate.reject(new AuthError('network', 'down'));
    expect(await run).to.equal(false);
    expect(button(action).classList.contains('busy')).to.equal(false);
    expect(action.hasAttribute('busy')).to.equal(false);
  });
});

describe('probe: :state(authenticated)', () => {
  beforeEach(() => localStorage.clear());

  it('matches exactly when the attribute is present, through sign-out, sign-in, tampering, move', async () => {
    const { session } = await signedIn();
    const check = (what: string) => expect(stateMatches(session), what).to.equal(session.hasAttribute('authenticated'));
    check('restored');
    expect(session.hasAttribute('authenticated')).to.equal(true);
    session.removeAttribute('authenticated');
    check('after tampering (remove)');
    await session.logOut();
    check('after log-out');
    session.setAttribute('authenticated', '');
    check('after tampering (set)');
    expect(session.hasAttribute('authenticated')).to.equal(false);
    await session.logIn('ada', 'secret-pw');
    check('after log-in');
    const parent = session.parentElement!;
    document.body.append(session);
    check('after move');
    localStorage.removeItem(key);
    await session.refresh().catch(() => {});
    check('after the storage was cleared by page code + refresh');
    parent.append(session);
  });
});

describe('probe: <session-list> frozen empty sessions', () => {
  beforeEach(() => localStorage.clear());

  it('before connect, right after connect when signed out, after sign-out, after failures: a frozen empty array', async () => {
    const list = document.createElement('session-list') as SessionListElement;
    expect(Object.isFrozen(list.sessions), 'not connected').to.equal(true);
    const backend = new RecordingBackend();
    const session = await fixture<UserSessionElement>(html`<user-session .backend=${backend} storage-key=${key}></user-session>`);
    session.append(list);
    expect(Object.isFrozen(list.sessions), 'signed out, just connected').to.equal(true);
    await afterConnect();
    await sleep(20);
    expect(list.sessions).to.deep.equal([]);
    expect(Object.isFrozen(list.sessions), 'signed out').to.equal(true);
  });

  it('after a network failure of the first load: frozen', async () => {
    const backend = new RecordingBackend();
    const gate = backend.hold('listSessions');
    gate.reject(new AuthError('network', 'down'));
    const { list } = await signedIn(backend);
    await sleep(50);
    expect(list.sessions).to.have.length(0);
    expect(Object.isFrozen(list.sessions), 'after a network failure').to.equal(true);
  });

  it('no-session (a list with no user-session anywhere): frozen', async () => {
    const list = await fixture<SessionListElement>(html`<session-list></session-list>`);
    await sleep(20);
    expect(Object.isFrozen(list.sessions), 'no-session').to.equal(true);
    const items = list.sessions as unknown[];
    expect(() => items.push(1)).to.throw();
  });

  it('two lists share no mutable state', async () => {
    const { list, session } = await signedIn();
    await sleep(50);
    await session.logOut();
    await sleep(20);
    const a = list.sessions as unknown[];
    expect(Object.isFrozen(a)).to.equal(true);
    expect(() => a.push({})).to.throw();
  });
});
