// Issue 22, "rules no test holds": rules that could be broken by hand with every test still green.
// Each test here fails when its rule is broken, and asserts only what a user or a page can see:
// attributes, events and their detail, what storage holds, what the server was asked.
// The same rules against the real Parse Server: test/integration/rules-held-parse.test.ts.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import { Capability, type AuthBackend, type PublicUser, type StoredSession } from '../src/backends/backend.js';
import type { SessionListElement } from '../src/elements/session-list.js';
import type { SignUpActionElement } from '../src/elements/sign-up-action.js';
import type { LogInActionElement } from '../src/elements/log-in-action.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { AuthError, MemoryBackend } from '../src/index.js';
import { deferred, type Deferred } from './helpers/deferred.js';
import { fillStorage, type Filler } from './helpers/fill-storage.js';
import { afterConnect, clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { withWritesRefused } from './helpers/refuse-writes.js';

const noAbort = { signal: new AbortController().signal };
/** Lets stray events and late answers arrive before counting. */
const settle = () => new Promise((r) => setTimeout(r, 150));

interface OtherTab extends Window {
  ready?: boolean;
  session: UserSessionElement;
  seen: { type: string; reason: string | null; at: number }[];
}

/** A same-origin iframe with its own copy of the kit and a `<user-session>` on `storageKey`: another tab. */
async function openOtherTab(): Promise<{ tab: OtherTab; close(): void }> {
  const frame = document.createElement('iframe');
  frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(storageKey)}`;
  document.body.append(frame);
  await waitUntil(() => (frame.contentWindow as OtherTab | null)?.ready === true, 'other tab ready', { timeout: 8000 });
  return { tab: frame.contentWindow as OtherTab, close: () => frame.remove() };
}

/** A `<user-session>` on `backend`, after the connecting task. */
async function sessionOn(backend: AuthBackend): Promise<UserSessionElement> {
  const session = await fixture<UserSessionElement>(
    html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
  );
  await afterConnect();
  return session;
}

/** The stored session as the default codec writes it (JSON of `StoredSession`), or null. */
function storedSession(): StoredSession | null {
  const raw = localStorage.getItem(storageKey);
  return raw === null ? null : (JSON.parse(raw) as StoredSession);
}

/**
 * A MemoryBackend whose server takes `updateUser` at once, but whose reply reaches the page only
 * when the test says so (`holdReply()`): the update is made, only its answer is late.
 */
class LateReplyBackend extends MemoryBackend {
  #reply: Deferred<void> | null = null;
  /** Settles when the server has made the update held by `holdReply()`. */
  accepted = deferred<PublicUser>();

  /** The next `updateUser` reply waits for the returned deferred. */
  holdReply(): Deferred<void> {
    this.accepted = deferred<PublicUser>();
    return (this.#reply = deferred());
  }

  override async updateUser(session: StoredSession, fields: Record<string, unknown>): Promise<PublicUser> {
    const user = await super.updateUser(session, fields);
    this.accepted.resolve(user);
    const reply = this.#reply;
    this.#reply = null;
    if (reply) await reply.promise;
    return user;
  }
}

describe('issue 22: rules no test held', () => {
  beforeEach(clearStorage);

  describe('rule 1: after a refused write, the next write that fits goes to Web Storage again (no log-out between)', () => {
    let filler: Filler | null = null;
    afterEach(() => {
      filler?.release();
      filler = null;
    });

    it('signed in while setItem throws (the session waits in memory), then refresh() once storage accepts: localStorage holds it, another tab signs in', async () => {
      const { session } = await sessionWithAction();
      const { tab, close } = await openOtherTab();
      try {
        await withWritesRefused(async () => {
          await signIn(session);
        });
        expect(session).to.have.attribute('authenticated');
        expect(localStorage.getItem(storageKey), 'the refused write left nothing in Web Storage').to.equal(null);
        await settle();
        expect(tab.session.authenticated, 'the other tab cannot know of a session kept in memory').to.equal(false);

        // Storage accepts writes again; no log-out in between.
        const user = await session.refresh();
        expect(user?.username).to.equal('ada');
        expect(storedSession()?.user.username, 'the refreshed session is in localStorage').to.equal('ada');
        expect(storedSession()?.user.id).to.equal(session.userId);
        await waitUntil(() => tab.session.authenticated, 'the other tab sees the session now stored');
        expect(tab.session.username).to.equal('ada');
        expect(tab.seen.map((e) => `${e.type}:${e.reason}`)).to.deep.equal(['logged-in:other-tab']);
      } finally {
        close();
      }
    });

    it('signed in while storage is really full, then updateUser() once room is freed: localStorage holds the updated user, another tab sees it', async () => {
      const backend = new RecordingBackend();
      const { session } = await sessionWithAction(backend);
      filler = fillStorage();
      await signIn(session);
      expect(session.authenticated).to.equal(true);
      expect(localStorage.getItem(storageKey), 'nothing stored while full').to.equal(null);
      const { tab, close } = await openOtherTab();
      try {
        filler.release();
        filler = null;
        const changes = recordEvents(session, ['user-change', 'logged-out']);
        await session.updateUser({ plan: 'pro' });
        expect(changes.map((e) => e.type)).to.deep.equal(['user-change']);
        const stored = storedSession();
        expect(stored?.user, 'the update is in localStorage, where a reload reads it').to.include({
          username: 'ada',
          plan: 'pro',
        });
        expect(backend.isActive(stored!.token), 'with the live session').to.equal(true);
        await waitUntil(() => tab.session.authenticated, 'the other tab sees the stored session');
        expect(tab.session.user).to.include({ username: 'ada', plan: 'pro' });
        expect(tab.seen.map((e) => `${e.type}:${e.reason}`)).to.deep.equal(['logged-in:other-tab']);
      } finally {
        close();
      }
    });
  });

  describe('rule 2: a late updateUser reply does not write over what is stored now (the server took the update)', () => {
    it('reply after a log-out: the session stays signed out, nothing is stored, no event', async () => {
      const backend = new LateReplyBackend({ users: [{ username: 'ada', password: 'secret-pw' }] });
      const session = await sessionOn(backend);
      await signIn(session);
      const token = storedSession()!.token;
      const reply = backend.holdReply();
      const update = session.updateUser({ plan: 'pro' });
      expect((await backend.accepted.promise).plan, 'the server made the update').to.equal('pro');

      const result = await session.logOut();
      expect(result).to.include({ ok: true, signedOutLocally: true });
      expect(backend.isActive(token)).to.equal(false);
      const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
      reply.resolve();
      expect((await update).plan).to.equal('pro');
      await settle();
      expect(localStorage.getItem(storageKey), 'the late reply stored nothing').to.equal(null);
      expect(session).not.to.have.attribute('authenticated');
      expect(session.user).to.equal(null);
      expect(events.map((e) => e.type)).to.deep.equal([]);
    });

    it('reply after a new sign-in as someone else: the new user stays stored and shown, no user-change', async () => {
      const backend = new LateReplyBackend({
        users: [
          { username: 'ada', password: 'secret-pw' },
          { username: 'grace', password: 'pw-2' },
        ],
      });
      const session = await sessionOn(backend);
      await signIn(session);
      const reply = backend.holdReply();
      const update = session.updateUser({ plan: 'pro' });
      await backend.accepted.promise;

      await session.logIn('grace', 'pw-2');
      const graceStored = localStorage.getItem(storageKey);
      expect(storedSession()?.user.username).to.equal('grace');
      const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
      reply.resolve();
      expect((await update).username, "the reply is ada's").to.equal('ada');
      await settle();
      expect(localStorage.getItem(storageKey), "grace's session is untouched").to.equal(graceStored);
      expect(session.username).to.equal('grace');
      expect(session.user).not.to.have.property('plan');
      expect(session).to.have.attribute('authenticated');
      expect(events.map((e) => e.type)).to.deep.equal([]);
    });
  });

  describe('rule 3: listSessions drops ids and user agents that carry the token, whatever the backend returns', () => {
    /**
     * A page's own backend that lists sessions carelessly: one id is the token itself, one
     * embeds it, and this browser's entry has the token in its user agent.
     */
    function carelessBackend() {
      const memory = new MemoryBackend({ users: [{ username: 'ada', password: 'secret-pw' }] });
      const calls: string[] = [];
      const backend: AuthBackend = {
        capabilities: [Capability.passwordLogIn, Capability.listSessions, Capability.revokeSession],
        logIn: (u, p, o) => memory.logIn(u, p, o),
        logOut: (s, o) => memory.logOut(s, o),
        currentUser: (s, o) => memory.currentUser(s, o),
        listSessions: async (session) => {
          calls.push('listSessions');
          const now = Date.now();
          return [
            { id: 'own-1', current: true, createdAt: now - 1000, userAgent: `Mozilla/5.0 (X11; Linux) token=${session.token}` },
            { id: session.token, current: false, createdAt: now - 2000, userAgent: 'Mozilla/5.0 (iPhone)' },
            { id: `sess/${session.token}/2`, current: false, createdAt: now - 3000 },
            { id: 'other-4', current: false, createdAt: now - 4000, userAgent: 'Mozilla/5.0 (Windows NT 10.0)' },
            // URL-encoded, as a query string or cookie would carry it.
            { id: encodeURIComponent(session.token), current: false, createdAt: now - 5000 },
            { id: 'other-6', current: false, createdAt: now - 6000, userAgent: `Agent?t=${encodeURIComponent(session.token)}` },
          ];
        },
        revokeSession: async () => {},
      };
      return { backend, calls };
    }

    it('the list the page gets holds no token: entries named by it are dropped, a user agent quoting it is left out', async () => {
      const { backend } = carelessBackend();
      const session = await sessionOn(backend);
      await session.logIn('ada', 'secret-pw');
      const token = storedSession()!.token;
      const list = await session.listSessions();
      expect(JSON.stringify(list)).not.to.contain(token);
      expect(JSON.stringify(list)).not.to.contain(encodeURIComponent(token));
      expect(list.map((s) => s.id)).to.deep.equal(['own-1', 'other-4', 'other-6']);
      expect(list[0]).to.deep.equal({ id: 'own-1', current: true, createdAt: list[0]!.createdAt });
      expect(list[1]!.userAgent).to.equal('Mozilla/5.0 (Windows NT 10.0)');
      expect(list[2]).not.to.have.property('userAgent');
    });

    it('<session-list> shows no token in its markup, attributes or sessions', async () => {
      const { backend, calls } = carelessBackend();
      const session = await sessionOn(backend);
      await session.logIn('ada', 'secret-pw');
      const token = storedSession()!.token;
      const list = document.createElement('session-list') as SessionListElement;
      const failures = recordEvents(list, ['failure']);
      session.append(list);
      await waitUntil(() => calls.length > 0 && !list.busy && list.sessions.length > 0, 'listed');
      await list.updateComplete;
      expect(failures).to.have.length(0);
      const markup = list.shadowRoot!.innerHTML + list.outerHTML;
      expect(markup, 'the markup').not.to.contain(token);
      expect(JSON.stringify(list.sessions), 'list.sessions').not.to.contain(token);
      expect(markup, 'the markup').not.to.contain(encodeURIComponent(token));
      expect(list.sessions.map((s) => s.id)).to.deep.equal(['own-1', 'other-4', 'other-6']);
    });
  });

  describe('rule 4a: a change another tab makes in storage (storage event alone) is seen: attribute and event, reason other-tab', () => {
    it('a session written, then the whole storage cleared, by a script in another tab (not the kit: no channel message)', async () => {
      const { session } = await sessionWithAction();
      const { tab, close } = await openOtherTab();
      try {
        const events = recordEvents(session, ['logged-in', 'logged-out']);
        const theirs = await new RecordingBackend().logIn('ada', 'secret-pw', noAbort);
        tab.localStorage.setItem(storageKey, JSON.stringify(theirs));
        await waitUntil(() => session.hasAttribute('authenticated'), 'this tab signed in by the storage event');
        expect(session.username).to.equal('ada');
        expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:other-tab']);
        expect(events[0]!.detail.user).to.deep.equal(session.user);

        tab.localStorage.clear(); // a storage event with key null
        await waitUntil(() => !session.hasAttribute('authenticated'), 'this tab signed out by the storage event');
        expect(session.user).to.equal(null);
        await settle();
        expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:other-tab', 'logged-out:other-tab']);
      } finally {
        close();
      }
    });
  });

  describe('rule 4b: the password given to a sign-in action is for one run only', () => {
    it('<sign-up-action>: cleared before its failure and its success events, whether the run is a click or a submit', async () => {
      const backend = new RecordingBackend();
      const session = await fixture<UserSessionElement>(html`
        <user-session .backend=${backend} storage-key=${storageKey}>
          <form><sign-up-action></sign-up-action></form>
        </user-session>
      `);
      const action = session.querySelector<SignUpActionElement>('sign-up-action')!;
      await action.updateComplete;
      const passwordAtEvent: (string | null)[] = [];
      action.addEventListener('failure', () => passwordAtEvent.push(action.password));
      action.addEventListener('success', () => passwordAtEvent.push(action.password));

      // Failure: the name is taken.
      action.username = 'ada';
      action.password = 'taken-pw';
      const failure = oneEvent(action, 'failure');
      action.shadowRoot!.querySelector('button')!.click();
      expect((await failure).detail.error.code).to.equal('username-taken');
      expect(action.password).to.equal(null);

      // Success: a submit of the surrounding form.
      action.username = 'grace';
      action.password = 'grace-pw';
      const success = oneEvent(action, 'success');
      session.querySelector('form')!.requestSubmit();
      await success;
      expect(session.username).to.equal('grace');
      expect(action.password).to.equal(null);
      expect(passwordAtEvent, 'already cleared when each event fires').to.deep.equal([null, null]);
      expect(backend.count('signUp'), 'one refused, one made').to.equal(2);
    });

    it('<log-in-action> with no <user-session> to find: the run fails before any request, and the password is cleared all the same', async () => {
      const action = await fixture<LogInActionElement>(html`<log-in-action></log-in-action>`);
      action.username = 'ada';
      action.password = 'secret-pw';
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('no-session');
      expect(action.password).to.equal(null);
      expect(JSON.stringify(Object.entries(action))).not.to.contain('secret-pw');
    });
  });

  describe('rule 4c: an "invalid session" answer for an old session never signs out the new one', () => {
    it('listSessions() on the old session answers invalid after a new sign-in: it rejects, the new session stays', async () => {
      const { session, backend } = await sessionWithAction();
      await signIn(session);
      const oldToken = storedSession()!.token;
      const gate = backend.hold('listSessions');
      const listing = session.listSessions().then(
        () => null,
        (e: unknown) => e,
      );
      await waitUntil(() => backend.count('listSessions') === 1, 'the request on the old session has left');
      await signIn(session); // over the active one: the old session is revoked first
      const fresh = localStorage.getItem(storageKey);
      expect(storedSession()!.token).not.to.equal(oldToken);
      expect(backend.isActive(oldToken)).to.equal(false);
      const events = recordEvents(session, ['logged-out', 'logged-in']);
      gate.resolve(); // the memory backend now answers "invalid session" for the old token
      const error = await listing;
      expect(error).to.be.instanceOf(AuthError);
      expect((error as AuthError).code).to.equal('invalid-session');
      await settle();
      expect(session).to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.equal(fresh);
      expect(events).to.have.length(0);
    });

    it('the check of a restored session answers invalid after the user signed in anew: no session-lost', async () => {
      const backend = new RecordingBackend();
      const restored = await backend.logIn('ada', 'secret-pw', noAbort);
      localStorage.setItem(storageKey, JSON.stringify(restored)); // an earlier page load signed in
      const gate = backend.hold('currentUser');
      const { session } = await sessionWithAction(backend);
      expect(session).to.have.attribute('authenticated');
      await waitUntil(() => backend.count('currentUser') === 1, 'the connect-time check has left');
      await signIn(session);
      const fresh = localStorage.getItem(storageKey);
      expect(backend.isActive(restored.token)).to.equal(false);
      const events = recordEvents(session, ['logged-out', 'logged-in']);
      gate.resolve(); // "invalid session" for the restored token
      expect(await session.ready).to.deep.equal(session.user);
      await settle();
      expect(session).to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.equal(fresh);
      expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal([]);
    });
  });
});
