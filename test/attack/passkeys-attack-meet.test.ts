// Attack on the passkeys add-on where features meet, against the real Better Auth server with
// @better-auth/passkey and Chromium's virtual authenticator: a log-out during the dialog or during
// the verification, two <user-session>s on one key signing in with passkeys at once, `server-url` or
// `backend` changed mid-ceremony, the server down or answering 500, the request timeout against a
// long dialog. The browser's dialog is modelled by wrapping navigator.credentials.get: while `dialog`
// holds, the request waits as a person looking at the dialog would (honouring the kit's AbortSignal
// as the browser does), then the real virtual authenticator answers.
// Expected (README "Passkeys (Better Auth)", SPEC §3.4, §7, §11): nothing half-made is stored;
// errors `network`, `server`, `timeout` ("the dialog itself is not timed"); a sign-in given up on
// leaves no live session at the server; no uncaught exception (the fixtures' root hook fails the
// test on one).
// Status: FINDINGs on server-url/backend changed mid-dialog, a verified session left live when
// get-session failed, and a passkey sign-in over another user's session; fixed in src/ at ~08:06–08:09.
// Open: the sign-in after a `scope: 'local'` log-out (marked FINDING below). The others held.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/passkeys.js';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import '../../src/define/memory-backend.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import { deferred, type Deferred } from '../helpers/deferred.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { PasskeyLogInActionElement } from '../../src/elements/passkey-log-in-action.js';
import type { AddPasskeyActionElement } from '../../src/elements/add-passkey-action.js';
import { AuthError } from '../../src/errors.js';
import { removeVirtualCredential, useVirtualAuthenticator, virtualCredentials } from '../helpers/webauthn.js';
import {
  betterAuthFault,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  sessionsOf,
  startBetterAuth,
  stopBetterAuth,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { rejectionOf, sleep } from './attack-helpers.js';

// WebKitGTK's MiniBrowser has no WebAuthn at all (no navigator.credentials): the suite skips there,
// and the wrappers below need something to wrap.
const credentialsContainer: CredentialsContainer =
  navigator.credentials ??
  ({ get: () => Promise.resolve(null), create: () => Promise.resolve(null) } as unknown as CredentialsContainer);
/** The browser's dialog: while `dialog` is set, get() waits for it (or for the kit's abort), then the authenticator answers. */
const realGet = credentialsContainer.get.bind(credentialsContainer);
let dialog: Deferred<void> | null = null;
let dialogOpen: Deferred<void> = deferred();
let getCalls = 0;
Object.defineProperty(credentialsContainer, 'get', {
  configurable: true,
  value: async (options?: CredentialRequestOptions) => {
    getCalls++;
    if (options?.mediation === 'conditional') return realGet(options); // no autofill in this file's pages
    if (dialog) {
      const open = dialog;
      dialogOpen.resolve();
      const signal = options?.signal;
      await new Promise<void>((resolve, reject) => {
        const abort = () => reject(signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
        if (signal?.aborted) abort();
        signal?.addEventListener('abort', abort, { once: true });
        void open.promise.then(resolve);
      });
    }
    return realGet(options);
  },
});

/** The same for navigator.credentials.create while `createDialog` is set. */
const realCreate = credentialsContainer.create.bind(credentialsContainer);
let createDialog: Deferred<void> | null = null;
let createOpen: Deferred<void> = deferred();
Object.defineProperty(credentialsContainer, 'create', {
  configurable: true,
  value: async (options?: CredentialCreationOptions) => {
    if (createDialog) {
      const open = createDialog;
      createOpen.resolve();
      const signal = options?.signal;
      await new Promise<void>((resolve, reject) => {
        const abort = () => reject(signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
        if (signal?.aborted) abort();
        signal?.addEventListener('abort', abort, { once: true });
        void open.promise.then(resolve);
      });
    }
    return realCreate(options);
  },
});

describe('attack: passkeys where features meet (real Better Auth, virtual authenticator)', function () {
  this.timeout(40_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-attack-meet/${Date.now()}/${keys++}`;
    dialog = null;
    dialogOpen = deferred();
    createDialog = null;
    createOpen = deferred();
    getCalls = 0;
  });
  afterEach(async () => {
    dialog?.resolve();
    dialog = null;
    createDialog?.resolve();
    createDialog = null;
  });

  async function page(timeout = 10_000) {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey} timeout=${timeout}>
        <passkey-log-in-action></passkey-log-in-action>
        <add-passkey-action name="Meet key"></add-passkey-action>
      </user-session>
    `);
    await afterConnect();
    await session.ready;
    return {
      session,
      logIn: session.querySelector('passkey-log-in-action') as PasskeyLogInActionElement,
      add: session.querySelector('add-passkey-action') as AddPasskeyActionElement,
    };
  }

  /** An account with a passkey on the authenticator, signed out. */
  async function withPasskey(timeout?: number) {
    const account = newAccount('pkm');
    await createUser(account);
    const p = await page();
    await p.session.logIn(account.email, account.password);
    expect(await p.add.do(), p.add.error).to.equal(true);
    await p.session.logOut();
    expect(await sessionsOf(account.email)).to.deep.equal([]);
    // A short `timeout` is for the ceremony under test only: under load the setup above can take longer.
    if (timeout) p.session.setAttribute('timeout', String(timeout));
    getCalls = 0;
    return { ...p, account };
  }

  /** Opens the dialog for the next ceremony: it waits until `dialog.resolve()`. */
  function holdDialog() {
    dialog = deferred();
    dialogOpen = deferred();
    return dialog;
  }

  /** Not signed in, nothing stored, no cookie session, no live session of the account at the server. */
  async function expectNothingMade(session: UserSessionElement, email: string, key = storageKey) {
    expect(session.authenticated, 'signed in').to.equal(false);
    expect(localStorage.getItem(key), 'stored').to.equal(null);
    expect(await cookieSession(), 'cookie session').to.equal(null);
    expect(await sessionsOf(email), 'live server sessions').to.deep.equal([]);
  }

  /** What is stored and what the server has agree: signed in with the cookie's live session, or nothing anywhere. */
  async function expectConsistent(sessions: UserSessionElement[], email: string) {
    const stored = localStorage.getItem(storageKey);
    const cookie = await cookieSession();
    const live = await sessionsOf(email);
    for (const s of sessions) expect(s.authenticated, 'every element on the key agrees').to.equal(stored !== null);
    if (stored === null) {
      expect(cookie, 'nothing stored: no cookie session').to.equal(null);
      expect(live, 'nothing stored: no live server session').to.deep.equal([]);
    } else {
      expect(cookie?.session.id, 'stored: the cookie names a session').to.be.a('string');
      expect(stored).to.include(cookie!.session.id);
      expect(
        live.map((r) => r.id),
        'stored: only that session is live',
      ).to.deep.equal([cookie!.session.id]);
    }
  }

  /** `expectConsistent` once it holds, or its failure after 5 s. */
  async function settlesConsistent(sessions: UserSessionElement[], email: string) {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(200)) {
      if (
        await expectConsistent(sessions, email).then(
          () => true,
          () => false,
        )
      )
        return;
    }
    await expectConsistent(sessions, email);
  }

  it('a log-out while the dialog is open cancels the sign-in: aborted, nothing stored, no server session', async () => {
    const { session, logIn, account } = await withPasskey();
    const open = holdDialog();
    const outcome = recordEvents(logIn, ['success', 'failure']);
    const run = logIn.do();
    await dialogOpen.promise;
    await session.logOut();
    open.resolve();
    expect(await run).to.equal(false);
    expect(outcome.map((e) => e.type)).to.deep.equal(['failure']);
    expect(outcome[0].detail.error.code).to.equal('aborted');
    await sleep(300);
    await expectNothingMade(session, account.email);
  });

  it('a log-out while /passkey/verify-authentication is under way: the session the server made is not kept', async () => {
    const { session, account } = await withPasskey();
    await betterAuthFault({ path: '/api/auth/passkey/verify-authentication', delayMs: 600 });
    const run = rejectionOf(session.logInWithPasskey());
    await waitUntil(async () => (await requestCount('POST', '/passkey/verify-authentication')) === 1, 'verification sent');
    await session.logOut();
    const error = await run;
    expect(error, 'the sign-in does not succeed after the log-out').to.be.instanceOf(AuthError);
    await sleep(1000);
    await betterAuthFault(null);
    await expectNothingMade(session, account.email);
  });

  it('two <user-session>s on one key start a passkey sign-in at once: both agree, at most one live session, no uncaught error', async () => {
    const { session, account } = await withPasskey();
    const other = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}></user-session>
    `);
    await afterConnect();
    const results = await Promise.allSettled([session.logInWithPasskey(), other.logInWithPasskey()]);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(AuthError);
    // The loser's server session is revoked after its promise settles (a slow machine: seconds).
    await settlesConsistent([session, other], account.email);
  });

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING: the ceremony started against the first server completes there after the change and is
  // stored (logged-in "passkey") as the session of a page that now points at another server; the
  // next check goes to the new server-url. A password sign-in in flight does the same (shared sign-in flow).
  it('FINDING: server-url changed while the dialog is open: no session stored for the page, none left live at the first server', async () => {
    const { session, account } = await withPasskey();
    const open = holdDialog();
    const run = rejectionOf(session.logInWithPasskey());
    await dialogOpen.promise;
    session.setAttribute('server-url', `${serverUrl}/../other-auth`);
    open.resolve();
    const error = await run;
    expect(error, 'the ceremony of the old server does not sign this page in').to.be.instanceOf(AuthError);
    await sleep(300);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await sessionsOf(account.email), 'no live session left at the first server').to.deep.equal([]);
  });

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING: the Better Auth session made by the ceremony is stored and announced on a page whose
  // backend is now "memory" (logged-in "passkey", authenticated), and stays live at Better Auth.
  it('FINDING: backend changed to "memory" while the dialog is open: nothing stored, no live session at the Better Auth server', async () => {
    const { session, account } = await withPasskey();
    const open = holdDialog();
    const run = rejectionOf(session.logInWithPasskey());
    await dialogOpen.promise;
    session.setAttribute('backend', 'memory');
    open.resolve();
    const error = await run;
    expect(error).to.be.instanceOf(AuthError);
    await sleep(300);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await sessionsOf(account.email)).to.deep.equal([]);
  });

  it('the server down before the ceremony (its proxy answers 502): server, said before any dialog, nothing stored', async () => {
    const { session, logIn, account } = await withPasskey();
    await stopBetterAuth();
    const outcome = recordEvents(logIn, ['success', 'failure']);
    expect(await logIn.do()).to.equal(false);
    expect(outcome[0].detail.error).to.be.instanceOf(AuthError);
    expect(outcome[0].detail.error.code).to.equal('server');
    expect(logIn.error).to.be.a('string').and.not.equal('');
    expect(getCalls, 'no dialog for a ceremony that cannot finish').to.equal(0);
    await startBetterAuth();
    await expectNothingMade(session, account.email);
  });

  it('no answer at all to /passkey/generate-authenticate-options (connection dropped): network, no dialog, nothing stored', async () => {
    const { session, logIn, account } = await withPasskey();
    await betterAuthFault({ path: '/api/auth/passkey/generate-authenticate-options', drop: true });
    const outcome = recordEvents(logIn, ['success', 'failure']);
    expect(await logIn.do()).to.equal(false);
    expect(outcome[0].detail.error.code).to.equal('network');
    expect(logIn.error).to.be.a('string').and.not.equal('');
    expect(getCalls).to.equal(0);
    await betterAuthFault(null);
    await expectNothingMade(session, account.email);
  });

  it('the server goes down while the dialog is open: network, nothing stored', async () => {
    const { session, account } = await withPasskey();
    const open = holdDialog();
    const run = rejectionOf(session.logInWithPasskey());
    await dialogOpen.promise;
    await stopBetterAuth();
    open.resolve();
    const error = await run;
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('network');
    await startBetterAuth();
    await expectNothingMade(session, account.email);
  });

  it('500 on /passkey/generate-authenticate-options: server, no dialog, nothing stored', async () => {
    const { session, account } = await withPasskey();
    await betterAuthFault({ path: '/api/auth/passkey/generate-authenticate-options', status: 500 });
    const error = await rejectionOf(session.logInWithPasskey());
    expect((error as AuthError).code).to.equal('server');
    expect(getCalls).to.equal(0);
    await betterAuthFault(null);
    await expectNothingMade(session, account.email);
  });

  it('500 on /passkey/verify-authentication: server, nothing stored', async () => {
    const { session, account } = await withPasskey();
    await betterAuthFault({ path: '/api/auth/passkey/verify-authentication', status: 500 });
    const error = await rejectionOf(session.logInWithPasskey());
    expect((error as AuthError).code).to.equal('server');
    await betterAuthFault(null);
    await expectNothingMade(session, account.email);
  });

  it('the connection dropped on /passkey/verify-authentication: network, nothing stored', async () => {
    const { session, account } = await withPasskey();
    await betterAuthFault({ path: '/api/auth/passkey/verify-authentication', drop: true });
    const error = await rejectionOf(session.logInWithPasskey());
    expect((error as AuthError).code).to.equal('network');
    await betterAuthFault(null);
    await expectNothingMade(session, account.email);
  });

  it('a dialog open longer than `timeout` is not timed: the sign-in succeeds', async () => {
    const { session, logIn, account } = await withPasskey(800);
    const open = holdDialog();
    const run = logIn.do();
    await dialogOpen.promise;
    await sleep(1600);
    open.resolve();
    expect(await run, logIn.error).to.equal(true);
    expect(session.user?.email).to.equal(account.email);
  });

  it('a slow /passkey/verify-authentication beyond `timeout`: timeout, nothing kept', async () => {
    const { session } = await withPasskey(800);
    await betterAuthFault({ path: '/api/auth/passkey/verify-authentication', delayMs: 1600 });
    const error = await rejectionOf(session.logInWithPasskey());
    expect((error as AuthError).code).to.equal('timeout');
    await sleep(1200);
    await betterAuthFault(null);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await cookieSession(), 'no cookie session').to.equal(null);
  });

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING: the sign-in fails with `server` and nothing is stored, but the session the verification
  // made stays live and the cookie names it: the next page load takes it up (logged-in "restored"),
  // so a person told "sign-in failed" is signed in after a reload. The password sign-in does the same.
  it('FINDING: get-session failing (500) right after a verified passkey: stored and live agree (signed in, or nothing left at the server)', async () => {
    const { session, account } = await withPasskey();
    await betterAuthFault({ path: '/api/auth/get-session', status: 500, times: 1 });
    const result = await rejectionOf(session.logInWithPasskey());
    if (result) expect(result).to.be.instanceOf(AuthError);
    await betterAuthFault(null);
    await sleep(300);
    await expectConsistent([session], account.email);
  });

  it('FINDING: …and the page loaded again after that failed sign-in is not signed in by the session given up on', async () => {
    const { session, account } = await withPasskey();
    await betterAuthFault({ path: '/api/auth/get-session', status: 500, times: 1 });
    const failed = await rejectionOf(session.logInWithPasskey());
    await betterAuthFault(null);
    if (failed === null) return; // the kit kept the sign-in: nothing given up on
    session.remove();
    const reloaded = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}></user-session>
    `);
    const seen = recordEvents(reloaded, ['logged-in']);
    await reloaded.ready;
    await sleep(100);
    expect(
      seen.map((e) => e.detail.reason),
      `signed in as ${account.email} after a failed sign-in`,
    ).to.deep.equal([]);
    expect(reloaded.authenticated).to.equal(false);
  });

  it('the <user-session> leaves the page while the dialog is open: no uncaught error, what is stored and live agree', async () => {
    const { session, account } = await withPasskey();
    const open = holdDialog();
    const run = rejectionOf(session.logInWithPasskey());
    await dialogOpen.promise;
    session.remove();
    open.resolve();
    const result = await run;
    if (result) expect(result).to.be.instanceOf(AuthError);
    await sleep(300);
    await expectConsistent([session], account.email);
  });

  it('a password sign-in while the dialog is open wins; the passkey ceremony ends aborted and leaves no second session', async () => {
    const { session, account } = await withPasskey();
    const open = holdDialog();
    const run = rejectionOf(session.logInWithPasskey());
    await dialogOpen.promise;
    await session.logIn(account.email, account.password);
    open.resolve();
    const error = await run;
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('aborted');
    await sleep(300);
    expect(session.authenticated).to.equal(true);
    await expectConsistent([session], account.email);
  });

  /** B with a passkey on the authenticator (signed out), A signed in by password on the same page. */
  async function overAnotherUser(aHasPasskeyElsewhere: boolean) {
    const { session, account: b } = await withPasskey();
    const a = newAccount('pkm');
    await createUser(a);
    await session.logIn(a.email, a.password);
    if (aHasPasskeyElsewhere) {
      // A's passkey lives on another device: the server knows it, this authenticator does not.
      const before = new Set((await virtualCredentials()).map((c) => c.credentialId));
      expect(await session.addPasskey('A elsewhere')).to.have.property('id');
      for (const c of await virtualCredentials()) if (!before.has(c.credentialId)) await removeVirtualCredential(c.credentialId);
    }
    return { session, a, b };
  }

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING (both): unlike the password sign-in (get-session, sign-in, then revoke-session with the new
  // cookie), the passkey sign-in asks /passkey/generate-authenticate-options first, still with A's
  // cookie, and signs A out concurrently with the ceremony:
  // - the server answers the options for A's session (allowCredentials = A's passkeys only), so
  //   when A has a passkey (on any device) B's passkey is refused: "No passkey was used" (`cancelled`);
  // - A's /revoke-session, sent with A's cookie, is answered with Better Auth's cookie-clearing
  //   Set-Cookie after verify-authentication set B's cookie: the kit reports B signed in and stores
  //   it, but the browser holds no cookie any more (B's server session left live and unreachable;
  //   the next check is `session-lost`). A slow revoke (300 ms here) makes this certain; on loopback
  //   without the delay it happened in about half the runs (left out: not deterministic).
  for (const elsewhere of [false, true]) {
    it(`FINDING: a passkey sign-in over another user's session${elsewhere ? ' (who has a passkey on another device)' : ' (revoke answered slowly)'}: B signed in, A's session ended at the server, one live session`, async () => {
      const { session, a, b } = await overAnotherUser(elsewhere);
      if (!elsewhere) await betterAuthFault({ path: '/api/auth/revoke-session', delayMs: 300, times: 1 });
      const seen = recordEvents(session, ['logged-in', 'logged-out']);
      const result = await rejectionOf(session.logInWithPasskey());
      expect(result, `the passkey sign-in failed: ${String(result)}`).to.equal(null);
      expect(session.user?.email).to.equal(b.email);
      expect(seen.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-out:log-out', 'logged-in:passkey']);
      await sleep(300);
      await betterAuthFault(null);
      expect(await sessionsOf(a.email), "A's session").to.deep.equal([]);
      await expectConsistent([session], b.email);
    });
  }

  it('a passkey session signed out with the server down: queued, and revoked once the server is back', async () => {
    const { session, account } = await withPasskey();
    await session.logInWithPasskey();
    expect(await sessionsOf(account.email)).to.have.length(1);
    await stopBetterAuth();
    const result = await session.logOut();
    expect(result).to.include({ signedOutLocally: true, revocationPending: true });
    await startBetterAuth();
    window.dispatchEvent(new Event('online'));
    await waitUntil(async () => (await sessionsOf(account.email)).length === 0, 'the queued sign-out', {
      timeout: 15_000,
      interval: 200,
    });
  });

  it('A signs out and B signs in while A’s "add passkey" dialog is open: the add fails, B stays signed in, nobody gets the passkey', async () => {
    const a = newAccount('pkm');
    const b = newAccount('pkm');
    await createUser(a);
    await createUser(b);
    const { session, add } = await page();
    await session.logIn(a.email, a.password);
    createDialog = deferred();
    createOpen = deferred();
    const outcome = recordEvents(add, ['success', 'failure']);
    const run = add.do();
    await createOpen.promise;
    await session.logOut();
    await session.logIn(b.email, b.password);
    const seen = recordEvents(session, ['logged-out']);
    createDialog.resolve();
    expect(await run).to.equal(false);
    expect(outcome.map((e) => e.type)).to.deep.equal(['failure']);
    await sleep(300);
    expect(
      seen.map((e) => e.detail.reason),
      'B signed out',
    ).to.deep.equal([]);
    expect(session.user?.email).to.equal(b.email);
    expect(await session.listPasskeys(), "B's passkeys").to.deep.equal([]);
    await session.logOut();
    await session.logIn(a.email, a.password);
    expect(await session.listPasskeys(), "A's passkeys").to.deep.equal([]);
  });

  // FINDING (low, open on the tree of 08:15): after A's `scope: 'local'` log-out (A's cookie stays
  // valid, as the README says), the passkey sign-in asks for options with A's cookie: the server
  // answers for A (allowCredentials = A's passkeys only), so B's passkey on this device is refused
  // ("No passkey was used", `cancelled`) although the page is signed out. The autofill armed after
  // that log-out is restricted the same way.
  it("FINDING: a passkey sign-in after A's local log-out (A's cookie still valid, A has a passkey elsewhere): B's passkey is offered and signs B in", async () => {
    const { session, b } = await overAnotherUser(true);
    const local = await session.logOut({ scope: 'local' });
    expect(local.ok).to.equal(true);
    expect((await cookieSession())?.user.id, "A's cookie, as README says of scope local").to.be.a('string');
    const result = await rejectionOf(session.logInWithPasskey());
    expect(result, String(result)).to.equal(null);
    expect(session.user?.email).to.equal(b.email);
    await sleep(300);
    expect((await cookieSession())?.user.id, "the cookie is B's").to.equal(session.user?.id);
  });
});
