// From a code review of the session-core rework: each test failed before its fix, kept as a regression test.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import type { AuthBackend, StoredSession } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { AuthError, MemoryBackend } from '../../src/index.js';
import { clearStorage, sessionWithAction, signIn, storageKey } from '../helpers/fixtures.js';
import { RecordingBackend } from '../helpers/recording-backend.js';

const noAbort = { signal: new AbortController().signal };
const outboxKey = `${storageKey}:pending-revocations`;
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('controller races (from review)', () => {
  beforeEach(clearStorage);

  it('R1 moving the only <user-session> in the DOM while a log-in is in flight keeps the log-in', async () => {
    const { session, backend } = await sessionWithAction();
    const gate = backend.hold('logIn');
    const login = session.logIn('ada', 'secret-pw');
    const elsewhere = document.createElement('div');
    document.body.append(elsewhere);
    elsewhere.append(session); // a move: disconnect + connect in one task
    gate.resolve();
    let error: unknown = null;
    await login.catch((e) => (error = e));
    elsewhere.remove();
    expect(error, 'log-in must not fail because the element moved').to.equal(null);
    expect(session.authenticated).to.equal(true);
  });

  it('R2 a sign-in does not silently drop (unrevoked) a session stored by other code while it was in flight', async () => {
    const { session, backend } = await sessionWithAction();
    const gate = backend.hold('logIn');
    const login = session.logIn('ada', 'secret-pw');
    const theirs = await backend.logIn('ada', 'secret-pw', noAbort); // e.g. the Parse SDK on this page
    localStorage.setItem(storageKey, JSON.stringify(theirs)); // same document: no storage event
    gate.resolve();
    await login;
    await tick();
    expect(JSON.parse(localStorage.getItem(storageKey)!).token).not.to.equal(theirs.token);
    expect(backend.isActive(theirs.token), 'the replaced session must be revoked (or queued)').to.equal(false);
  });

  it('R3 a disconnected <user-session> that logged out no longer reports authenticated / user', async () => {
    const { session } = await sessionWithAction();
    await signIn(session);
    session.remove();
    const result = await session.logOut();
    expect(result.ok).to.equal(true);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(session.user, 'user after a successful log-out').to.equal(null);
    expect(session.authenticated).to.equal(false);
  });

  it('R4 a queued "current" revocation does not replace a queued "others" one for the same token', async () => {
    const { session, backend } = await sessionWithAction();
    await signIn(session);
    const otherDevice = await backend.logIn('ada', 'secret-pw', noAbort);
    backend.hold('logOut').reject(new AuthError('network'));
    const others = await session.logOut({ scope: 'others' });
    expect(others.revocationPending).to.equal(true);
    backend.hold('logOut').reject(new AuthError('network'));
    const current = await session.logOut({ scope: 'current' });
    expect(current.revocationPending).to.equal(true);
    const scopes = (JSON.parse(localStorage.getItem(outboxKey) ?? '[]') as { scope: string }[]).map((e) => e.scope);
    expect(scopes, 'the "others" request must survive (or be widened to "all")').to.satisfy(
      (s: string[]) => s.includes('others') || s.includes('all'),
    );
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => localStorage.getItem(outboxKey) === null, 'outbox emptied');
    expect(backend.isActive(otherDevice.token), 'the other device was asked to be signed out').to.equal(false);
  });

  it('R5 no token reachable down the cause chain (cause with the token in a property)', async () => {
    const memory = new MemoryBackend({ users: [{ username: 'ada', password: 'secret-pw' }] });
    let token = '';
    const leaky: AuthBackend = {
      logIn: async (u, p, o) => {
        const s = await memory.logIn(u, p, o);
        token = s.token;
        return s;
      },
      logOut: async (s: StoredSession) => {
        // what an axios-style client throws: the request config (headers) rides on the error
        throw Object.assign(new Error('Request failed with status code 502'), {
          config: { headers: { 'X-Parse-Session-Token': s.token } },
        });
      },
      currentUser: (s, o) => memory.currentUser(s, o),
    };
    const session = await fixture<UserSessionElement>(
      html`<user-session .backend=${leaky} storage-key=${storageKey}></user-session>`,
    );
    await session.logIn('ada', 'secret-pw');
    const result = await session.logOut();
    expect(result.ok).to.equal(false);
    const seen: unknown[] = [];
    const dump = (v: unknown, depth = 0): string => {
      if (depth > 6 || v === null || typeof v !== 'object') return String(v);
      if (seen.includes(v)) return '';
      seen.push(v);
      return Object.getOwnPropertyNames(v)
        .map((k) => `${k}:${dump((v as Record<string, unknown>)[k], depth + 1)}`)
        .join(',');
    };
    expect(dump(result.error), 'token in the error object graph').not.to.contain(token);
  });

  it('R6 two overlapping flows on a disconnected element do not unregister a newer shared session (storage="session")', async () => {
    const backend = new RecordingBackend();
    const make = () =>
      fixture<UserSessionElement>(
        html`<user-session .backend=${backend} storage="session" storage-key=${storageKey}></user-session>`,
      );
    const first = await make();
    await signIn(first);
    first.remove();
    const refreshGate = backend.hold('currentUser');
    const refreshing = first.refresh().catch(() => null); // flow A (joins with the shared `ignore` listener)
    const logOutGate = backend.hold('logOut');
    const loggingOut = first.logOut(); // flow B (same listener: not counted twice)
    await tick();
    logOutGate.resolve();
    await loggingOut; // B leaves: the shared session is dropped from the registry though A still holds it
    const second = await make();
    refreshGate.resolve();
    await refreshing; // A leaves its (orphan) shared session: must not unregister `second`'s
    const third = await make();
    await third.logIn('ada', 'secret-pw');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.authenticated, 'second hears the sign-in made through third on the same key').to.equal(true);
  });
});

describe('properties set before the upgrade (from review)', () => {
  beforeEach(clearStorage);

  it('R8 storage="memory" set as a property before upgrade never touches the localStorage value of the key', async () => {
    const { UserSessionElement: Base } = await import('../../src/index.js');
    const backend = new RecordingBackend();
    const sdkSession = await backend.logIn('ada', 'secret-pw', noAbort);
    const raw = JSON.stringify(sdkSession);
    localStorage.setItem(storageKey, raw); // e.g. the Parse SDK's own session
    const el = document.createElement('review-session') as UserSessionElement;
    el.setAttribute('storage-key', storageKey);
    (el as unknown as Record<string, unknown>).storage = 'memory'; // before the definition
    (el as unknown as Record<string, unknown>).backend = backend;
    const events: string[] = [];
    el.addEventListener('logged-in', () => events.push('logged-in'));
    el.addEventListener('logged-out', () => events.push('logged-out'));
    document.body.append(el);
    customElements.define('review-session', class extends Base {});
    await el.updateComplete;
    await tick();
    el.remove();
    expect(localStorage.getItem(storageKey), 'the localStorage value is not ours to move').to.equal(raw);
    expect(events, 'no events for a store the element was never configured to use').to.deep.equal([]);
  });
});
