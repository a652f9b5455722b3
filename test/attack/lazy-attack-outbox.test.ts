// Attack on the lazily loaded outbox sender (session/outbox-sender chunk): queued revocations
// while the chunk is still on its way (held by a service worker in front of a fresh page), the
// backend swapped, another user signed in, `online` storms, new log-outs, removal, storage modes,
// a chunk that cannot load (offline), hostile outbox contents. Custom backends (unit-style).
// Every test here passes (regression tests).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { AuthError } from '../../src/errors.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { StoredSession } from '../../src/backends/backend.js';
import { clearStorage } from '../helpers/fixtures.js';
import { outboxKeyOf, ServerBackend, sleep } from './attack-helpers.js';
import {
  chunkHeld,
  chunks,
  closePages,
  removeWorker,
  dueNow,
  freshPage,
  outboxOf,
  loadsAgainAfterFailure,
} from './lazy-attack-helpers.js';

const SENDER = 'outbox-sender';
const users = {
  users: [
    { username: 'ada', password: 'secret-pw' },
    { username: 'bob', password: 'bob-pw' },
  ],
};

/**
 * On an earlier page (a fresh page, closed afterwards; this test page never loads the chunk, so
 * the browser's memory cache never hands it to a later page without a request): signs ada in and
 * logs out while the server is unreachable.
 */
async function queuedEarlier(
  backend: ServerBackend,
  key: string,
  scope: 'current' | 'all' | 'others' = 'current',
): Promise<string> {
  const page = await freshPage();
  const el = await page.session((e) => ((e.backend = backend), e.setAttribute('storage-key', key)));
  await el.logIn('ada', 'secret-pw');
  const token = (JSON.parse(localStorage.getItem(key)!) as StoredSession).token;
  backend.hold('logOut').reject(new AuthError('network'));
  const result = await el.logOut({ scope });
  expect(result.revocationPending, 'queued').to.equal(true);
  page.close();
  await chunks('reset');
  dueNow(key);
  return token;
}

const tokenOf = (key: string, area: Storage = localStorage) =>
  (JSON.parse(area.getItem(key) ?? 'null') as StoredSession | null)?.token ?? null;

