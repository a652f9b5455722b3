// Attack on passkey autofill (conditional mediation) of <passkey-log-in-action>, against the real
// Better Auth server with @better-auth/passkey and Chromium's virtual authenticator. The waiting
// request must stop "when the element leaves the page, when another sign-in starts (a click, the
// form's submit) and when a user signs in any other way; it starts again after a sign-out. It never
// ends another sign-in itself." (README "Passkeys (Better Auth)"). Every navigator.credentials.get
// call is recorded (its mediation and AbortSignal) so a request left running shows as a conditional
// call whose signal was never aborted; the server's requests to /passkey/generate-authenticate-options
// and /passkey/verify-authentication are counted at its proxy. With presence off, the authenticator
// does not answer the autofill request: it waits, as for a person who has not picked a passkey.
// Status: one FINDING (an autofill answer arriving as it was aborted was still verified and ended
// the click's sign-in), fixed in src/ at ~08:06; the others held.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/passkeys.js';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { PasskeyLogInActionElement } from '../../src/elements/passkey-log-in-action.js';
import { credentialRequests, pickLater, realGet, waitingAutofill } from '../helpers/credential-requests.js';
import { setPresence, useVirtualAuthenticator } from '../helpers/webauthn.js';
import {
  betterAuthFault,
  call,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  sessionsOf,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { sleep } from './attack-helpers.js';

const { calls } = credentialRequests;
const options = () => requestCount('GET', '/passkey/generate-authenticate-options');
const verifications = () => requestCount('POST', '/passkey/verify-authentication');

describe('attack: passkey autofill left running (real Better Auth, virtual authenticator)', function () {
  this.timeout(40_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-attack-autofill/${Date.now()}/${keys++}`;
    credentialRequests.reset();
  });
  afterEach(async () => {
    credentialRequests.conditionalStub = null;
  });

  /** A signed-in account with a passkey, on a page whose form offers passkey autofill; presence off. */
  async function signedInWithPasskey(extra = html``) {
    const account = newAccount('pka');
    await createUser(account);
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <form>
          <input name="username" autocomplete="username webauthn" />
          <input name="password" type="password" autocomplete="current-password" />
          <passkey-log-in-action></passkey-log-in-action>
          ${extra}
        </form>
      </user-session>
    `);
    await afterConnect();
    await session.ready;
    await session.logIn(account.email, account.password);
    await session.addPasskey('Autofill key');
    await setPresence(false);
    calls.length = 0;
    const logIn = session.querySelector('passkey-log-in-action') as PasskeyLogInActionElement;
    return { session, account, logIn, form: session.querySelector('form')! };
  }

  /** Signs out and waits for the autofill request to be waiting. */
  async function signOutAndArm(session: UserSessionElement) {
    const before = await options();
    await session.logOut();
    await waitUntil(async () => (await options()) > before && waitingAutofill().length > 0, 'autofill armed');
  }

  it('armed once after a log-out: one options request, one waiting conditional request', async () => {
    const { session } = await signedInWithPasskey();
    const before = await options();
    await signOutAndArm(session);
    await sleep(500);
    expect(await options()).to.equal(before + 1);
    expect(waitingAutofill()).to.have.length(1);
  });

  it('the element leaves the page: the waiting request is aborted, never asked again, nothing verified', async () => {
    const { session, logIn } = await signedInWithPasskey();
    await signOutAndArm(session);
    const before = await options();
    logIn.remove();
    await sleep(100);
    expect(waitingAutofill(), 'a conditional request still waiting').to.have.length(0);
    await setPresence(true);
    await session.logIn(newAccount().email, 'x').catch(() => {});
    await session.logOut();
    await sleep(500);
    expect(await options()).to.equal(before);
    expect(await verifications()).to.equal(0);
  });

  it('the whole <user-session> leaves the page: the waiting request is aborted', async () => {
    const { session } = await signedInWithPasskey();
    await signOutAndArm(session);
    session.remove();
    await sleep(100);
    expect(waitingAutofill()).to.have.length(0);
  });

  it('a password sign-in: the waiting request is aborted, and none is made while signed in', async () => {
    const { session, account } = await signedInWithPasskey();
    await signOutAndArm(session);
    const before = await options();
    await session.logIn(account.email, account.password);
    await sleep(300);
    expect(waitingAutofill()).to.have.length(0);
    expect(await options()).to.equal(before);
  });

  it('signed in by another <user-session> on the same key: the waiting request is aborted', async () => {
    const { session, account } = await signedInWithPasskey();
    await signOutAndArm(session);
    const other = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}></user-session>
    `);
    await afterConnect();
    await other.logIn(account.email, account.password);
    await waitUntil(() => session.authenticated, 'the first element follows');
    await sleep(200);
    expect(waitingAutofill()).to.have.length(0);
  });

  it('five log-out / log-in rounds: one options request per sign-out, never more than one waiting request', async () => {
    const { session, account } = await signedInWithPasskey();
    const before = await options();
    for (let i = 0; i < 5; i++) {
      await signOutAndArm(session);
      expect(waitingAutofill(), `round ${i}`).to.have.length(1);
      await session.logIn(account.email, account.password);
      await sleep(50);
      expect(waitingAutofill(), `round ${i}, signed in`).to.have.length(0);
    }
    expect(await options()).to.equal(before + 5);
  });

  it('a click while autofill waits: the waiting request ends first, the click signs in, one verification', async () => {
    const { session, logIn, account } = await signedInWithPasskey();
    await signOutAndArm(session);
    await setPresence(true);
    const outcome = recordEvents(logIn, ['success', 'failure']);
    logIn.click();
    await waitUntil(() => outcome.length > 0, 'the click settled');
    expect(
      outcome.map((e) => e.type),
      logIn.error,
    ).to.deep.equal(['success']);
    expect(session.user?.email).to.equal(account.email);
    expect(await verifications()).to.equal(1);
    await sleep(300);
    expect(waitingAutofill()).to.have.length(0);
  });

  it('the options request failing (500) while arming: no retry loop, no uncaught error', async () => {
    const { session } = await signedInWithPasskey();
    await betterAuthFault({ path: '/api/auth/passkey/generate-authenticate-options', status: 500 });
    const before = await options();
    await session.logOut();
    await sleep(2000);
    const asked = (await options()) - before;
    expect(asked, 'options requests in 2 s').to.be.within(1, 2);
  });

  it('the browser refusing the conditional request at once: no retry loop', async () => {
    const { session } = await signedInWithPasskey();
    credentialRequests.conditionalStub = () =>
      Promise.reject(new DOMException('A request is already pending.', 'NotAllowedError'));
    const before = await options();
    await session.logOut();
    await sleep(2000);
    expect((await options()) - before, 'options requests in 2 s').to.be.within(1, 2);
    expect(calls.filter((c) => c.mediation === 'conditional').length, 'conditional requests in 2 s').to.be.within(1, 2);
  });

  // Observed (not a promise of the README): each element arms its own request, so two options
  // requests per sign-out; the older request is aborted, one waits.
  it('two <passkey-log-in-action>s in one form: one waiting request, at most one options request per element', async () => {
    const { session } = await signedInWithPasskey(html`<passkey-log-in-action></passkey-log-in-action>`);
    const before = await options();
    await signOutAndArm(session);
    await sleep(1000);
    expect(waitingAutofill()).to.have.length(1);
    expect((await options()) - before).to.be.within(1, 2);
  });

  it('two <passkey-log-in-action>s in one form: picking the passkey in the autofill signs in (success), nothing fails', async () => {
    const { session, account, form } = await signedInWithPasskey(html`<passkey-log-in-action></passkey-log-in-action>`);
    const [first, second] = [...form.querySelectorAll('passkey-log-in-action')];
    const outcome = [...recordEvents(first, ['success', 'failure']), ...recordEvents(second, ['success', 'failure'])];
    const seen = recordEvents(session, ['logged-in']);
    await setPresence(true);
    const pick = pickLater();
    await signOutAndArm(session);
    await sleep(500); // both elements have armed
    expect(waitingAutofill()).to.have.length(1);
    pick();
    await waitUntil(() => seen.length > 0 || outcome.length > 0, 'autofill settled', { timeout: 10_000 });
    await sleep(300);
    const detail = outcome.map((e) => `${e.type}${e.detail?.error ? ` ${e.detail.error.code}: ${e.detail.error.message}` : ''}`);
    expect(
      seen.map((e) => e.detail.reason),
      detail.join('; '),
    ).to.deep.equal(['passkey']);
    expect(session.user?.email).to.equal(account.email);
    expect(outcome.filter((e) => e.type === 'failure')).to.deep.equal([]);
  });

  it('two forms with autofill in one <user-session> (sign-in and sign-up): picking the passkey signs in', async () => {
    const { session, account } = await signedInWithPasskey();
    const second = document.createElement('form');
    second.innerHTML =
      '<input name="username" autocomplete="username webauthn" /><passkey-log-in-action></passkey-log-in-action>';
    session.append(second);
    await afterConnect();
    const seen = recordEvents(session, ['logged-in']);
    await setPresence(true);
    const pick = pickLater();
    const before = await options();
    await signOutAndArm(session);
    await sleep(500);
    // One request for the page: a second options request would replace the waiting one's
    // challenge at the server, and picking the passkey would then be refused.
    expect(await options(), 'options asked once for the page').to.equal(before + 1);
    expect(waitingAutofill()).to.have.length(1);
    pick();
    await waitUntil(() => seen.length > 0, 'autofill signed in', { timeout: 10_000 }).catch(() => {});
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['passkey']);
    expect(session.user?.email).to.equal(account.email);
  });

  it("two <user-session>s, each with an autofill form: the field focused takes the page's request, and the passkey picked there signs in its own session only", async () => {
    const { session: first, account } = await signedInWithPasskey();
    await first.logOut();
    const secondKey = `${storageKey}/second`;
    const second = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${secondKey}>
        <form>
          <input name="username" autocomplete="username webauthn" />
          <passkey-log-in-action></passkey-log-in-action>
        </form>
      </user-session>
    `);
    await afterConnect();
    await second.ready;
    await waitUntil(() => waitingAutofill().length === 1, "the first form's request waits");
    const firstRequest = waitingAutofill()[0];
    const pick = pickLater();
    const seenFirst = recordEvents(first, ['logged-in']);
    const seenSecond = recordEvents(second, ['logged-in']);
    const before = await options();
    second.querySelector('input')!.focus();
    await waitUntil(
      async () => (await options()) > before && waitingAutofill().length === 1 && waitingAutofill()[0] !== firstRequest,
      'the second form armed',
    );
    expect(firstRequest.signal?.aborted, "the first form's request ended").to.equal(true);
    await setPresence(true);
    pick();
    await waitUntil(() => seenSecond.length > 0, 'the second session signed in', { timeout: 10_000 });
    expect(seenSecond.map((e) => e.detail.reason)).to.deep.equal(['passkey']);
    expect(second.user?.email).to.equal(account.email);
    expect(seenFirst, 'the first session stays signed out').to.deep.equal([]);
    expect(first.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  // Observed limitation (Better Auth keeps one challenge cookie per browser): another tab that
  // arms its autofill (or any options request) replaces this tab's challenge, so the passkey picked
  // here is refused. The kit fails safely (invalid-credentials, nothing stored); README does not say so.
  it('another tab arms its autofill meanwhile (the challenge cookie replaced): picking here fails safely, nothing stored', async () => {
    const { session, logIn } = await signedInWithPasskey();
    await setPresence(true);
    const pick = pickLater();
    const outcome = recordEvents(logIn, ['success', 'failure']);
    await signOutAndArm(session);
    await call('/passkey/generate-authenticate-options'); // the other tab, same cookies
    pick();
    await waitUntil(() => outcome.length > 0, 'settled', { timeout: 10_000 });
    expect(outcome.map((e) => `${e.type}:${e.detail.error?.code}`)).to.deep.equal(['failure:invalid-credentials']);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await cookieSession()).to.equal(null);
  });

  it('the form submitted (a password sign-in) while autofill waits: the waiting request ends, signed in by password', async () => {
    const { session, account, form } = await signedInWithPasskey(html`<button type="submit">Sign in</button>`);
    await import('../../src/define/log-in-action.js');
    const action = document.createElement('log-in-action');
    form.append(action);
    await signOutAndArm(session);
    (form.querySelector('[name=username]') as HTMLInputElement).value = account.email;
    (form.querySelector('[name=password]') as HTMLInputElement).value = account.password;
    const seen = recordEvents(session, ['logged-in']);
    form.requestSubmit();
    await waitUntil(() => seen.length > 0, 'signed in');
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['log-in']);
    await sleep(200);
    expect(waitingAutofill()).to.have.length(0);
  });

  it('a password sign-in while the picked passkey is being verified wins; the passkey session is not kept', async () => {
    const { session, account, logIn } = await signedInWithPasskey();
    await betterAuthFault({ path: '/api/auth/passkey/verify-authentication', delayMs: 800 });
    const outcome = recordEvents(logIn, ['success', 'failure']);
    await setPresence(true);
    const before = await verifications();
    await session.logOut();
    await waitUntil(async () => (await verifications()) > before, 'the picked passkey is being verified');
    const seen = recordEvents(session, ['logged-in', 'logged-out']);
    await session.logIn(account.email, account.password);
    await sleep(1500);
    await betterAuthFault(null);
    expect(seen.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:log-in']);
    expect(outcome.filter((e) => e.type === 'success')).to.deep.equal([]);
    const live = await sessionsOf(account.email);
    const cookie = await cookieSession();
    expect(cookie?.session.id).to.be.a('string');
    expect(localStorage.getItem(storageKey)).to.include(cookie!.session.id);
    expect(
      live.map((r) => r.id),
      'only the stored session is live',
    ).to.deep.equal([cookie!.session.id]);
  });

  // Failed on the tree of 2026-12-06 ~08:00; passes since the src/ changes of 08:06–08:09.
  // FINDING: the autofill's answer that arrives as its request is aborted (the person picked the
  // passkey in the field at the moment the page started a sign-in) is still verified, and that late
  // autofill sign-in, being newer, ends the sign-in the click started ("aborted: Replaced by a newer
  // sign-in or sign-out"). README: the autofill "never ends another sign-in itself". Seen without any
  // stub too: a click's failure re-arms the autofill, and a logInWithPasskey() right after it lost
  // to the re-armed autofill the same way.
  it('FINDING: an autofill answer that comes as the autofill is aborted by a click is dropped: the click signs in', async () => {
    const { session, account, logIn } = await signedInWithPasskey();
    await setPresence(true);
    // The browser hands the autofill's credential to the page just as the kit aborts the request.
    credentialRequests.conditionalStub = () =>
      new Promise<Credential | null>((resolve, reject) => {
        const call = calls[calls.length - 1];
        const controller = new AbortController();
        realGet({ ...(credentialRequests.lastConditional ?? {}), mediation: 'conditional', signal: controller.signal }).then(
          (credential) => {
            if (call.signal?.aborted) resolve(credential);
            else call.signal?.addEventListener('abort', () => resolve(credential), { once: true });
          },
          reject,
        );
      });
    const before = await options();
    await session.logOut();
    await waitUntil(async () => (await options()) > before && calls.some((c) => c.mediation === 'conditional'), 'autofill armed');
    await sleep(200);
    const outcome = recordEvents(logIn, ['success', 'failure']);
    const seen = recordEvents(session, ['logged-in']);
    expect(await logIn.do(), logIn.error).to.equal(true);
    await sleep(500);
    expect(outcome.map((e) => e.type)).to.deep.equal(['success']);
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['passkey']);
    expect(session.user?.email).to.equal(account.email);
  });

  it('a page loaded signed in asks nothing for autofill', async () => {
    const { session } = await signedInWithPasskey();
    const before = await options();
    session.remove();
    const reloaded = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <form><input autocomplete="username webauthn" /><passkey-log-in-action></passkey-log-in-action></form>
      </user-session>
    `);
    await reloaded.ready;
    await sleep(500);
    expect(reloaded.authenticated).to.equal(true);
    expect(await options()).to.equal(before);
    expect(waitingAutofill()).to.have.length(0);
  });
});
