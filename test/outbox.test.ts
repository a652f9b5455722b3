import { expect, oneEvent } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import { AuthError } from '../src/errors.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';

const outboxKey = `${storageKey}:pending-revocations`;
const pending = () => JSON.parse(localStorage.getItem(outboxKey) ?? '[]') as { scope: string; attempts: number }[];

describe('the revocation outbox', () => {
  beforeEach(clearStorage);

  for (const code of ['network', 'timeout', 'server'] as const) {
    it(`a log-out that fails with ${code} keeps the token for later: revocationPending, one outbox entry`, async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      backend.hold('logOut').reject(new AuthError(code));
      const failure = oneEvent(action, 'failure');
      await action.do();
      const { detail } = await failure;
      expect([detail.error.code, detail.signedOutLocally, detail.revocationPending]).to.deep.equal([code, true, true]);
      expect(pending().map((e) => e.scope)).to.deep.equal(['current']);
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(backend.activeSessions).to.equal(1); // still valid on the server for now
    });
  }

  it('errors that waiting will not fix (misconfigured) are not queued', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    backend.hold('logOut').reject(new AuthError('misconfigured'));
    const failure = oneEvent(action, 'failure');
    await action.do();
    expect((await failure).detail.revocationPending).to.equal(false);
    expect(localStorage.getItem(outboxKey)).to.equal(null);
  });

  it('the online event retries at once; once the server revoked the token the outbox is empty', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    backend.hold('logOut').reject(new AuthError('network'));
    await action.do();
    expect(pending()).to.have.length(1);
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => localStorage.getItem(outboxKey) === null, 'outbox emptied');
    expect(backend.count('logOut')).to.equal(2);
    expect(backend.activeSessions).to.equal(0);
  });

  it('the next page load retries (a new <user-session> on the key), and a refused token leaves the outbox too', async () => {
    const first = await sessionWithAction();
    await signIn(first.session);
    first.backend.hold('logOut').reject(new AuthError('timeout'));
    await first.action.do();
    expect(pending()).to.have.length(1);
    first.session.remove(); // the page goes away

    const { backend } = await sessionWithAction(); // a fresh page: this backend does not know the token
    await waitUntil(() => localStorage.getItem(outboxKey) === null, 'outbox emptied on load');
    expect(backend.count('logOut')).to.equal(1); // answered "invalid session": nothing left to do
  });

  it('a retry that fails again stays queued with a later retry time (backoff)', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    backend.hold('logOut').reject(new AuthError('network'));
    await action.do();
    const gate = backend.hold('logOut');
    window.dispatchEvent(new Event('online'));
    gate.reject(new AuthError('network'));
    await waitUntil(() => pending()[0]?.attempts === 2, 'second attempt recorded');
    const [entry] = JSON.parse(localStorage.getItem(outboxKey)!) as { retryAt: number }[];
    expect(entry!.retryAt).to.be.greaterThan(Date.now() + 1000);
  });

  it('a retry made while the browser is offline does not count: the entry stays due, and `online` sends it at once', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    backend.hold('logOut').reject(new AuthError('network'));
    await action.do();
    const online = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      session.remove(); // the next page load, offline: its retry fails too
      const gate = backend.hold('logOut');
      await sessionWithAction(backend);
      await waitUntil(() => backend.count('logOut') === 2, 'the page-load retry');
      gate.reject(new AuthError('network'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(
        pending().map((e) => e.attempts),
        'not counted: no backoff',
      ).to.deep.equal([1]);
    } finally {
      Object.defineProperty(navigator, 'onLine', online);
      delete (navigator as { onLine?: boolean }).onLine;
    }
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => localStorage.getItem(outboxKey) === null, 'sent once back online');
    expect(backend.count('logOut')).to.equal(3);
    expect(backend.activeSessions).to.equal(0);
  });

  it('the queued token never reaches events, attributes or user', async () => {
    const { session, action, backend } = await sessionWithAction();
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    const results = recordEvents(action, ['success', 'failure']);
    await signIn(session);
    const token = JSON.parse(localStorage.getItem(storageKey)!).token as string;
    backend.hold('logOut').reject(new AuthError('network'));
    await action.do();
    const seen = document.documentElement.outerHTML + JSON.stringify([...events, ...results].map((e) => e.detail)) + action.error;
    expect(seen.includes(token)).to.equal(false);
  });

  it('a corrupt outbox is ignored without an error', async () => {
    localStorage.setItem(outboxKey, '{oops');
    const { session, action } = await sessionWithAction();
    await signIn(session);
    expect(await action.do()).to.equal(true);
  });
});
