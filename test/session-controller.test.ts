// SessionController on its own: no element, no document — a plain host object, a MemoryBackend
// and `storage: 'memory'` or a localStorage key. What the controller owns (SPEC §3, §7) is
// tested here; the element tests check how <user-session> reflects it.
import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from '@lit/reactive-element';
import type { AuthBackend, StoredSession } from '../src/backends/backend.js';
import { SessionController, type SessionChange, type SessionSettings } from '../src/session/controller.js';
import type { StorageMode } from '../src/storage/key-store.js';
import { AuthError } from '../src/errors.js';
import { RecordingBackend } from './helpers/recording-backend.js';

/** The least a ReactiveController needs from its host. */
class PlainHost implements ReactiveControllerHost {
  readonly controllers: ReactiveController[] = [];
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {}
  readonly updateComplete = Promise.resolve(true);
  connect(): void {
    this.controllers.forEach((c) => c.hostConnected?.());
  }
  disconnect(): void {
    this.controllers.forEach((c) => c.hostDisconnected?.());
  }
}

let keyCount = 0;
const noAbort = { signal: new AbortController().signal };

function makeController(backend: AuthBackend = new RecordingBackend(), storage: StorageMode = 'memory') {
  const host = new PlainHost();
  const changes: SessionChange[] = [];
  const settings: SessionSettings = { backend, storage, storageKey: `controller-test/${++keyCount}`, timeout: 5000 };
  const controller = new SessionController(
    host,
    () => settings,
    (change) => changes.push(change),
  );
  return { host, controller, changes, settings };
}

