// Attack on the passkeys add-on: ceremonies started by script, without a person's act, and the
// browser's own refusals, against the real Better Auth server with @better-auth/passkey and
// Chromium's virtual authenticator. SPEC §11: "The person's own act starts a ceremony (a click, or
// the browser's autofill for passkeys); cancelling is a `failure` with code `cancelled`, never an
// uncaught error or a half-made session." README Errors table: `cancelled`, `unsupported` ("said
// before any request"), `bad-request` (an authenticator that already holds one).
// Chromium does not ask for a user activation before navigator.credentials.get/create on a
// top-level page (Safari does): here the kit itself must never open the modal dialog on its own,
// and a browser that refuses (NotAllowedError, as Safari does without a gesture) must end as
// `cancelled`, with nothing sent to verify and nothing stored.
// Status: every test held.
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
import { AuthError } from '../../src/errors.js';
import { useVirtualAuthenticator, virtualCredentials } from '../helpers/webauthn.js';
import { cookieSession, createUser, newAccount, requestCount, useBetterAuthServer } from '../integration/better-auth-server.js';
import { sleep } from './attack-helpers.js';

// WebKitGTK's MiniBrowser has no WebAuthn at all (no navigator.credentials): the suite skips there,
// and the wrappers below need something to wrap.
const credentialsContainer: CredentialsContainer =
  navigator.credentials ??
  ({ get: () => Promise.resolve(null), create: () => Promise.resolve(null) } as unknown as CredentialsContainer);
const realGet = credentialsContainer.get.bind(credentialsContainer);
const realCreate = credentialsContainer.create.bind(credentialsContainer);
const modalGets: { active: boolean }[] = [];
let getStub: ((options?: CredentialRequestOptions) => Promise<Credential | null>) | null = null;
let createStub: ((options?: CredentialCreationOptions) => Promise<Credential | null>) | null = null;
Object.defineProperty(credentialsContainer, 'get', {
  configurable: true,
  value: (options?: CredentialRequestOptions) => {
    if (options?.mediation !== 'conditional') modalGets.push({ active: navigator.userActivation?.isActive ?? false });
    return getStub ? getStub(options) : realGet(options);
  },
});
Object.defineProperty(credentialsContainer, 'create', {
  configurable: true,
  value: (options?: CredentialCreationOptions) => (createStub ? createStub(options) : realCreate(options)),
});

