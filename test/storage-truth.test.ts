// SPEC §7 "storage is the truth", rule by rule, through the elements as a page uses them.
// The rules that need a server are also proven against the real Parse Server in
// test/integration/storage-truth-parse.test.ts. Runtime imports go through src/index.js only.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import type { AuthBackend, StoredSession } from '../src/backends/backend.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import type { LogInActionElement } from '../src/elements/log-in-action.js';
import { AuthError, MemoryBackend } from '../src/index.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { fillStorage, type Filler } from './helpers/fill-storage.js';

const noAbort = { signal: new AbortController().signal };
const outboxKey = `${storageKey}:pending-revocations`;

describe('SPEC §7: storage is the truth', () => {
  beforeEach(clearStorage);

  describe('§7.1 every action reads the stored session afresh', () => {
    it('<log-out-action> signs out and revokes a session another script stored after connect', async () => {
      const { session, action, backend } = await sessionWithAction();
      expect(session.authenticated).to.equal(false);
      const theirs = await backend.logIn('ada', 'secret-pw', noAbort);
      localStorage.setItem(storageKey, JSON.stringify(theirs)); // same document: no storage event
      const success = oneEvent(action, 'success');
      expect(await action.do()).to.equal(true);
      expect((await success).detail).to.deep.equal({ scope: 'current', revoked: true });
      expect(backend.isActive(theirs.token)).to.equal(false);
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });

    it('refresh() does not bring back a session page code removed while the server was answering', async () => {
      const { session, backend } = await sessionWithAction();
      await signIn(session);
      const gate = backend.hold('currentUser');
      const refreshed = session.refresh();
      localStorage.removeItem(storageKey);
      gate.resolve();
      expect(await refreshed).to.equal(null);
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(session).not.to.have.attribute('authenticated');
    });
  });

  describe('§7.2 a failed write never detaches the element from storage (real quota)', () => {
    let filler: Filler | null = null;
    afterEach(() => {
      filler?.release();
      filler = null;
    });

    it('after a write the full storage refused, log-out still removes the key from localStorage, and later writes go there again', async () => {
      const fields = { bio: '' };
      const memory = new MemoryBackend({ users: [{ username: 'ada', password: 'secret-pw' }] });
      const growing: AuthBackend = {
        logIn: (u, p, o) => memory.logIn(u, p, o),
        logOut: (s, o) => memory.logOut(s, o),
        currentUser: async (s, o) => ({ ...(await memory.currentUser(s, o)), ...fields }),
      };
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${growing} storage-key=${storageKey}></user-session>`,
      );
      await session.logIn('ada', 'secret-pw');
      expect(localStorage.getItem(storageKey)).to.contain('"ada"');
      filler = fillStorage();
      fields.bio = 'x'.repeat(4096); // the user record grew on the server
      await session.refresh(); // this write no longer fits
      expect(session.user?.bio).to.equal(fields.bio);
      expect(localStorage.getItem(storageKey), 'the older value must not stay behind').to.equal(null);

      const result = await session.logOut();
      expect(result).to.deep.include({ ok: true, signedOutLocally: true });
      expect(localStorage.getItem(storageKey)).to.equal(null);
      // "Reload": a fresh element on the key reads nothing.
      session.remove();
      const reloaded = await fixture<UserSessionElement>(
        html`<user-session .backend=${growing} storage-key=${storageKey}></user-session>`,
      );
      expect(reloaded.authenticated).to.equal(false);

      filler.release();
      filler = null;
      fields.bio = '';
      await reloaded.logIn('ada', 'secret-pw');
      expect(localStorage.getItem(storageKey), 'writes reach localStorage again').to.contain('"ada"');
    });
  });

  describe('§7.3 attribute values are normalised', () => {
    it('storage=" Memory " keeps the session out of Web Storage', async () => {
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${new RecordingBackend()} storage=" Memory " storage-key=${storageKey}></user-session>`,
      );
      await signIn(session);
      expect(session.authenticated).to.equal(true);
      expect(localStorage.length + sessionStorage.length).to.equal(0);
    });

    it('backend=" MEMORY " is the memory backend', async () => {
      MemoryBackend.shared.addUser({ username: `norm-${Date.now()}`, password: 'pw' });
      const session = await fixture<UserSessionElement>(
        html`<user-session backend=" MEMORY " storage-key=${storageKey}></user-session>`,
      );
      expect(session.backend).to.equal(MemoryBackend.shared);
    });
  });

  describe('§7.8 a disconnected <user-session> still honours a log-out an action started', () => {
    it('action.do(); session.remove() in one task: success, storage cleared, token revoked', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const { token } = JSON.parse(localStorage.getItem(storageKey)!) as StoredSession;
      const run = action.do();
      session.remove();
      expect(await run).to.equal(true);
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(backend.isActive(token)).to.equal(false);
    });
  });

  describe('§7.9 no token in any error, in any encoding', () => {
    it('message, stack and the whole cause chain are free of the token, raw, URL-encoded and JSON-escaped', async () => {
      const token = 'r:tok/en+"quoted"&=';
      const quoting = (text: string) => `raw ${token} url ${encodeURIComponent(token)} json ${JSON.stringify(token)}${text}`;
      const inner = new TypeError(quoting(' inner'));
      const backend: AuthBackend = {
        logIn: async () => ({ token, user: { id: 'u1' } }),
        logOut: async () => {
          throw new Error(quoting(' outer'), { cause: { reply: quoting(' body'), nested: inner } });
        },
        currentUser: async () => ({ id: 'u1' }),
      };
      const { session, action } = await sessionWithAction(backend as RecordingBackend);
      await session.logIn('ada', 'pw');
      const failure = oneEvent(action, 'failure');
      await action.do();
      const { error } = (await failure).detail;
      expect(error).to.be.instanceOf(AuthError);
      const spelled = [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1)];
      const texts: string[] = [];
      for (let e: unknown = error, depth = 0; e !== undefined && depth < 10; depth++) {
        texts.push(e instanceof Error ? `${e.message}\n${e.stack}` : JSON.stringify(e));
        e = e instanceof Error ? e.cause : undefined;
      }
      texts.push(action.error);
      for (const text of texts) for (const form of spelled) expect(text).not.to.contain(form);
      expect(error.message).to.contain('[redacted]');
    });
  });

  describe('§7.10 a queued "all" revocation only ends what existed at the click', () => {
    it('replayed when back online, it spares a session created after the click', async () => {
      const { session, action, backend } = await sessionWithAction();
      action.setAttribute('scope', 'all');
      await signIn(session);
      const before = await backend.logIn('ada', 'secret-pw', noAbort);
      backend.hold('logOut').reject(new AuthError('network'));
      const failure = oneEvent(action, 'failure');
      await action.do();
      expect((await failure).detail).to.deep.include({ signedOutLocally: true, revocationPending: true });
      await new Promise((r) => setTimeout(r, 5));
      const later = await backend.logIn('ada', 'secret-pw', noAbort);
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => localStorage.getItem(outboxKey) === null, 'outbox replayed');
      expect(backend.isActive(before.token)).to.equal(false);
      expect(backend.isActive(later.token)).to.equal(true);
    });
  });

  describe('§7.11 user never carries secrets', () => {
    it('sessionToken, authData and _-named fields of the stored user are dropped from user and events', async () => {
      localStorage.setItem(
        storageKey,
        JSON.stringify({
          token: 'tok-1',
          user: {
            id: 'u1',
            username: 'ada',
            sessionToken: 'tok-1',
            authData: { github: { access_token: 'gh' } },
            _hashed_password: 'x',
          },
        }),
      );
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${new RecordingBackend()} storage-key=${storageKey}></user-session>`,
      );
      expect(session.user).to.deep.equal({ id: 'u1', username: 'ada' });
    });
  });

  describe('§7.12 signing in over an active session signs that session out first', () => {
    it('the old token is revoked, logged-out then logged-in fire', async () => {
      const { session, backend } = await sessionWithAction();
      backend.addUser({ username: 'grace', password: 'pw-2' });
      await signIn(session);
      const { token } = JSON.parse(localStorage.getItem(storageKey)!) as StoredSession;
      const events = recordEvents(session, ['logged-in', 'logged-out']);
      await session.logIn('grace', 'pw-2');
      expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-out:log-out', 'logged-in:log-in']);
      expect(backend.isActive(token)).to.equal(false);
      expect(session.username).to.equal('grace');
    });

    it('unreachable server: the old session waits in the outbox', async () => {
      const { session, backend } = await sessionWithAction();
      await signIn(session);
      backend.hold('logOut').reject(new AuthError('network'));
      await signIn(session);
      await waitUntil(() => localStorage.getItem(outboxKey) !== null, 'old session queued');
      expect(session.authenticated).to.equal(true);
    });
  });

  describe('§7.13 the log-in action password', () => {
    it('is not enumerable and is cleared after each run, success or failure', async () => {
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${new RecordingBackend()} storage-key=${storageKey}
          ><log-in-action></log-in-action
        ></user-session>`,
      );
      const action = session.querySelector<LogInActionElement>('log-in-action')!;
      action.username = 'ada';
      action.password = 'wrong';
      expect(Object.keys(action)).not.to.include('password');
      expect(JSON.stringify(Object.entries(action))).not.to.contain('wrong');
      expect(await action.do()).to.equal(false);
      expect(action.password).to.equal(null);
      action.password = 'secret-pw';
      expect(await action.do()).to.equal(true);
      expect(action.password).to.equal(null);
    });
  });
});
