// Passkeys (the `passkeys` add-on) against the real Better Auth server with @better-auth/passkey,
// in a browser with a virtual authenticator (Chromium: CDP; see scripts/wtr-webauthn-plugin.mjs).
// Engines whose driver offers none skip this file's ceremonies (test/passkeys.test.ts covers the
// paths that need no authenticator everywhere).
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import '../../src/passkeys.js';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { PasskeyLogInActionElement } from '../../src/elements/passkey-log-in-action.js';
import type { AddPasskeyActionElement } from '../../src/elements/add-passkey-action.js';
import type { PasskeyListElement } from '../../src/elements/passkey-list.js';
import { AuthError } from '../../src/errors.js';
import { removeVirtualCredential, setPresence, useVirtualAuthenticator, virtualCredentials } from '../helpers/webauthn.js';
import {
  createUser,
  newAccount,
  requestCount,
  sessionsOf,
  startBetterAuth,
  stopBetterAuth,
  useBetterAuthServer,
} from './better-auth-server.js';

describe('Passkeys on Better Auth (real server, virtual authenticator)', function () {
  this.timeout(30_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-test/${Date.now()}/${keys++}`;
  });

  /** `autofill`: the form's username field asks for passkeys (`autocomplete="username webauthn"`). */
  async function page({ autofill = false } = {}) {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <form>
          <input name="username" autocomplete=${autofill ? 'username webauthn' : 'username'} />
          <passkey-log-in-action></passkey-log-in-action>
        </form>
        <add-passkey-action name="Test key"></add-passkey-action>
        <passkey-list></passkey-list>
        <log-out-action></log-out-action>
      </user-session>
    `);
    await afterConnect();
    await session.ready;
    const q = <T extends Element>(selector: string) => session.querySelector(selector) as T;
    return {
      session,
      logIn: q<PasskeyLogInActionElement>('passkey-log-in-action'),
      add: q<AddPasskeyActionElement>('add-passkey-action'),
      list: q<PasskeyListElement>('passkey-list'),
    };
  }

  /** A signed-in account (by password) with one passkey added through <add-passkey-action>. */
  async function withPasskey({ autofill = false } = {}) {
    const account = newAccount('pk');
    await createUser(account);
    const p = await page({ autofill });
    await p.session.logIn(account.email, account.password);
    const added = recordEvents(p.add, ['success', 'failure']);
    expect(await p.add.do(), added[0]?.detail?.error?.message).to.equal(true);
    return { ...p, account, passkey: added[0].detail.passkey };
  }

  it('adds a passkey: success carries its public fields only, the authenticator holds it, the list shows it', async () => {
    const { passkey, list, session } = await withPasskey();
    expect(Object.keys(passkey).sort()).to.deep.equal(['createdAt', 'id', 'name', 'synced']);
    expect(passkey.name).to.equal('Test key');
    const credentials = await virtualCredentials();
    expect(credentials).to.have.length(1);
    expect(credentials[0].isResidentKey).to.equal(true);
    // Neither the credential id nor anything of it reaches storage or the element.
    const stored = JSON.stringify({ ...localStorage });
    expect(stored).not.to.include(credentials[0].credentialId);
    expect(JSON.stringify(passkey)).not.to.include(credentials[0].credentialId);
    await waitUntil(() => list.passkeys.length === 1, 'the list shows the new passkey');
    expect(list.shadowRoot!.textContent).to.include('Test key');
    expect((await session.listPasskeys()).map((p) => p.id)).to.deep.equal([passkey.id]);
  });

  it('signs out, then in with the passkey by a click: logged-in reason "passkey", an ordinary stored session', async () => {
    const { session, logIn, account } = await withPasskey();
    await session.logOut();
    expect(session.authenticated).to.equal(false);
    const seen = recordEvents(session, ['logged-in']);
    const outcome = recordEvents(logIn, ['success', 'failure']);
    expect(await logIn.do()).to.equal(true);
    expect(outcome.map((e) => e.type)).to.deep.equal(['success']);
    expect(outcome[0].detail.user.email).to.equal(account.email);
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['passkey']);
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(localStorage.getItem(storageKey)).to.include(account.email);
    // The session is the server's: a refresh checks it there.
    expect((await session.refresh())?.email).to.equal(account.email);
  });

  it('removes the passkey with its "Remove" button; signing in with it afterwards is invalid-credentials, nothing stored', async () => {
    const { session, logIn, list, passkey } = await withPasskey();
    await waitUntil(() => list.passkeys.length === 1);
    const removed = recordEvents(list, ['removed', 'failure']);
    const button = list.shadowRoot!.querySelector<HTMLButtonElement>('[part=remove]')!;
    expect(button.getAttribute('aria-label')).to.match(/^Remove passkey Test key/);
    button.click();
    await waitUntil(() => removed.length === 1);
    expect(removed[0].type).to.equal('removed');
    expect(removed[0].detail.passkey.id).to.equal(passkey.id);
    expect(await session.listPasskeys()).to.deep.equal([]);
    await session.logOut();
    const outcome = recordEvents(logIn, ['success', 'failure']);
    expect(await logIn.do()).to.equal(false);
    expect(outcome[0].detail.error.code).to.equal('invalid-credentials');
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('no passkey for this site on the authenticator: failure "cancelled", nothing stored, one options request', async () => {
    const { session, logIn } = await withPasskey();
    for (const credential of await virtualCredentials()) await removeVirtualCredential(credential.credentialId);
    await session.logOut();
    const before = await requestCount('POST', '/passkey/verify-authentication');
    const outcome = recordEvents(logIn, ['success', 'failure']);
    expect(await logIn.do()).to.equal(false);
    expect(outcome[0].detail.error).to.be.instanceOf(AuthError);
    expect(outcome[0].detail.error.code).to.equal('cancelled');
    expect(logIn.error).to.match(/No passkey was used/);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await requestCount('POST', '/passkey/verify-authentication')).to.equal(before);
  });

  it('passkey autofill: signed out in a form with autocomplete="username webauthn", picking the passkey signs in without a click', async () => {
    const { session, logIn, account } = await withPasskey({ autofill: true });
    const outcome = recordEvents(logIn, ['success', 'failure']);
    const seen = recordEvents(session, ['logged-in']);
    await session.logOut();
    // The virtual authenticator answers the waiting autofill request as a person picking the passkey would.
    await waitUntil(() => outcome.length > 0, 'autofill signed in', { timeout: 10_000 });
    expect(outcome.map((e) => e.type)).to.deep.equal(['success']);
    expect(outcome[0].detail.user.email).to.equal(account.email);
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['passkey']);
    expect(logIn.busy).to.equal(false);
    expect(await requestCount('POST', '/passkey/verify-authentication')).to.equal(1);
  });

  it('a password log-in while autofill waits goes first; an element that left the page never asks again', async () => {
    const { session, logIn, account } = await withPasskey({ autofill: true });
    await setPresence(false); // the person has not picked anything: the autofill request waits
    const outcome = recordEvents(logIn, ['success', 'failure']);
    const options = () => requestCount('GET', '/passkey/generate-authenticate-options');
    const before = await options();
    await session.logOut();
    await waitUntil(async () => (await options()) === before + 1, 'autofill armed');
    // The password sign-in ends the waiting request (a newer sign-in) and wins.
    const seen = recordEvents(session, ['logged-in']);
    await session.logIn(account.email, account.password);
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['log-in']);
    logIn.closest('form')!.remove();
    await setPresence(true);
    await session.logOut();
    await new Promise((r) => setTimeout(r, 300));
    expect(await options()).to.equal(before + 1);
    expect(await requestCount('POST', '/passkey/verify-authentication')).to.equal(0);
    expect(outcome).to.deep.equal([]);
    expect(session.authenticated).to.equal(false);
  });

  it('a passkey session is an ordinary one: listed by listSessions as this device, and a sign-out queued while the server is down ends it later', async () => {
    const { session, logIn, account } = await withPasskey();
    await session.logOut();
    expect(await logIn.do()).to.equal(true);
    const sessions = await session.listSessions();
    expect(sessions.map((s) => s.current)).to.deep.equal([true]);
    expect(await sessionsOf(account.email)).to.have.length(1);
    await stopBetterAuth();
    const result = await session.logOut();
    expect(result.signedOutLocally).to.equal(true);
    expect(result.revocationPending).to.equal(true);
    expect(session.authenticated).to.equal(false);
    session.remove();
    await startBetterAuth();
    await page(); // the next page load sends the queued sign-out
    await waitUntil(async () => (await sessionsOf(account.email)).length === 0, 'the queued sign-out', { timeout: 10_000 });
  });

  it('a second <user-session> on the key follows a passkey sign-in (logged-in once)', async () => {
    const { session, logIn } = await withPasskey();
    await session.logOut();
    const other = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}></user-session>
    `);
    const seen = recordEvents(other, ['logged-in']);
    expect(await logIn.do()).to.equal(true);
    await waitUntil(() => other.authenticated);
    expect(seen).to.have.length(1);
  });
});
