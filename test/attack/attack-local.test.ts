// Regression tests from an outside attack pass (black box: the tester had only README and SPEC)
// on the elements with in-page backends, no server: bad input, races, leaks. Each attack that
// found a defect, or probed a promise worth keeping, stays here as a regression test. What
// test/storage-truth.test.ts and test/session-controller.test.ts already assert is not repeated.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/index.js';
import { AuthError, MemoryBackend } from '../../src/index.js';
import type { AuthBackend, PublicUser } from '../../src/backends/backend.js';
import type { LogOutResult } from '../../src/session/log-out-result.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import {
  afterConnect,
  clearStorage,
  recordEvents,
  sessionWithAction,
  signIn,
  storageKey,
  visibleText,
} from '../helpers/fixtures.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { IssuingBackend, errorText, nextTask, outboxKeyOf, rejectionOf, spellings, storedToken } from './attack-helpers.js';

const noAbort = { signal: new AbortController().signal };
const outboxKey = outboxKeyOf(storageKey);

/** A token with characters that read differently raw, URL-encoded and JSON-escaped. */
const TOKEN = 'r:S3cr"et/To ken+\\x';

/** A backend whose sessions carry TOKEN and whose logOut and currentUser throw `fail(token)`. */
function leakyBackend(fail: (token: string) => unknown): AuthBackend & { revocations: number } {
  const backend = {
    revocations: 0,
    logIn: async () => ({ token: TOKEN, user: { id: 'u1', username: 'ada' } }),
    signUp: async () => ({ token: TOKEN, user: { id: 'u1', username: 'ada' } }),
    logOut: async (s: { token: string }) => {
      backend.revocations++;
      throw fail(s.token);
    },
    currentUser: async (s: { token: string }): Promise<PublicUser> => {
      throw fail(s.token);
    },
  };
  return backend;
}

/** A `<user-session>` on `backend` with a `<log-out-action>` inside, signed in. */
async function signedInWith(backend: AuthBackend, timeout = 10_000) {
  const session = await fixture<UserSessionElement>(
    html`<user-session .backend=${backend} timeout=${timeout} storage-key=${storageKey}
      ><log-out-action></log-out-action
    ></user-session>`,
  );
  await session.logIn('ada', 'secret-pw');
  return { session, action: session.querySelector<LogOutActionElement>('log-out-action')! };
}