describe('attack: passkey ceremonies without a gesture, and the browser refusing (real Better Auth, virtual authenticator)', function () {
  this.timeout(40_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-attack-gesture/${Date.now()}/${keys++}`;
    modalGets.length = 0;
    getStub = null;
    createStub = null;
  });
  afterEach(async () => {
    getStub = null;
    createStub = null;
  });

  /** An account with a passkey, signed out, on a page whose <passkey-log-in-action> is not in an autofill form. */
  async function withPasskey() {
    const account = newAccount('pkg');
    await createUser(account);
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <passkey-log-in-action></passkey-log-in-action>
        <add-passkey-action name="Gesture key"></add-passkey-action>
      </user-session>
    `);
    await afterConnect();
    await session.ready;
    await session.logIn(account.email, account.password);
    await session.addPasskey('Gesture key');
    await session.logOut();
    modalGets.length = 0;
    return {
      session,
      account,
      logIn: session.querySelector('passkey-log-in-action') as PasskeyLogInActionElement,
      add: session.querySelector('add-passkey-action') as AddPasskeyActionElement,
    };
  }

  async function expectNothingStored(session: UserSessionElement) {
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(await cookieSession()).to.equal(null);
  }

  it('the kit never opens the dialog by itself: connect, log-out, page shown again, online — no modal request, no options request', async () => {
    const { session } = await withPasskey();
    const before = await requestCount('GET', '/passkey/generate-authenticate-options');
    session.remove();
    document.body.append(session);
    await afterConnect();
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('pageshow'));
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('focus'));
    await sleep(800);
    expect(modalGets).to.deep.equal([]);
    expect(await requestCount('GET', '/passkey/generate-authenticate-options')).to.equal(before);
    await expectNothingStored(session);
  });

  it('logInWithPasskey() from script, no user activation (Chromium allows it): one ordinary sign-in, one options request', async () => {
    const { session, account } = await withPasskey();
    expect(navigator.userActivation.isActive).to.equal(false);
    const before = await requestCount('GET', '/passkey/generate-authenticate-options');
    const user = await session.logInWithPasskey();
    expect(user.email).to.equal(account.email);
    expect(modalGets.map((g) => g.active)).to.deep.equal([false]);
    expect(await requestCount('GET', '/passkey/generate-authenticate-options')).to.equal(before + 1);
  });

  const refusals: { label: string; make: () => unknown; code?: string }[] = [
    {
      label: 'NotAllowedError (no gesture, as Safari; or the dialog closed)',
      make: () =>
        new DOMException(
          'The request is not allowed by the user agent or the platform in the current context.',
          'NotAllowedError',
        ),
      code: 'cancelled',
    },
    // Only the kit's own signal makes a real browser answer AbortError: the kit says `aborted` ("Cancelled.").
    { label: 'AbortError', make: () => new DOMException('The operation was aborted.', 'AbortError') },
    {
      label: 'SecurityError (rp id / origin)',
      make: () =>
        new DOMException(
          'The relying party ID is not a registrable domain suffix of, nor equal to the current domain.',
          'SecurityError',
        ),
    },
    { label: 'a TypeError', make: () => new TypeError('Failed to execute get on CredentialsContainer') },
    { label: 'a plain string', make: () => 'nope' },
    { label: 'undefined', make: () => undefined },
  ];
  for (const r of refusals) {
    it(`the browser refuses the sign-in dialog with ${r.label}: a failure${r.code ? ` "${r.code}"` : ''} with a readable message, nothing verified, nothing stored`, async () => {
      const { session, logIn } = await withPasskey();
      getStub = () => Promise.reject(r.make());
      const verifications = await requestCount('POST', '/passkey/verify-authentication');
      const outcome = recordEvents(logIn, ['success', 'failure']);
      expect(await logIn.do()).to.equal(false);
      expect(outcome.map((e) => e.type)).to.deep.equal(['failure']);
      const error = outcome[0].detail.error as AuthError;
      expect(error).to.be.instanceOf(AuthError);
      if (r.code) expect(error.code, error.message).to.equal(r.code);
      expect(error.message).to.be.a('string').and.not.equal('');
      expect(logIn.error).to.equal(error.message);
      expect(logIn.busy).to.equal(false);
      expect(await requestCount('POST', '/passkey/verify-authentication')).to.equal(verifications);
      await expectNothingStored(session);
    });
  }

  const oddAnswers: { label: string; answer: () => unknown }[] = [
    { label: 'null', answer: () => null },
    { label: 'an empty object', answer: () => ({}) },
    { label: 'a password credential', answer: () => ({ type: 'password', id: 'ada', password: 'x' }) },
    {
      label: 'an object whose toJSON throws',
      answer: () => ({
        type: 'public-key',
        id: 'x',
        toJSON: () => {
          throw new Error('boom');
        },
      }),
    },
    { label: 'an object whose toJSON gives garbage', answer: () => ({ type: 'public-key', id: 'x', toJSON: () => 'garbage' }) },
  ];
  for (const o of oddAnswers) {
    it(`the browser answers the sign-in with ${o.label}: an AuthError, no uncaught error, nothing stored`, async () => {
      const { session, logIn } = await withPasskey();
      getStub = async () => o.answer() as Credential;
      const outcome = recordEvents(logIn, ['success', 'failure']);
      expect(await logIn.do()).to.equal(false);
      expect(outcome.map((e) => e.type)).to.deep.equal(['failure']);
      expect(outcome[0].detail.error).to.be.instanceOf(AuthError);
      await expectNothingStored(session);
    });
  }

  it('navigator.credentials.get throwing synchronously: a failure, not an uncaught error', async () => {
    const { session, logIn } = await withPasskey();
    getStub = () => {
      throw new DOMException('sync', 'NotAllowedError');
    };
    const outcome = recordEvents(logIn, ['success', 'failure']);
    expect(await logIn.do()).to.equal(false);
    expect(outcome[0].detail.error).to.be.instanceOf(AuthError);
    await expectNothingStored(session);
  });

  it('adding: NotAllowedError is cancelled, InvalidStateError (already holds one) is bad-request; still signed in, nothing registered', async () => {
    const { session, account, add } = await withPasskey();
    await session.logIn(account.email, account.password);
    const registered = await requestCount('POST', '/passkey/verify-registration');
    const outcome = recordEvents(add, ['success', 'failure']);
    createStub = () => Promise.reject(new DOMException('no gesture', 'NotAllowedError'));
    expect(await add.do()).to.equal(false);
    createStub = () =>
      Promise.reject(
        new DOMException(
          'The user attempted to register an authenticator that contains one of the credentials already registered with the relying party.',
          'InvalidStateError',
        ),
      );
    expect(await add.do()).to.equal(false);
    expect(outcome.map((e) => e.detail.error?.code)).to.deep.equal(['cancelled', 'bad-request']);
    expect(await requestCount('POST', '/passkey/verify-registration')).to.equal(registered);
    expect(session.authenticated).to.equal(true);
    expect(await session.listPasskeys()).to.have.length(1);
  });

  it('the real authenticator already holding one for this account: bad-request, the existing passkey untouched', async () => {
    const { session, account } = await withPasskey();
    await session.logIn(account.email, account.password);
    let error: unknown = null;
    try {
      await session.addPasskey('second on the same authenticator');
    } catch (e) {
      error = e;
    }
    expect((error as AuthError)?.code).to.equal('bad-request');
    expect(await virtualCredentials()).to.have.length(1);
    expect((await session.listPasskeys()).map((p) => p.name)).to.deep.equal(['Gesture key']);
  });

  it('no WebAuthn in this browser (PublicKeyCredential gone): unsupported, said before any request', async () => {
    const { session, logIn, account } = await withPasskey();
    const saved = Object.getOwnPropertyDescriptor(window, 'PublicKeyCredential')!;
    const before =
      (await requestCount('GET', '/passkey/generate-authenticate-options')) +
      (await requestCount('GET', '/passkey/generate-register-options'));
    const outcome = recordEvents(logIn, ['failure']);
    try {
      // @ts-expect-error: a browser without WebAuthn
      delete window.PublicKeyCredential;
      expect(await logIn.do()).to.equal(false);
      await session.logIn(account.email, account.password);
      let addError: unknown = null;
      await session.addPasskey('x').catch((e: unknown) => (addError = e));
      expect((addError as AuthError)?.code).to.equal('unsupported');
    } finally {
      Object.defineProperty(window, 'PublicKeyCredential', saved);
    }
    expect(outcome[0].detail.error.code).to.equal('unsupported');
    expect(
      (await requestCount('GET', '/passkey/generate-authenticate-options')) +
        (await requestCount('GET', '/passkey/generate-register-options')),
    ).to.equal(before);
  });

  it('a click during a running sign-in joins it (one run at a time): one options request, one success', async () => {
    const { session, logIn } = await withPasskey();
    const before = await requestCount('GET', '/passkey/generate-authenticate-options');
    const outcome = recordEvents(logIn, ['success', 'failure']);
    const runs = [logIn.do(), logIn.do(), logIn.do()];
    logIn.click();
    expect(await Promise.all(runs)).to.deep.equal([true, true, true]);
    await waitUntil(() => !logIn.busy);
    await sleep(200);
    expect(outcome.map((e) => e.type)).to.deep.equal(['success']);
    expect(await requestCount('GET', '/passkey/generate-authenticate-options')).to.equal(before + 1);
    expect(session.authenticated).to.equal(true);
  });
});
