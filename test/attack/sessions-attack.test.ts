// Attacks on cookie sessions (<user-session backend="better-auth">) and on session management
// (listSessions / revokeSession / sessions-change / <log-out-action scope="others"> /
// <session-list>) against the real Better Auth server (SQLite) started by
// scripts/wtr-better-auth-plugin.mjs. Each test asserts the safe behaviour: it fails while the
// hole is open.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import type { SessionListElement } from '../../src/elements/session-list.js';
import { AuthError } from '../../src/errors.js';
import {
  betterAuthFault,
  betterAuthProxyReset,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  sessionsOf,
  signInElsewhere,
  startBetterAuth,
  stopBetterAuth,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { parseConfig, proxy as parseProxy } from '../integration/parse-server.js';
import { errorText, outboxKeyOf, printable, recordConsole, rejectionOf, sleep, spellings } from './attack-helpers.js';

const consoleLog = recordConsole();

const items = (list: SessionListElement) => [...list.shadowRoot!.querySelectorAll('li')];

describe('attack: Better Auth cookie sessions and session management', function () {
  this.timeout(40_000);
  let serverUrl: string;
  let keyCount = 0;
  let storageKey: string;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  beforeEach(() => {
    consoleLog.length = 0;
    storageKey = `ba-attack/${Date.now()}/${keyCount++}`;
  });

  async function page(key = storageKey) {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${key}>
        <log-out-action></log-out-action>
      </user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    await action.updateComplete;
    await afterConnect();
    return { session, action };
  }

  async function signedUp() {
    const account = newAccount();
    await createUser(account);
    const { session, action } = await page();
    await session.logIn(account.email, account.password);
    const token = (await cookieSession())!.session.token;
    return { session, action, account, token };
  }

  /** Every place a page can look for the token: storage, cookies the page sees, the DOM (shadow roots too). */
  function allVisible(...more: unknown[]): string {
    const shadows: string[] = [];
    const walk = (root: Document | ShadowRoot | Element) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) {
          shadows.push(el.shadowRoot.innerHTML);
          walk(el.shadowRoot);
        }
      }
    };
    walk(document);
    const storage =
      [...Object.keys(localStorage), ...Object.values(localStorage)].join('\n') +
      [...Object.keys(sessionStorage), ...Object.values(sessionStorage)].join('\n');
    return [
      storage,
      document.cookie,
      document.documentElement.outerHTML,
      ...shadows,
      consoleLog.join('\n'),
      ...more.map(printable),
    ].join('\n');
  }
  function expectNoToken(token: string, text: string, what = 'the session token leaked') {
    for (const s of spellings(token)) expect(text.includes(s), `${what} (${s.slice(0, 6)}…)`).to.equal(false);
  }

  describe('CSRF from a same-site page on another origin (localhost:<another port>)', () => {
    it('cannot sign the user out, revoke a session or revoke the others (form posts, no-cors fetches, GETs)', async function () {
      this.timeout(90_000);
      const { session, account } = await signedUp();
      const phone = await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'Phone' });
      const before = (await sessionsOf(account.email)).map((s) => s.id).sort();
      expect(before).to.have.length(2);
      const own = (await cookieSession())!.session;
      // The attacker's page, served by another server on localhost (the Parse fault proxy's port).
      const parse = await parseConfig();
      const evilOrigin = new URL(parse.proxyServerURL).origin.replace('127.0.0.1', 'localhost');
      const routes = ['/sign-out', '/revoke-other-sessions', '/revoke-sessions', '/revoke-session'];
      const evil = `<!doctype html><body><script>
        const base = ${JSON.stringify(serverUrl)};
        const routes = ${JSON.stringify(routes)};
        const token = ${JSON.stringify(own.token)};
        (async () => {
          for (const r of routes) {
            for (const [type, body] of [['text/plain', '{}'], ['application/x-www-form-urlencoded', 'token=' + token], ['text/plain', JSON.stringify({ token })]])
              await fetch(base + r, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': type }, body }).catch(() => {});
            await fetch(base + r, { credentials: 'include', mode: 'no-cors' }).catch(() => {});
            await new Promise((ok) => { const i = new Image(); i.onload = i.onerror = ok; i.src = base + r; });
          }
          for (const r of routes) {
            const f = document.createElement('iframe'); f.name = 'sink' + r.replace(/\\W/g, ''); document.body.append(f);
            const form = document.createElement('form'); form.method = 'post'; form.enctype = 'text/plain';
            form.action = base + r; form.target = f.name;
            const input = document.createElement('input'); input.name = '{"token":"' + token + '","x":"'; input.value = '"}';
            form.append(input); document.body.append(form);
            await new Promise((ok) => { f.onload = ok; form.submit(); setTimeout(ok, 3000); });
          }
          parent.postMessage('evil-done', '*');
        })();
      </script></body>`;
      await parseProxy.setFault({ status: 200, body: evil, contentType: 'text/html; charset=utf-8', path: '/evil' });
      const done = new Promise<void>((resolve) =>
        window.addEventListener('message', function on(e) {
          if (e.data === 'evil-done') {
            window.removeEventListener('message', on);
            resolve();
          }
        }),
      );
      const frame = document.createElement('iframe');
      frame.src = `${evilOrigin}/evil`;
      document.body.append(frame);
      try {
        await done;
      } finally {
        frame.remove();
        await parseProxy.setFault(null);
      }
      // The attack did reach the server.
      expect(await requestCount('POST', '/sign-out')).to.be.greaterThan(0);
      expect(await requestCount('POST', '/revoke-other-sessions')).to.be.greaterThan(0);
      const after = (await sessionsOf(account.email)).map((s) => s.id).sort();
      expect(after, 'every session of the user survives the foreign page').to.deep.equal(before);
      expect(after).to.include(phone.sessionId);
      expect((await cookieSession())?.session.id).to.equal(own.id);
      expect(await session.refresh()).to.include({ email: account.email });
    });
  });

  describe('a session id of another user, or a strange one, given to revokeSession', () => {
    it("touches no other user's session and none of this user's; the user stays signed in", async () => {
      const { session, account } = await signedUp();
      const eve = newAccount('eve');
      await createUser(eve);
      const eveSession = await signInElsewhere({ emailOrUsername: eve.email, password: eve.password, userAgent: 'Eve' });
      const phone = await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'Phone' });
      const mine = (await sessionsOf(account.email)).map((s) => s.id).sort();
      const strange = [
        eveSession.sessionId,
        ` ${phone.sessionId}`,
        `${phone.sessionId} `,
        phone.sessionId.toUpperCase(),
        phone.sessionId.slice(0, -1),
        `${phone.sessionId}x`,
        '*',
        '%',
        '../revoke-sessions',
        '?x=1',
        'é🙂\u202e',
        'x'.repeat(100_000),
        'undefined',
        'null',
      ];
      for (const id of strange) {
        const error = await rejectionOf(session.revokeSession(id));
        if (error) expect(error, id.slice(0, 20)).to.be.instanceOf(AuthError);
      }
      expect((await sessionsOf(eve.email)).map((s) => s.id)).to.deep.equal([eveSession.sessionId]);
      expect((await sessionsOf(account.email)).map((s) => s.id).sort()).to.deep.equal(mine);
      expect(session.authenticated).to.equal(true);
      const listed = await session.listSessions();
      expect(listed.map((s) => s.id)).to.not.include(eveSession.sessionId);
      expect(await requestCount('POST', '/revoke-sessions')).to.equal(0);
      expect(await requestCount('POST', '/sign-out')).to.equal(0);
    });
  });

  describe('a replayed queued sign-out', () => {
    async function queuedLogOut(scope: 'current' | 'others' | 'all' = 'current') {
      const s = await signedUp();
      const old = (await cookieSession())!.session.id;
      await stopBetterAuth();
      s.action.scope = scope;
      expect(await s.action.do()).to.equal(false);
      expect(localStorage.getItem(outboxKeyOf(storageKey)), 'queued').to.not.equal(null);
      await startBetterAuth();
      return { ...s, old };
    }

    it('another user signing in meanwhile: the replay spares the new user; the outbox ends', async () => {
      const { session, old } = await queuedLogOut();
      const bob = newAccount('bob');
      await createUser(bob);
      await session.logIn(bob.email, bob.password);
      const bobSession = (await cookieSession())!.session.id;
      window.dispatchEvent(new Event('online'));
      await sleep(1500);
      window.dispatchEvent(new Event('online'));
      await sleep(1500);
      expect((await sessionsOf(bob.email)).map((s) => s.id)).to.deep.equal([bobSession]);
      expect((await cookieSession())?.session.id).to.equal(bobSession);
      expect(await session.refresh()).to.include({ email: bob.email });
      expect(old).to.not.equal(bobSession);
    });

    it('queued scope all, then the same user signs in again: the new session lives, the old ones end', async () => {
      const { session, account, old } = await queuedLogOut('all');
      const phone = await signInElsewhere({
        emailOrUsername: account.email,
        password: account.password,
        userAgent: 'Later phone',
      });
      await session.logIn(account.email, account.password);
      const fresh = (await cookieSession())!.session.id;
      window.dispatchEvent(new Event('online'));
      await waitUntil(async () => !(await sessionsOf(account.email)).some((s) => s.id === old), 'the old session ended', {
        timeout: 10_000,
        interval: 100,
      });
      await sleep(500);
      const left = (await sessionsOf(account.email)).map((s) => s.id);
      expect(left, 'the new session and the later device live').to.include.members([fresh, phone.sessionId]);
      expect(await session.refresh()).to.include({ email: account.email });
    });

    it('queued scope others: a device that signed in after the click survives the replay', async () => {
      const s = await signedUp();
      const early = await signInElsewhere({ emailOrUsername: s.account.email, password: s.account.password, userAgent: 'Early' });
      await stopBetterAuth();
      s.action.scope = 'others';
      await s.action.do();
      await startBetterAuth();
      await sleep(50);
      const late = await signInElsewhere({ emailOrUsername: s.account.email, password: s.account.password, userAgent: 'Late' });
      window.dispatchEvent(new Event('online'));
      await waitUntil(
        async () => !(await sessionsOf(s.account.email)).some((x) => x.id === early.sessionId),
        'the early one ended',
        { timeout: 8000, interval: 100 },
      ).catch(() => {});
      await sleep(500);
      const left = (await sessionsOf(s.account.email)).map((x) => x.id);
      expect(left, 'the later device lives').to.include(late.sessionId);
    });

    it('a replay whose get-session answer is slow while the user signs in again does not sign out the new session', async () => {
      const { session, account, old } = await queuedLogOut();
      await betterAuthFault({ delayMs: 2500, path: '/api/auth/get-session', times: 1 });
      window.dispatchEvent(new Event('online'));
      await sleep(300);
      await betterAuthFault(null);
      await session.logIn(account.email, account.password);
      const fresh = (await cookieSession())!.session.id;
      await sleep(4000);
      const left = (await sessionsOf(account.email)).map((s) => s.id);
      expect(left, 'the new session lives').to.include(fresh);
      expect(await session.refresh()).to.include({ email: account.email });
      expect(session.authenticated).to.equal(true);
      void old;
    });

    for (const [scope, title] of [
      ['current', 'a log-out'],
      ['all', 'scope all'],
    ] as const) {
      it(`${title} whose get-session answer is slow while the user signs in again does not sign out the new session`, async () => {
        const { session, action, account } = await signedUp();
        action.scope = scope;
        await betterAuthFault({ delayMs: 2000, path: '/api/auth/get-session', times: 1 });
        const out = action.do();
        await sleep(300);
        await session.logIn(account.email, account.password);
        const fresh = (await cookieSession())!.session.id;
        await out;
        await sleep(500);
        expect(
          (await sessionsOf(account.email)).map((s) => s.id),
          'only the new session lives',
        ).to.deep.equal([fresh]);
        expect(await session.refresh()).to.include({ email: account.email });
      });
    }

    it('scope all without a race still ends every session, this one included, and clears the cookie', async () => {
      const { session, action, account } = await signedUp();
      await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'Phone' });
      action.scope = 'all';
      expect(await action.do()).to.equal(true);
      expect(await sessionsOf(account.email)).to.deep.equal([]);
      expect(await cookieSession()).to.equal(null);
      expect(session.authenticated).to.equal(false);
    });

    it("the outbox entry edited to name another user's session or garbage touches nothing and throws nothing", async () => {
      const { session, account } = await queuedLogOut();
      const raw = localStorage.getItem(outboxKeyOf(storageKey))!;
      console.info('outbox', raw);
      const eve = newAccount('eve');
      await createUser(eve);
      const eveSession = await signInElsewhere({ emailOrUsername: eve.email, password: eve.password, userAgent: 'Eve' });
      await session.logIn(account.email, account.password);
      const fresh = (await cookieSession())!.session.id;
      const old = JSON.parse(localStorage.getItem(storageKey) ?? 'null');
      void old;
      localStorage.setItem(
        outboxKeyOf(storageKey),
        raw.replace(/better-auth-session:[^"\\]+/g, `better-auth-session:${eveSession.sessionId}`),
      );
      window.dispatchEvent(new Event('online'));
      await sleep(2000);
      expect((await sessionsOf(eve.email)).map((s) => s.id)).to.deep.equal([eveSession.sessionId]);
      expect((await sessionsOf(account.email)).map((s) => s.id)).to.include(fresh);
      for (const junk of [
        '{',
        '[1,2]',
        '[{"token":{}}]',
        '[{"token":"better-auth-session:"}]',
        '[{"token":"better-auth-session:../x?y"}]',
        'null',
      ]) {
        localStorage.setItem(outboxKeyOf(storageKey), junk);
        window.dispatchEvent(new Event('online'));
        await sleep(300);
      }
      expect((await sessionsOf(account.email)).map((s) => s.id)).to.include(fresh);
      expect(session.authenticated).to.equal(true);
    });
  });

  describe('secrets: the Better Auth session token', () => {
    it('a server (or proxy) error quoting the token reaches no error, event, console or storage', async () => {
      const { session, action, account, token } = await signedUp();
      const phone = await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'Phone' });
      const seen: unknown[] = [];
      const quoted = (_status: number, code: string) =>
        JSON.stringify({ code, message: `session ${token} (${encodeURIComponent(token)}) refused` });
      for (const [route, status, code] of [
        ['/get-session', 500, 'INTERNAL_SERVER_ERROR'],
        ['/get-session', 401, 'UNAUTHORIZED'],
        ['/list-sessions', 500, 'INTERNAL_SERVER_ERROR'],
        ['/list-sessions', 403, 'SESSION_NOT_FRESH'],
        ['/revoke-session', 400, 'BAD'],
      ] as const) {
        await betterAuthFault({ status, body: quoted(status, code), path: `/api/auth${route}`, times: 1 });
        if (route === '/get-session') seen.push(await rejectionOf(session.refresh()));
        else if (route === '/list-sessions') seen.push(await rejectionOf(session.listSessions()));
        else seen.push(await rejectionOf(session.revokeSession(phone.sessionId)));
        if (!session.authenticated) await session.logIn(account.email, account.password);
      }
      const fresh = (await cookieSession())!.session.token;
      await betterAuthFault({ status: 500, body: quoted(500, 'X').split(token).join(fresh), path: '/api/auth/revoke-session' });
      const failures = recordEvents(action, ['failure', 'success']);
      await action.do();
      seen.push(...failures.map((e) => e.detail), action.error);
      expect(seen.filter(Boolean).length).to.be.greaterThan(4);
      const text = allVisible(...seen);
      expectNoToken(token, text);
      expectNoToken(fresh, text);
    });

    it('list-sessions entries carrying a token in their id or user agent are not shown; no SessionInfo or DOM holds it', async () => {
      const { session, token } = await signedUp();
      const own = (await cookieSession())!.session;
      const now = new Date().toISOString();
      const entry = (id: string, t: string, ua: string) => ({
        id,
        token: t,
        userId: 'u',
        createdAt: now,
        updatedAt: now,
        expiresAt: now,
        userAgent: ua,
      });
      const body = JSON.stringify([
        entry(own.id, token, 'Mine'),
        entry(token, token, 'Token as id'),
        entry('other-1', 'other-token-aaaaaaaaaaaaaaaaaaaaaaaa', `UA ${token}`),
      ]);
      await betterAuthFault({ status: 200, body, path: '/api/auth/list-sessions' });
      const listed = await rejectionOf(session.listSessions()).then(async (e) => (e ? e : session.listSessions()));
      const list = document.createElement('session-list') as SessionListElement;
      session.append(list);
      await sleep(800);
      expectNoToken(token, allVisible(listed, list.sessions));
      expect(items(list).length).to.be.greaterThan(0);
    });

    it('malformed list-sessions replies (not a list, HTML, huge, odd entries) end as AuthErrors, never uncaught', async function () {
      this.timeout(60_000);
      const { session } = await signedUp();
      const own = (await cookieSession())!.session;
      const list = document.createElement('session-list') as SessionListElement;
      const failures = recordEvents(list, ['failure']);
      session.append(list);
      await waitUntil(() => items(list).length === 1, 'listed');
      const huge = JSON.stringify(
        Array.from({ length: 20_000 }, (_, i) => ({
          id: `s${i}`,
          token: `t${i}xxxxxxxxxxxx`,
          createdAt: i,
          userAgent: 'x'.repeat(10),
        })),
      );
      const bodies: [string, string][] = [
        ['{}', 'application/json'],
        ['null', 'application/json'],
        ['"x"', 'application/json'],
        ['<html><body><img src=x onerror="window.__xss=1"></body></html>', 'text/html'],
        [huge, 'application/json'],
        [
          JSON.stringify([
            { id: own.id, token: 'a' },
            { id: { toString: 1 }, token: 'b' },
            null,
            7,
            { id: 'q', token: 'c', createdAt: 'nope', userAgent: { a: 1 } },
            { id: '__proto__', token: 'd' },
          ]),
          'application/json',
        ],
        [JSON.stringify([{ id: 'a', token: 'a' }]), 'application/json'], // this browser's session missing
      ];
      for (const [body, contentType] of bodies) {
        await betterAuthFault({ status: 200, body, contentType, path: '/api/auth/list-sessions', times: 1 });
        const error = await rejectionOf(session.listSessions());
        if (error) expect(error).to.be.instanceOf(AuthError);
        if (!session.authenticated) break;
        await list.refresh();
      }
      expect((window as { __xss?: number }).__xss).to.equal(undefined);
      for (const e of failures) expect(e.detail.error).to.be.instanceOf(AuthError);
    });

    it('a device whose User-Agent is markup is shown as text in <session-list> (default and template), nothing runs', async () => {
      const { session, account, token } = await signedUp();
      const xss = `<img src=x onerror="window.__xss=(window.__xss||0)+1"><script>window.__xss=9</script>"'><svg onload=window.__xss=7>`;
      await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: xss });
      await signInElsewhere({
        emailOrUsername: account.email,
        password: account.password,
        userAgent: `Mozilla/5.0 (X11; Linux x86_64) ${xss} Firefox/128.0`,
      });
      const plain = document.createElement('session-list') as SessionListElement;
      const templated = document.createElement('session-list') as SessionListElement;
      templated.innerHTML =
        '<template><strong data-field="device"></strong><time data-field="created"></time><button data-action="revoke">x</button></template>';
      session.append(plain, templated);
      await waitUntil(() => items(plain).length === 3 && items(templated).length === 3, 'listed');
      await sleep(300);
      for (const list of [plain, templated]) {
        expect(list.shadowRoot!.querySelectorAll('img, script, svg').length).to.equal(0);
        expect(list.querySelectorAll('img, script, svg').length).to.equal(0);
      }
      expect((window as { __xss?: number }).__xss).to.equal(undefined);
      expectNoToken(token, allVisible(plain.sessions, templated.sessions));
    });
  });

  describe('robustness', () => {
    it('backend="better-auth" with bad server-urls: no uncaught error, log-in rejects misconfigured, nothing sent elsewhere', async () => {
      for (const url of [
        '',
        ' ',
        'javascript:alert(1)',
        'data:text/plain,x',
        'http://[::1',
        'ftp://localhost/api/auth',
        'http://user:pw@localhost:1/api/auth',
        '//evil.example/api/auth',
        '/\\evil.example',
        '\t/\n/evil.example',
        'http://localhost:1/api/auth?x=1#y',
      ]) {
        const el = await fixture<UserSessionElement>(
          html`<user-session backend="better-auth" server-url=${url} storage-key=${storageKey}
            ><session-list></session-list><log-out-action scope="others"></log-out-action
          ></user-session>`,
        );
        await afterConnect();
        const error = await rejectionOf(el.logIn('a@b.c', 'password-long'));
        expect(error, url).to.be.instanceOf(AuthError);
        expect((error as AuthError).code, `${url}: ${(error as AuthError).message}`).to.be.oneOf(['misconfigured', 'network']);
        expect(el.authenticated).to.equal(false);
        el.querySelector('log-out-action')!.click();
        el.remove();
      }
    });

    it('<session-list> with a session id that does not exist, or names a non-session element: failure, no throw', async () => {
      const root = await fixture(
        html`<div>
          <div id="not-a-session"></div>
          <session-list session="nope"></session-list><session-list session="not-a-session"></session-list>
        </div>`,
      );
      const lists = [...root.querySelectorAll<SessionListElement>('session-list')];
      for (const list of lists) {
        expect(await list.revoke('x')).to.equal(false);
        expect(await list.revokeOthers()).to.equal(false);
        await list.refresh();
        expect(list.sessions).to.deep.equal([]);
      }
    });

    it('removed mid-load, rapid clicks on a Sign out button, visibility flapping: one revoke request, no uncaught error', async () => {
      const { session, account } = await signedUp();
      const phone = await signInElsewhere({ emailOrUsername: account.email, password: account.password, userAgent: 'Phone' });
      await betterAuthFault({ delayMs: 800, path: '/api/auth/list-sessions', times: 1 });
      const gone = document.createElement('session-list') as SessionListElement;
      const goneFailures = recordEvents(gone, ['failure']);
      session.append(gone);
      await sleep(50);
      gone.remove();
      await sleep(1200);
      expect(goneFailures).to.have.length(0);
      const list = document.createElement('session-list') as SessionListElement;
      session.append(list);
      await waitUntil(() => items(list).length === 2, 'listed');
      for (let i = 0; i < 20; i++) document.dispatchEvent(new Event('visibilitychange'));
      await betterAuthProxyReset();
      await betterAuthFault({ delayMs: 400, path: '/api/auth/revoke-session' });
      const button = [...list.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part~=revoke]')].find((b) => !b.hidden)!;
      const events = recordEvents(list, ['revoked', 'failure']);
      for (let i = 0; i < 10; i++) button.click();
      await waitUntil(() => events.length > 0, 'outcome', { timeout: 8000 });
      await sleep(300);
      expect(events.map((e) => e.type)).to.deep.equal(['revoked']);
      expect(await requestCount('POST', '/revoke-session')).to.equal(1);
      expect((await sessionsOf(account.email)).map((s) => s.id)).to.not.include(phone.sessionId);
      expect(session.authenticated).to.equal(true);
    });

    it('a backend without list capability (custom, OIDC-like): listSessions and revokeSession reject misconfigured, <session-list> fails once', async () => {
      const session = await fixture<UserSessionElement>(html`<user-session storage-key=${storageKey}></user-session>`);
      session.backend = {
        logIn: async (username: string) => ({ token: 'tok-secret-123456', user: { id: 'u1', username } }),
        logOut: async () => {},
        currentUser: async (st: { user: { id: string } }) => ({ ...st.user }),
      } as never;
      await session.logIn('ada', 'pw');
      const a = await rejectionOf(session.listSessions());
      const b = await rejectionOf(session.revokeSession('x'));
      expect((a as AuthError).code).to.equal('misconfigured');
      expect((b as AuthError).code).to.equal('misconfigured');
      const list = document.createElement('session-list') as SessionListElement;
      const failures = recordEvents(list, ['failure']);
      session.append(list);
      await sleep(300);
      await list.refresh();
      await sleep(100);
      expect(failures.length).to.be.within(1, 2);
      expect((failures[0]!.detail.error as AuthError).code).to.equal('misconfigured');
      // This backend keeps its token in storage (as Parse does): only errors and events are checked.
      const text =
        [a, b, ...failures.map((e) => e.detail.error)].map((e) => errorText(e)).join('\n') + list.shadowRoot!.innerHTML;
      expectNoToken('tok-secret-123456', text);
    });
  });
});