describe('SessionController (no DOM)', () => {
  afterEach(() => localStorage.clear());

  it('registers with its host, reads the stored session on connect and reports each change once', async () => {
    const { host, controller, changes } = makeController();
    expect(host.controllers).to.deep.equal([controller]);
    host.connect();
    expect(controller.user).to.equal(null);
    const user = await controller.logIn('ada', 'secret-pw');
    expect(user.username).to.equal('ada');
    expect(Object.isFrozen(controller.user)).to.equal(true);
    await controller.logOut();
    expect(changes.map((c) => `${c.type}:${'reason' in c ? c.reason : ''}`)).to.deep.equal([
      'logged-in:log-in',
      'logged-out:log-out',
    ]);
    host.disconnect();
  });

  it('log-out: the revocation request starts in the same task as the local sign-out, before any await', () => {
    const backend = new RecordingBackend();
    const { host, controller, changes, settings } = makeController(backend, 'local');
    host.connect();
    return controller.logIn('ada', 'secret-pw').then(async () => {
      const gate = backend.hold('logOut');
      const result = controller.logOut();
      // Synchronously, in this task: the request left, storage is cleared, the change was reported.
      expect(backend.count('logOut')).to.equal(1);
      expect(localStorage.getItem(settings.storageKey)).to.equal(null);
      expect(changes.at(-1)).to.deep.equal({ type: 'logged-out', reason: 'log-out' });
      gate.resolve();
      expect((await result).ok).to.equal(true);
      host.disconnect();
    });
  });

  it('every flow reads storage afresh: a session written behind its back is the one logged out (SPEC §7.1)', async () => {
    const backend = new RecordingBackend();
    const { host, controller, changes, settings } = makeController(backend, 'local');
    host.connect();
    expect(controller.user).to.equal(null);
    // Another script signs in on this page: no event reaches the controller.
    const other = await backend.logIn('ada', 'secret-pw', noAbort);
    localStorage.setItem(settings.storageKey, JSON.stringify(other));
    const result = await controller.logOut();
    expect(result).to.deep.include({ ok: true, revoked: true, signedOutLocally: true });
    expect(backend.isActive(other.token)).to.equal(false);
    expect(localStorage.getItem(settings.storageKey)).to.equal(null);
    expect(changes.map((c) => c.type)).to.deep.equal(['logged-in', 'logged-out']);
    host.disconnect();
  });

  it('refresh() never writes back a session removed while it was waiting for the server (SPEC §7.1)', async () => {
    const backend = new RecordingBackend();
    const { host, controller, settings } = makeController(backend, 'local');
    host.connect();
    await controller.logIn('ada', 'secret-pw');
    const gate = backend.hold('currentUser');
    const refreshed = controller.refresh();
    localStorage.removeItem(settings.storageKey); // page code signs out meanwhile
    gate.resolve();
    expect(await refreshed).to.equal(null);
    expect(localStorage.getItem(settings.storageKey)).to.equal(null);
    expect(controller.user).to.equal(null);
    host.disconnect();
  });

  it('a disconnected controller still honours a log-out: storage cleared, token revoked (SPEC §7.8)', async () => {
    const backend = new RecordingBackend();
    const { host, controller, settings } = makeController(backend, 'local');
    host.connect();
    await controller.logIn('ada', 'secret-pw');
    const { token } = JSON.parse(localStorage.getItem(settings.storageKey)!) as StoredSession;
    host.disconnect();
    const result = await controller.logOut();
    expect(result).to.deep.equal({ ok: true, scope: 'current', revoked: true, signedOutLocally: true, revocationPending: false });
    expect(localStorage.getItem(settings.storageKey)).to.equal(null);
    expect(backend.isActive(token)).to.equal(false);
  });

  it('signing in over an active session signs that one out first and revokes it (SPEC §7.12)', async () => {
    const backend = new RecordingBackend();
    backend.addUser({ username: 'bob', password: 'bob-pw' });
    const { host, controller, changes, settings } = makeController(backend, 'local');
    host.connect();
    await controller.logIn('ada', 'secret-pw');
    const { token } = JSON.parse(localStorage.getItem(settings.storageKey)!) as StoredSession;
    await controller.logIn('bob', 'bob-pw');
    expect(backend.isActive(token)).to.equal(false);
    expect(changes.map((c) => `${c.type}:${'reason' in c ? c.reason : ''}`)).to.deep.equal([
      'logged-in:log-in',
      'logged-out:log-out',
      'logged-in:log-in',
    ]);
    expect(controller.user?.username).to.equal('bob');
    host.disconnect();
  });

  it('signing in over an active session while the server is unreachable queues the old revocation (SPEC §7.12)', async () => {
    const backend = new RecordingBackend();
    const { host, controller, settings } = makeController(backend, 'local');
    host.connect();
    await new Promise((r) => setTimeout(r, 0)); // the connect-time outbox replay, after the connecting task
    await controller.logIn('ada', 'secret-pw');
    backend.hold('logOut').reject(new AuthError('network'));
    await controller.logIn('ada', 'secret-pw');
    await new Promise((r) => setTimeout(r, 0));
    const queued = JSON.parse(localStorage.getItem(`${settings.storageKey}:pending-revocations`) ?? '[]') as unknown[];
    expect(queued).to.have.length(1);
    host.disconnect();
  });

  it('a queued "all" revocation ends only the sessions that existed at the click (SPEC §7.10)', async () => {
    const backend = new RecordingBackend();
    const { host, controller, settings } = makeController(backend, 'local');
    host.connect();
    await controller.logIn('ada', 'secret-pw');
    const before = await backend.logIn('ada', 'secret-pw', noAbort); // another device, before the click
    backend.hold('logOut').reject(new AuthError('network'));
    const result = await controller.logOut({ scope: 'all' });
    expect(result).to.deep.include({ ok: false, revocationPending: true, signedOutLocally: true });
    await new Promise((r) => setTimeout(r, 5));
    const after = await backend.logIn('ada', 'secret-pw', noAbort); // another device signs in after the click
    globalThis.dispatchEvent(new Event('online'));
    const outboxKey = `${settings.storageKey}:pending-revocations`;
    for (let i = 0; i < 100 && localStorage.getItem(outboxKey) !== null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(localStorage.getItem(outboxKey)).to.equal(null);
    expect(backend.isActive(before.token)).to.equal(false);
    expect(backend.isActive(after.token)).to.equal(true);
    host.disconnect();
  });

  it('scope "others" ends the other sessions and keeps this one, signed in here', async () => {
    const backend = new RecordingBackend();
    const { host, controller, changes } = makeController(backend);
    host.connect();
    await controller.logIn('ada', 'secret-pw');
    const other = await backend.logIn('ada', 'secret-pw', noAbort);
    const result = await controller.logOut({ scope: 'others' });
    expect(result).to.deep.equal({ ok: true, scope: 'others', revoked: true, signedOutLocally: false, revocationPending: false });
    expect(backend.isActive(other.token)).to.equal(false);
    expect(controller.user?.username).to.equal('ada');
    // The user's list of sessions changed: announced (to this page's members and the other tabs).
    expect(changes.map((c) => c.type)).to.deep.equal(['logged-in', 'sessions-change']);
    host.disconnect();
  });

  it('a scope the backend cannot do: "all" signs out here and revokes this session, then fails with bad-request (SPEC §8)', async () => {
    const memory = new RecordingBackend();
    const limited: AuthBackend = {
      capabilities: ['password-log-in'],
      logIn: (u, p, o) => memory.logIn(u, p, o),
      logOut: (s, o) => memory.logOut(s, o),
      currentUser: (s, o) => memory.currentUser(s, o),
    };
    const { host, controller } = makeController(limited);
    host.connect();
    await controller.logIn('ada', 'secret-pw');
    const all = await controller.logOut({ scope: 'all' });
    expect(all).to.deep.include({ ok: false, scope: 'all', revoked: true, signedOutLocally: true, revocationPending: false });
    expect(all.error?.code).to.equal('bad-request');
    expect(all.error?.message).to.contain('revoke-all');
    expect(memory.calls.filter((c) => c.method === 'logOut').map((c) => c.scope)).to.deep.equal(['current']);
    await controller.logIn('ada', 'secret-pw');
    const others = await controller.logOut({ scope: 'others' });
    expect(others).to.deep.include({ ok: false, signedOutLocally: false, revoked: false });
    expect(controller.user).to.not.equal(null);
    const signUp = await controller.signUp('eve', 'pw').catch((e: AuthError) => e);
    expect((signUp as AuthError).code).to.equal('misconfigured');
    expect((signUp as AuthError).message).to.contain('sign-up');
    host.disconnect();
  });

  it('a sign-in finishing after disconnect is revoked on the server, not left alive', async () => {
    const backend = new RecordingBackend();
    const { host, controller } = makeController(backend);
    host.connect();
    const gate = backend.hold('logIn');
    const signIn = controller.logIn('ada', 'secret-pw').catch((e: AuthError) => e);
    host.disconnect();
    gate.resolve();
    expect(((await signIn) as AuthError).code).to.equal('misconfigured');
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.activeSessions).to.equal(0);
  });

  it('pending is true exactly while a request is in flight', async () => {
    const backend = new RecordingBackend();
    const { host, controller } = makeController(backend);
    host.connect();
    const held = backend.hold('logIn');
    const signIn = controller.logIn('ada', 'secret-pw');
    expect(controller.pending).to.equal(true);
    held.resolve();
    await signIn;
    expect(controller.pending).to.equal(false);
    host.disconnect();
  });
});