describe('attack regressions: in-page backends', () => {
  beforeEach(clearStorage);
  afterEach(clearStorage);

  describe('attribute values (SPEC §7.3)', () => {
    it('scope=" ALL\\n" means all: the backend is asked to revoke every session, success says scope all', async () => {
      const { session, action, backend } = await sessionWithAction();
      action.setAttribute('scope', ' ALL\n');
      await signIn(session);
      const success = oneEvent(action, 'success');
      expect(await action.do()).to.equal(true);
      expect((await success).detail).to.deep.equal({ scope: 'all', revoked: true });
      expect(backend.calls.filter((c) => c.method === 'logOut').map((c) => c.scope)).to.deep.equal(['all']);
    });

    it('an unknown scope "everywhere" signs out here, then fails with bad-request and signedOutLocally true', async () => {
      const { session, action } = await sessionWithAction();
      action.setAttribute('scope', 'everywhere');
      await signIn(session);
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      const { detail } = await failure;
      expect(detail.error.code).to.equal('bad-request');
      expect(detail.signedOutLocally).to.equal(true);
      expect(session).not.to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });

    it('storage=" SESSION\\t" keeps the session in sessionStorage, never in localStorage', async () => {
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${new RecordingBackend()} storage=" SESSION	" storage-key=${storageKey}></user-session>`,
      );
      await signIn(session);
      expect(sessionStorage.getItem(storageKey)).to.be.a('string');
      expect(localStorage.getItem(storageKey)).to.equal(null);
      await session.logOut();
      expect(sessionStorage.getItem(storageKey)).to.equal(null);
    });
  });

  describe('logOut() never rejects (README)', () => {
    for (const [name, arg] of [
      ['null', null],
      ['a string "all"', 'all'],
      ['{ scope: 42 }', { scope: 42 }],
      ['{ scope: " All " }', { scope: ' All ' }],
    ] as [string, unknown][]) {
      it(`logOut(${name}) resolves with signedOutLocally true and signs out here`, async () => {
        const { session } = await sessionWithAction();
        await signIn(session);
        const result = await (session.logOut as (options: unknown) => Promise<LogOutResult>)(arg);
        expect(result).to.include({ signedOutLocally: true });
        expect(session).not.to.have.attribute('authenticated');
        expect(localStorage.getItem(storageKey)).to.equal(null);
      });
    }

    it('logOut() on a <user-session> that was never connected resolves ok, with nothing to revoke', async () => {
      const session = document.createElement('user-session');
      session.setAttribute('storage-key', storageKey);
      const result = await session.logOut();
      expect(result).to.include({ ok: true, revoked: false });
    });
  });

  describe('junk backends (SPEC §6: bad input never throws out of an element)', () => {
    for (const [name, junk] of [
      ['{}', {}],
      ['42', 42],
      ['"nope"', 'nope'],
      ['{ logIn: 1 }', { logIn: 1 }],
    ] as [string, unknown][]) {
      it(`backend = ${name}: setting it does not throw; log-out still signs out here; logIn rejects with an AuthError`, async () => {
        const { session } = await sessionWithAction();
        await signIn(session);
        expect(() => ((session as unknown as { backend: unknown }).backend = junk)).not.to.throw();
        const result = await session.logOut();
        expect(result.signedOutLocally).to.equal(true);
        expect(localStorage.getItem(storageKey)).to.equal(null);
        expect(session).not.to.have.attribute('authenticated');
        expect(await rejectionOf(session.logIn('ada', 'secret-pw'))).to.be.instanceOf(AuthError);
      });
    }

    it('a backend whose logOut throws synchronously: failure with code server, signed out here', async () => {
      const memory = new MemoryBackend({ users: [{ username: 'ada', password: 'secret-pw' }] });
      const { action } = await signedInWith({
        logIn: (u, p, o) => memory.logIn(u, p, o),
        logOut: () => {
          throw new TypeError('boom');
        },
        currentUser: (s, o) => memory.currentUser(s, o),
      });
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      const { detail } = await failure;
      expect(detail.error).to.be.instanceOf(AuthError);
      expect(detail.error.code).to.equal('server');
      expect(detail.signedOutLocally).to.equal(true);
      expect(localStorage.getItem(storageKey)).to.equal(null);
    });

    it('a backend whose logOut ignores its signal and never answers: log-out ends as a timeout failure after `timeout`', async () => {
      const { session } = await signedInWith(
        {
          logIn: async () => ({ token: 'hang-token', user: { id: 'u1' } }),
          logOut: () => new Promise<void>(() => {}),
          currentUser: async (s) => ({ ...s.user }),
        },
        150,
      );
      const started = Date.now();
      const result = await session.logOut();
      expect(Date.now() - started, 'ms until the log-out ended').to.be.below(3000);
      expect(result).to.deep.include({ ok: false, signedOutLocally: true, revocationPending: true });
      expect(result.error?.code).to.equal('timeout');
    });
  });

  describe('no token in any error (SPEC §7.9)', () => {
    // An Error quoting it raw, URL-encoded or JSON-escaped, in its message or cause: storage-truth.test.ts.
    const cases: [string, (t: string) => unknown][] = [
      [
        'an Error whose cause chain quotes it 3 deep',
        (t) => new Error('a', { cause: new Error('b', { cause: { message: `c ${t}` } }) }),
      ],
      ['a thrown string', (t) => `token ${t} bad`],
      ['a plain object', (t) => ({ message: `token ${t}`, token: t })],
      ['an AuthError quoting it', (t) => new AuthError('server', `server said ${t}`)],
      ['an AuthError whose cause quotes it', (t) => new AuthError('network', 'down', { cause: new Error(t) })],
      [
        'an Error with only its stack quoting it',
        (t) => {
          const e = new Error('plain');
          e.stack = `Error: plain ${t}\n    at x`;
          return e;
        },
      ],
    ];
    for (const [name, fail] of cases) {
      it(`a log-out failing with ${name}: the token is in neither the error, action.error nor the event detail`, async () => {
        const { action } = await signedInWith(leakyBackend(fail));
        const failure = oneEvent(action, 'failure');
        expect(await action.do()).to.equal(false);
        const { detail } = await failure;
        const text = errorText(detail.error) + action.error + JSON.stringify(detail);
        for (const form of spellings(TOKEN)) expect(text, `leaks "${form}"`).not.to.contain(form);
      });
    }

    it('refresh() rejecting with an Error whose cause quotes the token: the rejection quotes it nowhere', async () => {
      const { session } = await signedInWith(leakyBackend((t) => new Error('x', { cause: new Error(t) })));
      const error = await rejectionOf(session.refresh());
      expect(error).to.be.instanceOf(AuthError);
      for (const form of spellings(TOKEN)) expect(errorText(error), `leaks "${form}"`).not.to.contain(form);
    });

    it('nothing logged to the console through a log-in, a failed refresh, a failed log-out and its replay quotes the token', async () => {
      const logged: string[] = [];
      const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
      const originals = methods.map((m) => console[m]);
      methods.forEach((m) => (console[m] = (...args: unknown[]) => logged.push(args.map((a) => errorText(a)).join(' '))));
      try {
        const backend = leakyBackend((t) => new Error(`bad ${t}`, { cause: t }));
        const { session, action } = await signedInWith(backend);
        await rejectionOf(session.refresh());
        expect(await action.do()).to.equal(false);
        window.dispatchEvent(new Event('online'));
        await waitUntil(() => backend.revocations >= 2, 'the queued revocation is replayed on online');
      } finally {
        methods.forEach((m, i) => (console[m] = originals[i]!));
      }
      for (const form of spellings(TOKEN)) expect(logged.join('\n'), `console leaks "${form}"`).not.to.contain(form);
    });
  });

  describe('user never carries secrets (SPEC §7.11)', () => {
    it('sessionToken, authData and _-fields a backend returns from logIn and currentUser reach neither user nor events', async () => {
      const dirty = {
        id: 'u1',
        username: 'ada',
        sessionToken: TOKEN,
        authData: { x: 1 },
        _hashed_password: 'h',
        _rperm: ['*'],
        ok: 1,
      };
      const backend: AuthBackend = {
        logIn: async () => ({ token: TOKEN, user: { ...dirty } }),
        logOut: async () => {},
        currentUser: async () => ({ ...dirty, email: 'a@b.c' }),
      };
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
      );
      const events = recordEvents(session, ['logged-in', 'user-change']);
      await session.logIn('ada', 'pw');
      await session.refresh();
      expect(events.map((e) => e.type)).to.deep.equal(['logged-in', 'user-change']);
      for (const user of [session.user, ...events.map((e) => e.detail.user)]) {
        expect(user).to.include({ id: 'u1', ok: 1 });
        for (const k of ['sessionToken', 'authData', '_hashed_password', '_rperm']) expect(user, k).not.to.have.property(k);
      }
      expect(session.user).to.include({ email: 'a@b.c' });
      expect(visibleText(session)).not.to.contain('S3cr');
    });
  });

  describe('races', () => {
    it('a log-in while the revocation is in flight resolves and stays signed in; the old session is revoked, none is orphaned', async () => {
      // README: `aborted` is for "a newer sign-in or sign-out replaced the call"; SPEC §3.4: "A request
      // that comes back after the user has signed in again never signs the new session out".
      const backend = new IssuingBackend();
      const { session, action } = await sessionWithAction(backend);
      await signIn(session);
      const old = storedToken();
      const results = recordEvents(action, ['success', 'failure']);
      const gate = backend.hold('logOut');
      const done = action.do();
      const relogin = rejectionOf(session.logIn('ada', 'secret-pw'));
      gate.resolve();
      expect(await done).to.equal(true);
      expect(await relogin, 'the log-in is the newest call: nothing replaced it').to.equal(null);
      expect(session).to.have.attribute('authenticated');
      const fresh = backend.issued.at(-1)!;
      expect(storedToken()).to.equal(fresh);
      expect(backend.isActive(old)).to.equal(false);
      expect(
        backend.issued.filter((token) => backend.isActive(token)),
        'live sessions',
      ).to.deep.equal([fresh]);
      expect(results.map((e) => [e.type, e.detail.revoked])).to.deep.equal([['success', true]]);
    });

    it('a log-out while the connect-time check is in flight: the late answer does not sign back in', async () => {
      const backend = new RecordingBackend();
      localStorage.setItem(storageKey, JSON.stringify(await backend.logIn('ada', 'secret-pw', noAbort)));
      const gate = backend.hold('currentUser');
      const session = await fixture<UserSessionElement>(
        html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
      );
      expect(session).to.have.attribute('authenticated');
      await afterConnect();
      expect(session.pending, 'the check is in flight').to.equal(true);
      const events = recordEvents(session, ['logged-in', 'logged-out']);
      expect((await session.logOut()).ok).to.equal(true);
      gate.resolve();
      await waitUntil(() => !session.pending, 'the check answered');
      await nextTask();
      expect(session).not.to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(events.map((e) => e.type)).to.deep.equal(['logged-out']);
    });

    it('double click, do() and another click during one run: one revocation request, one success event, every do() true', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const seen = recordEvents(action, ['success', 'failure']);
      const gate = backend.hold('logOut');
      const button = action.shadowRoot!.querySelector('button')!;
      button.click();
      button.click();
      const a = action.do();
      button.click();
      const b = action.do();
      gate.resolve();
      expect(await Promise.all([a, b])).to.deep.equal([true, true]);
      await nextTask();
      expect(backend.count('logOut')).to.equal(1);
      expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    });

    it('a log-out started again from a logged-out listener: one logged-out, one success, both do() true', async () => {
      const { session, action } = await sessionWithAction();
      await signIn(session);
      const events = recordEvents(session, ['logged-out']);
      const results = recordEvents(action, ['success', 'failure']);
      let inner: Promise<boolean> | undefined;
      session.addEventListener(
        'logged-out',
        () => {
          inner ??= action.do();
        },
        { once: true },
      );
      expect(await action.do()).to.equal(true);
      expect(await inner).to.equal(true);
      expect(events.length).to.equal(1);
      expect(results.map((e) => e.type)).to.deep.equal(['success']);
    });

    it('storage-key changed while a revocation runs: the session stored under the new key stays, signed in and valid', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const other = await backend.logIn('ada', 'secret-pw', noAbort);
      localStorage.setItem('attack/other', JSON.stringify(other));
      const gate = backend.hold('logOut');
      const done = action.do();
      session.setAttribute('storage-key', 'attack/other');
      await session.updateComplete;
      gate.resolve();
      await done;
      await nextTask();
      expect(localStorage.getItem('attack/other')).to.equal(JSON.stringify(other));
      expect(backend.isActive(other.token)).to.equal(true);
      expect(session.authenticated, 'reads the new key: signed in there').to.equal(true);
    });

    it('storage changed from local to session while signed in: log-out removes the session from both areas', async () => {
      const { session, action } = await sessionWithAction();
      await signIn(session);
      expect(localStorage.getItem(storageKey)).to.be.a('string');
      session.setAttribute('storage', 'session');
      await session.updateComplete;
      expect(await action.do()).to.equal(true);
      expect(localStorage.getItem(storageKey), 'a reload with storage=local (or the SDK) would be signed in').to.equal(null);
      expect(sessionStorage.getItem(storageKey)).to.equal(null);
    });
  });

  describe('two elements on one key, forged attributes', () => {
    it('two <user-session> on one key: a log-out fires logged-out once on each, after its authenticated attribute is gone', async () => {
      const backend = new RecordingBackend();
      const wrap = await fixture<HTMLDivElement>(
        html`<div>
          <user-session id="a" .backend=${backend} storage-key=${storageKey}><log-out-action></log-out-action></user-session>
          <user-session id="b" .backend=${backend} storage-key=${storageKey}></user-session>
        </div>`,
      );
      const [a, b] = [...wrap.querySelectorAll<UserSessionElement>('user-session')] as [UserSessionElement, UserSessionElement];
      await signIn(a);
      await waitUntil(() => b.authenticated, 'b follows the log-in');
      const flips: string[] = [];
      for (const el of [a, b]) {
        el.addEventListener('logged-out', (e) => flips.push(`${el.id}:${e.detail.reason}:${el.hasAttribute('authenticated')}`));
      }
      expect(await a.querySelector<LogOutActionElement>('log-out-action')!.do()).to.equal(true);
      await waitUntil(() => flips.length >= 2, 'both sessions signed out');
      await nextTask();
      expect(flips.sort()).to.deep.equal(['a:log-out:false', 'b:log-out:false']);
    });

    it('page code setting or removing the authenticated attribute is reverted, both ways', async () => {
      const { session } = await sessionWithAction();
      session.setAttribute('authenticated', '');
      await waitUntil(() => !session.hasAttribute('authenticated'), 'a forged attribute is removed');
      await signIn(session);
      session.removeAttribute('authenticated');
      await waitUntil(() => session.hasAttribute('authenticated'), 'a removed attribute comes back');
      expect(session.authenticated).to.equal(true);
    });

    it('session="<id of a div>": do() resolves false with failure no-session', async () => {
      const wrap = await fixture<HTMLDivElement>(
        html`<div>
          <div id="not-a-session"></div>
          <log-out-action session="not-a-session"></log-out-action>
        </div>`,
      );
      const action = wrap.querySelector<LogOutActionElement>('log-out-action')!;
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('no-session');
    });
  });

  describe('corrupt storage (SPEC §6)', () => {
    for (const raw of [
      '{not json',
      'null',
      '[]',
      '"str"',
      '{"token":5,"user":null}',
      '{"token":"t"}',
      '{"user":{"id":"x"}}',
      '{"sessionToken":"r:x"}',
      '{"objectId":{"a":1},"sessionToken":["r:x"]}',
    ]) {
      it(`the session key holding ${raw}: signed out on connect, log-out succeeds, other keys untouched`, async () => {
        localStorage.setItem(storageKey, raw);
        localStorage.setItem('attack/keep', 'kept');
        const { session, action } = await sessionWithAction();
        expect(session.authenticated).to.equal(false);
        expect(await action.do()).to.equal(true);
        expect(localStorage.getItem('attack/keep')).to.equal('kept');
      });
    }

    for (const raw of ['{not json', '{"a":1}', '[1,null,"x",{}]', 'null', '"str"', '[{"token":null}]']) {
      it(`the outbox key holding ${raw}: nothing throws; a failed log-out queues its token, revoked on online`, async () => {
        localStorage.setItem(outboxKey, raw);
        const { session, action, backend } = await sessionWithAction();
        window.dispatchEvent(new Event('online'));
        await signIn(session);
        const token = storedToken();
        backend.hold('logOut').reject(new AuthError('network'));
        expect(await action.do()).to.equal(false);
        expect(localStorage.getItem(outboxKey) ?? '').to.contain(token);
        window.dispatchEvent(new Event('online'));
        await waitUntil(() => !backend.isActive(token), 'the queued token is revoked on online');
      });
    }
  });
});
