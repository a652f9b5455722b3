// userSession.listSessions() / revokeSession() and the `sessions-change` news: on one element,
// across two <user-session> elements on one key, and across tabs (an iframe with its own kit).
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import type { AuthBackend } from '../src/backends/backend.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { AuthError } from '../src/errors.js';
import { afterConnect, clearStorage, recordEvents, storageKey } from './helpers/fixtures.js';
import { RecordingBackend } from './helpers/recording-backend.js';

interface OtherTab extends Window {
  ready?: boolean;
  session: UserSessionElement;
  seen: { type: string; reason: string | null }[];
}

async function openOtherTab(): Promise<{ tab: OtherTab; close(): void }> {
  const frame = document.createElement('iframe');
  frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(storageKey)}`;
  document.body.append(frame);
  await waitUntil(() => (frame.contentWindow as OtherTab | null)?.ready === true, 'other tab ready', { timeout: 8000 });
  return { tab: frame.contentWindow as OtherTab, close: () => frame.remove() };
}

const noAbort = { signal: new AbortController().signal };
const settle = () => new Promise((r) => setTimeout(r, 150));
const failure = (work: Promise<unknown>) =>
  work.then(
    () => expect.fail('should reject'),
    (e: AuthError) => e,
  );

async function page(backend: AuthBackend = new RecordingBackend()) {
  const session = await fixture<UserSessionElement>(
    html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
  );
  await afterConnect();
  return session;
}

describe('listSessions / revokeSession / sessions-change', () => {
  beforeEach(clearStorage);

  it("listSessions: this browser first, frozen, no token, only the user's own sessions", async () => {
    const backend = new RecordingBackend({
      users: [
        { username: 'ada', password: 'secret-pw' },
        { username: 'eve', password: 'pw' },
      ],
    });
    const session = await page(backend);
    await session.logIn('ada', 'secret-pw');
    const other = backend.openSession('ada', { userAgent: 'Firefox/1', createdAt: Date.now() - 1000 });
    const eve = backend.openSession('eve');
    const list = await session.listSessions();
    expect(list.map((s) => s.current)).to.deep.equal([true, false]);
    expect(list[1]).to.include({ userAgent: 'Firefox/1' });
    expect(Object.isFrozen(list) && list.every((s) => Object.isFrozen(s))).to.equal(true);
    const text = JSON.stringify(list);
    const own = JSON.parse(localStorage.getItem(storageKey)!).token as string;
    for (const token of [own, other.token, eve.token]) expect(text).to.not.contain(token);
    expect(
      list.every((s) =>
        Object.keys(s).every((k) => ['id', 'current', 'createdAt', 'lastActiveAt', 'expiresAt', 'userAgent'].includes(k)),
      ),
    ).to.equal(true);
  });

  it('lastActiveAt follows use (currentUser)', async () => {
    const backend = new RecordingBackend();
    const session = await page(backend);
    await session.logIn('ada', 'secret-pw');
    const [before] = await session.listSessions();
    await new Promise((r) => setTimeout(r, 20));
    await session.refresh();
    const [after] = await session.listSessions();
    expect(after!.lastActiveAt).to.be.greaterThan(before!.lastActiveAt!);
  });

  it('signed out → bad-request "Not signed in", no request; no capability → misconfigured', async () => {
    const backend = new RecordingBackend();
    const session = await page(backend);
    const out = await failure(session.listSessions());
    expect([out.code, out.message]).to.deep.equal(['bad-request', 'Not signed in.']);
    expect((await failure(session.revokeSession('x'))).code).to.equal('bad-request');
    expect(backend.count('listSessions') + backend.count('revokeSession')).to.equal(0);

    const limited: AuthBackend = {
      capabilities: ['password-log-in'],
      logIn: (u, p, o) => backend.logIn(u, p, o),
      logOut: (s, o) => backend.logOut(s, o),
      currentUser: (s, o) => backend.currentUser(s, o),
    };
    session.backend = limited;
    await session.logIn('ada', 'secret-pw');
    const list = await failure(session.listSessions());
    expect(list.code).to.equal('misconfigured');
    expect(list.message).to.contain('list-sessions');
    const revoke = await failure(session.revokeSession('x'));
    expect(revoke.code).to.equal('misconfigured');
    expect(revoke.message).to.contain('revoke-session');
  });

  it('an empty or non-string id is bad-request, before any request', async () => {
    const backend = new RecordingBackend();
    const session = await page(backend);
    await session.logIn('ada', 'secret-pw');
    for (const id of ['', '  ', 42, null]) {
      expect((await failure(session.revokeSession(id as string))).code).to.equal('bad-request');
    }
    expect(backend.count('revokeSession')).to.equal(0);
  });

  it('the server refusing the session: listSessions rejects invalid-session and the session ends as session-lost', async () => {
    const backend = new RecordingBackend();
    const session = await page(backend);
    await session.logIn('ada', 'secret-pw');
    const [own] = await session.listSessions();
    const elsewhere = backend.openSession('ada');
    await backend.revokeSession(elsewhere, own!.id, noAbort); // revoked from another device
    const events = recordEvents(session, ['logged-out']);
    const error = await failure(session.listSessions());
    expect(error.code).to.equal('invalid-session');
    expect(events.map((e) => e.detail.reason)).to.deep.equal(['session-lost']);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it("revokeSession ends another session of the user; another user's id is untouched; sessions-change fires once", async () => {
    const backend = new RecordingBackend({
      users: [
        { username: 'ada', password: 'secret-pw' },
        { username: 'eve', password: 'pw' },
      ],
    });
    const session = await page(backend);
    await session.logIn('ada', 'secret-pw');
    const other = backend.openSession('ada');
    const eve = backend.openSession('eve');
    const [eveId] = (await backend.listSessions(eve, noAbort)).map((s) => s.id);
    const otherId = (await session.listSessions()).find((s) => !s.current)!.id;
    const changes = recordEvents(session, ['sessions-change', 'logged-out']);
    await session.revokeSession(otherId);
    expect(backend.isActive(other.token)).to.equal(false);
    await session.revokeSession(eveId!); // not hers: resolves, nothing done
    expect(backend.isActive(eve.token)).to.equal(true);
    expect(changes.map((e) => e.type)).to.deep.equal(['sessions-change', 'sessions-change']);
    expect(changes[0]!.bubbles).to.equal(true);
    expect(changes[0]!.detail).to.deep.equal({});
    expect(session.authenticated).to.equal(true);
  });

  it("this browser's own id logs out here (logged-out log-out), even when not listed first", async () => {
    const backend = new RecordingBackend();
    const session = await page(backend);
    await session.logIn('ada', 'secret-pw');
    const token = JSON.parse(localStorage.getItem(storageKey)!).token as string;
    const [own] = await backend.listSessions({ token, user: { id: session.userId! } }, noAbort);
    const events = recordEvents(session, ['logged-out']);
    await session.revokeSession(own!.id);
    expect(events.map((e) => e.detail.reason)).to.deep.equal(['log-out']);
    expect(backend.isActive(token)).to.equal(false);
    expect(backend.count('revokeSession'), 'a log-out, not a revokeSession').to.equal(0);
    expect(backend.count('logOut')).to.equal(1);
  });

  it('two <user-session> on one key: both fire sessions-change after a revoke and after logOut({scope: "others"})', async () => {
    const backend = new RecordingBackend();
    const wrapper = await fixture<HTMLDivElement>(
      html`<div>
        <user-session id="a" .backend=${backend} storage-key=${storageKey}></user-session>
        <user-session id="b" .backend=${backend} storage-key=${storageKey}></user-session>
      </div>`,
    );
    const [a, b] = [...wrapper.querySelectorAll('user-session')];
    await afterConnect();
    await a!.logIn('ada', 'secret-pw');
    backend.openSession('ada');
    backend.openSession('ada');
    const seenA = recordEvents(a!, ['sessions-change']);
    const seenB = recordEvents(b!, ['sessions-change']);
    const otherId = (await b!.listSessions()).find((s) => !s.current)!.id;
    await a!.revokeSession(otherId);
    expect([seenA.length, seenB.length]).to.deep.equal([1, 1]);
    await b!.logOut({ scope: 'others' });
    expect([seenA.length, seenB.length]).to.deep.equal([2, 2]);
    expect(await a!.listSessions()).to.have.length(1);
    // `current` and `local` tell nothing about the list
    await a!.logOut({ scope: 'local' });
    await settle();
    expect([seenA.length, seenB.length]).to.deep.equal([2, 2]);
  });

  it('another tab hears sessions-change after a revoke here, and after logOut({scope: "others"}); nothing echoes back', async () => {
    const backend = new RecordingBackend();
    const session = await page(backend);
    const { tab, close } = await openOtherTab();
    try {
      await session.logIn('ada', 'secret-pw');
      await waitUntil(() => tab.session.authenticated, 'other tab signed in');
      backend.openSession('ada');
      backend.openSession('ada');
      const here = recordEvents(session, ['sessions-change']);
      const otherId = (await session.listSessions()).find((s) => !s.current)!.id;
      await session.revokeSession(otherId);
      await waitUntil(() => tab.seen.some((e) => e.type === 'sessions-change'), 'other tab hears it');
      await session.logOut({ scope: 'others' });
      await waitUntil(() => tab.seen.filter((e) => e.type === 'sessions-change').length === 2, 'other tab hears the second');
      await settle();
      expect(tab.seen.map((e) => e.type)).to.deep.equal(['logged-in', 'sessions-change', 'sessions-change']);
      expect(here).to.have.length(2);
      expect(tab.session.authenticated).to.equal(true);
    } finally {
      close();
    }
  });
});