/** A fresh page with `backend` on `key` whose outbox sender is held: resolves once its retry waits for that chunk. */
async function withSenderHeld(backend: ServerBackend, key: string) {
  await chunks('hold', SENDER);
  const page = await freshPage();
  const el = await page.session((e) => ((e.backend = backend), e.setAttribute('storage-key', key)));
  await chunkHeld(SENDER);
  return { page, el };
}
describe('lazy-attack: the outbox sender loads lazily', function () {
  this.timeout(30_000);
  beforeEach(async () => {
    clearStorage();
    await chunks('reset');
  });
  afterEach(closePages);
  after(removeWorker);

  it('a page load with a queued entry: nothing is sent before the chunk arrives, then exactly one request', async () => {
    const key = 'lazy/basic';
    const a = new ServerBackend('https://a.example#basic', users);
    const token = await queuedEarlier(a, key);
    await chunks('hold', SENDER);
    const page = await freshPage();
    const before = a.count('logOut');
    await page.session((el) => ((el.backend = a), el.setAttribute('storage-key', key)));
    await chunkHeld(SENDER);
    await sleep(50);
    expect(a.count('logOut') - before, 'sent before its code arrived').to.equal(0);
    await chunks('release', SENDER);
    await waitUntil(() => outboxOf(key).length === 0, 'the outbox to empty');
    await sleep(100);
    expect(a.revokedTokens.filter((t) => t === token)).to.have.length(2); // the failed try and the retry
  });

  it('backend swapped to another server while the chunk loads: the new server never gets the token; it waits', async () => {
    const key = 'lazy/swap';
    const a = new ServerBackend('https://a.example#swap', users);
    const token = await queuedEarlier(a, key);
    const { page, el } = await withSenderHeld(a, key);
    const b = new ServerBackend('https://b.example#swap', users);
    el.backend = b;
    await el.updateComplete;
    await chunks('release', SENDER);
    await sleep(300);
    dueNow(key);
    page.online();
    await sleep(300);
    expect(b.revokedTokens, 'server B got the token of server A').to.deep.equal([]);
    const sentToA = a.revokedTokens.filter((t) => t === token).length === 2;
    expect(sentToA || outboxOf(key).length === 1, 'the entry was neither sent to A nor kept').to.equal(true);
  });

  it('backend swapped to one naming no server while the chunk loads: not sent to it', async () => {
    const key = 'lazy/swap-none';
    const a = new ServerBackend('https://a.example#none', users);
    const token = await queuedEarlier(a, key);
    const { el } = await withSenderHeld(a, key);
    const none = new ServerBackend(undefined, users);
    el.backend = none;
    await chunks('release', SENDER);
    await sleep(300);
    expect(none.revokedTokens).to.deep.equal([]);
    expect(a.revokedTokens.filter((t) => t === token).length === 2 || outboxOf(key).length === 1).to.equal(true);
  });

  it('another user signs in while the retry waits for its chunk: only the queued token is revoked, the new session lives', async () => {
    const key = 'lazy/other-user';
    const a = new ServerBackend('https://a.example#other', users);
    const token = await queuedEarlier(a, key);
    const { el } = await withSenderHeld(a, key);
    await el.logIn('bob', 'bob-pw');
    const bobToken = tokenOf(key)!;
    await chunks('release', SENDER);
    await waitUntil(() => outboxOf(key).length === 0, 'the outbox to empty');
    await sleep(150);
    expect(
      a.revokedTokens.filter((t) => t !== token),
      'revoked besides the queued token',
    ).to.deep.equal([]);
    expect(el.authenticated).to.equal(true);
    expect(tokenOf(key)).to.equal(bobToken);
    expect(
      (await a.currentUser({ token: bobToken, user: { id: '' } }, { signal: new AbortController().signal })).username,
    ).to.equal('bob');
  });

  it('a queued `all` and the same user signs in again while its chunk loads: the new session survives the replay', async () => {
    const key = 'lazy/all-again';
    const a = new ServerBackend('https://a.example#all', users);
    const token = await queuedEarlier(a, key, 'all');
    const { el } = await withSenderHeld(a, key);
    await sleep(5); // a session created after the click, by the clock too
    await el.logIn('ada', 'secret-pw');
    const fresh = tokenOf(key)!;
    await chunks('release', SENDER);
    await waitUntil(() => outboxOf(key).length === 0, 'the outbox to empty');
    await sleep(150);
    expect(a.revokedTokens.filter((t) => t !== token)).to.deep.equal([]);
    expect(el.authenticated, 'signed out by the replay').to.equal(true);
    const user = await a.currentUser({ token: fresh, user: { id: '' } }, { signal: new AbortController().signal }).then(
      (u) => u.username,
      (e: AuthError) => e.code,
    );
    expect(user, 'the new session on the server').to.equal('ada');
    await el.refresh().catch(() => {});
    expect(el.authenticated).to.equal(true);
  });

  it('200 `online` events while the chunk loads (after a page load retry started): one request per entry', async () => {
    const key = 'lazy/storm';
    const a = new ServerBackend('https://a.example#storm', users);
    const token = await queuedEarlier(a, key);
    const { page } = await withSenderHeld(a, key);
    for (let i = 0; i < 200; i++) page.online();
    await chunks('release', SENDER);
    await waitUntil(() => outboxOf(key).length === 0, 'the outbox to empty');
    await sleep(300);
    expect(a.revokedTokens.filter((t) => t === token).length - 1, 'retries sent').to.equal(1);
  });

  it('200 `online` events while the retry request is in flight (chunk loaded): one request', async () => {
    const key = 'lazy/storm2';
    const a = new ServerBackend('https://a.example#storm2', users);
    const token = await queuedEarlier(a, key);
    const gate = a.hold('logOut');
    const page = await freshPage();
    await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
    await waitUntil(() => a.revokedTokens.filter((t) => t === token).length === 2, 'the retry');
    for (let i = 0; i < 200; i++) page.online();
    await sleep(100);
    gate.reject(new AuthError('network'));
    await sleep(100);
    for (let i = 0; i < 200; i++) page.online();
    await sleep(300);
    // The failed try and the one retry; the storms (online, not offline: the backoff holds) add none.
    expect(a.revokedTokens.filter((t) => t === token).length, 'requests for one entry').to.equal(2);
    expect(
      outboxOf(key).map((e) => e.token),
      'still queued after the failed retry',
    ).to.deep.equal([token]);
  });

  it('a new log-out that fails while the retry waits for its chunk: both tokens end up revoked or queued (no lost entry)', async () => {
    const key = 'lazy/new-logout';
    const a = new ServerBackend('https://a.example#new', users);
    const token = await queuedEarlier(a, key);
    const { el } = await withSenderHeld(a, key);
    await el.logIn('bob', 'bob-pw');
    const second = tokenOf(key)!;
    a.hold('logOut').reject(new AuthError('network'));
    const result = await el.logOut();
    expect(result.revocationPending).to.equal(true);
    await chunks('release', SENDER);
    await waitUntil(() => a.revokedTokens.filter((t) => t === token).length === 2, 'the retry of the first');
    await sleep(300);
    const queued = outboxOf(key).map((e) => String(e.token));
    const revokedSecond = a.revokedTokens.filter((t) => t === second).length >= 2;
    expect(revokedSecond || queued.includes(second), `second entry lost; outbox: ${queued.length} entries`).to.equal(true);
    expect(queued.includes(token), 'first entry kept after it was revoked').to.equal(false);
  });

  it('a new log-out that fails while the retry request is in flight: the new entry survives the retry’s write-back', async () => {
    const key = 'lazy/new-logout-2';
    const a = new ServerBackend('https://a.example#new2', users);
    const token = await queuedEarlier(a, key);
    const page = await freshPage();
    const retry = a.hold('logOut');
    const el = await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
    await waitUntil(() => a.revokedTokens.filter((t) => t === token).length === 2, 'the retry in flight');
    await el.logIn('bob', 'bob-pw');
    const second = tokenOf(key)!;
    a.hold('logOut').reject(new AuthError('network'));
    expect((await el.logOut()).revocationPending).to.equal(true);
    expect(outboxOf(key).map((e) => String(e.token))).to.include(second);
    retry.resolve();
    await waitUntil(() => !outboxOf(key).some((e) => e.token === token), 'the first entry done');
    await sleep(100);
    expect(
      outboxOf(key).map((e) => String(e.token)),
      'the new entry',
    ).to.include(second);
  });

  it('the element is removed while the chunk loads: the entry is not lost (sent, or still queued and sent by the next page)', async () => {
    const key = 'lazy/removed';
    const a = new ServerBackend('https://a.example#rm', users);
    const token = await queuedEarlier(a, key);
    const { el } = await withSenderHeld(a, key);
    el.remove();
    await chunks('release', SENDER);
    await sleep(300);
    const sent = a.revokedTokens.filter((t) => t === token).length === 2 && outboxOf(key).length === 0;
    if (!sent) {
      expect(
        outboxOf(key).map((e) => e.token),
        'the entry after the removal',
      ).to.deep.equal([token]);
      dueNow(key);
      const next = await freshPage();
      await next.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
      await waitUntil(() => outboxOf(key).length === 0, 'the next page to send it');
    }
    expect(a.revokedTokens.filter((t) => t === token)).to.have.length(2);
  });

  it('the element is removed while the retry request is in flight and that try fails: the entry stays queued', async () => {
    const key = 'lazy/removed-2';
    const a = new ServerBackend('https://a.example#rm2', users);
    const token = await queuedEarlier(a, key);
    const gate = a.hold('logOut');
    const page = await freshPage();
    const el = await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
    await waitUntil(() => a.revokedTokens.filter((t) => t === token).length === 2, 'the retry in flight');
    el.remove();
    gate.reject(new AuthError('network'));
    await sleep(200);
    expect(outboxOf(key).map((e) => e.token)).to.deep.equal([token]);
  });

  it('two elements on one key and one server, chunk held: one request for the entry', async () => {
    const key = 'lazy/two-same';
    const a = new ServerBackend('https://a.example#two', users);
    const token = await queuedEarlier(a, key);
    await chunks('hold', SENDER);
    const page = await freshPage();
    await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
    await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
    await chunkHeld(SENDER);
    page.online();
    await chunks('release', SENDER);
    await waitUntil(() => outboxOf(key).length === 0, 'the outbox to empty');
    await sleep(300);
    expect(a.revokedTokens.filter((t) => t === token).length - 1).to.equal(1);
  });

  it('two keys on two servers, chunk held: each entry goes to its own server only', async () => {
    const a = new ServerBackend('https://a.example#k', users);
    const b = new ServerBackend('https://b.example#k', users);
    const ta = await queuedEarlier(a, 'lazy/key-a');
    const tb = await queuedEarlier(b, 'lazy/key-b');
    await chunks('hold', SENDER);
    const page = await freshPage();
    await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', 'lazy/key-a')));
    await page.session((e) => ((e.backend = b), e.setAttribute('storage-key', 'lazy/key-b')));
    await chunks('release', SENDER);
    await waitUntil(() => outboxOf('lazy/key-a').length === 0 && outboxOf('lazy/key-b').length === 0, 'both outboxes to empty');
    expect(a.revokedTokens.includes(tb)).to.equal(false);
    expect(b.revokedTokens.includes(ta)).to.equal(false);
  });

  it('the chunk cannot load at the page load (offline): the entry stays; at `online`, once it can load, it is sent', async function () {
    if (!loadsAgainAfterFailure) this.skip();
    const key = 'lazy/offline';
    const a = new ServerBackend('https://a.example#off', users);
    const token = await queuedEarlier(a, key);
    await chunks('fail', SENDER);
    const page = await freshPage();
    await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
    await waitUntil(async () => (await chunks('log')).seen.some((s) => s.includes(SENDER)), 'a try to load the chunk');
    await sleep(200);
    expect(
      outboxOf(key).map((e) => e.token),
      'after the failed load',
    ).to.deep.equal([token]);
    await chunks('heal', SENDER);
    page.online();
    await waitUntil(() => outboxOf(key).length === 0, 'sent at `online` once the chunk can load', { timeout: 5000 });
    expect(a.revokedTokens.filter((t) => t === token)).to.have.length(2);
  });

  it('the chunk fails at one `online`: the next `online` (chunk reachable again) sends it', async function () {
    if (!loadsAgainAfterFailure) this.skip();
    const key = 'lazy/offline-2';
    const a = new ServerBackend('https://a.example#off2', users);
    const page = await freshPage();
    const el = await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
    await el.logIn('ada', 'secret-pw');
    const token = tokenOf(key)!;
    await chunks('fail', SENDER);
    a.hold('logOut').reject(new AuthError('network'));
    expect((await el.logOut()).revocationPending).to.equal(true);
    dueNow(key);
    page.online();
    await waitUntil(async () => (await chunks('log')).seen.some((s) => s.includes(SENDER)), 'a try to load the chunk');
    await sleep(200);
    expect(outboxOf(key).length).to.equal(1);
    await chunks('heal', SENDER);
    dueNow(key);
    page.online();
    await waitUntil(() => outboxOf(key).length === 0, 'sent at the second `online`', { timeout: 5000 });
    expect(a.revokedTokens.filter((t) => t === token)).to.have.length(2);
  });

  it('storage="memory": a queued revocation is kept in memory only, and sent at `online` through the chunk', async () => {
    const key = 'lazy/memory';
    const a = new ServerBackend('https://a.example#mem', users);
    await chunks('hold', SENDER);
    const page = await freshPage();
    const el = await page.session(
      (e) => ((e.backend = a), e.setAttribute('storage-key', key), e.setAttribute('storage', 'memory')),
    );
    await el.logIn('ada', 'secret-pw');
    a.hold('logOut').reject(new AuthError('network'));
    expect((await el.logOut()).revocationPending).to.equal(true);
    expect(localStorage.getItem(outboxKeyOf(key)), 'in localStorage').to.equal(null);
    expect(sessionStorage.getItem(outboxKeyOf(key)), 'in sessionStorage').to.equal(null);
    const calls = a.count('logOut');
    page.online();
    await sleep(50);
    await chunks('release', SENDER);
    await waitUntil(() => a.count('logOut') === calls + 1, 'sent from memory', { timeout: 5000 });
    await sleep(200);
    expect(a.count('logOut')).to.equal(calls + 1);
  });

  it('storage="session": the entry sits in sessionStorage and the next page load sends it', async () => {
    const key = 'lazy/session';
    const a = new ServerBackend('https://a.example#ses', users);
    const first = await freshPage();
    const el = await first.session(
      (e) => ((e.backend = a), e.setAttribute('storage-key', key), e.setAttribute('storage', 'session')),
    );
    await el.logIn('ada', 'secret-pw');
    const token = tokenOf(key, sessionStorage)!;
    a.hold('logOut').reject(new AuthError('network'));
    expect((await el.logOut()).revocationPending).to.equal(true);
    expect(localStorage.getItem(outboxKeyOf(key))).to.equal(null);
    expect(outboxOf(key, sessionStorage)).to.have.length(1);
    first.close();
    dueNow(key, sessionStorage);
    await chunks('hold', SENDER);
    const next = await freshPage();
    await next.session((e) => ((e.backend = a), e.setAttribute('storage-key', key), e.setAttribute('storage', 'session')));
    await chunkHeld(SENDER);
    await chunks('release', SENDER);
    await waitUntil(() => outboxOf(key, sessionStorage).length === 0, 'sent by the next page');
    expect(a.revokedTokens.filter((t) => t === token)).to.have.length(2);
  });

  const hostile: [string, unknown][] = [
    ['an empty array', []],
    ['an object', { token: 'x', scope: 'current' }],
    ['entries of wrong types', [null, 3, 'x', [], { token: 7 }, { token: {}, scope: 'all', server: 'https://a.example#h' }]],
    [
      'a retryAt that is a string',
      [{ token: 'tok-s', scope: 'current', server: 'https://a.example#h', attempts: 1, retryAt: '0' }],
    ],
    ['an unknown scope', [{ token: 'tok-u', scope: 'everything', server: 'https://a.example#h', attempts: 0, retryAt: 0 }]],
    ['a scope local', [{ token: 'tok-l', scope: 'local', server: 'https://a.example#h', attempts: 0, retryAt: 0 }]],
    ['__proto__ keys', JSON.parse('[{"__proto__":{"polluted":1},"token":"p","scope":"current","server":"https://a.example#h"}]')],
  ];
  for (const [what, value] of hostile) {
    it(`an outbox holding ${what}: no uncaught error, nothing bogus sent, log-in and log-out still work`, async () => {
      const key = 'lazy/hostile';
      localStorage.setItem(outboxKeyOf(key), JSON.stringify(value));
      const a = new ServerBackend('https://a.example#h', users);
      const page = await freshPage();
      const el = await page.session((e) => ((e.backend = a), e.setAttribute('storage-key', key)));
      page.online();
      await sleep(300);
      for (const call of a.calls.filter((c) => c.method === 'logOut'))
        expect(['current', 'others', 'all'], 'scope sent').to.include(call.scope);
      for (const t of a.revokedTokens) expect(t, 'bogus token').to.not.match(/^\[object|^7$|^undefined$/);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect((page.win as unknown as Record<string, unknown>).Object && ({} as { polluted?: unknown }).polluted).to.equal(
        undefined,
      );
      await el.logIn('ada', 'secret-pw');
      expect((await el.logOut()).ok).to.equal(true);
    });
  }
});

// Keep the types of the fresh page's element the same as this page's.
export type { UserSessionElement };
