// Attack on the passkeys add-on: replayed challenges and assertions, against the real Better Auth
// server with @better-auth/passkey (scripts/wtr-better-auth-plugin.mjs) and Chromium's virtual
// authenticator. A real sign-in's assertion (PublicKeyCredential.toJSON()) is captured by wrapping
// navigator.credentials.get on the page, then played again: straight to the server, and through the
// kit (the "authenticator" hands the kit the old answer, or the challenge is spent or replaced
// between the dialog and the verification). README "Passkeys (Better Auth)", Errors table:
// `invalid-credentials` — "a failed signature, a challenge spent or expired (replayed)"; "nothing
// stored on any of them". Each test asserts the safe behaviour.
// Status: every test held (the server spends each challenge; the kit reports invalid-credentials and stores nothing).
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/passkeys.js';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { PasskeyLogInActionElement } from '../../src/elements/passkey-log-in-action.js';
import type { AddPasskeyActionElement } from '../../src/elements/add-passkey-action.js';
import { AuthError } from '../../src/errors.js';
import { useVirtualAuthenticator } from '../helpers/webauthn.js';
import {
  call,
  cookieSession,
  createUser,
  newAccount,
  requestCount,
  sessionsOf,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { rejectionOf } from './attack-helpers.js';

type Json = Record<string, unknown>;

// WebKitGTK's MiniBrowser has no WebAuthn at all (no navigator.credentials): the suite skips there,
// and the wrappers below need something to wrap.
const credentialsContainer: CredentialsContainer =
  navigator.credentials ??
  ({ get: () => Promise.resolve(null), create: () => Promise.resolve(null) } as unknown as CredentialsContainer);
/** navigator.credentials.get, wrapped: every answer kept (object and JSON); `replace` may swap the answer. */
const realGet = credentialsContainer.get.bind(credentialsContainer);
const answers: { credential: PublicKeyCredential; json: Json }[] = [];
let replace: ((credential: PublicKeyCredential) => Promise<Credential | null>) | null = null;
Object.defineProperty(credentialsContainer, 'get', {
  configurable: true,
  value: async (options?: CredentialRequestOptions) => {
    const credential = (await realGet(options)) as PublicKeyCredential | null;
    if (credential) answers.push({ credential, json: credential.toJSON() as Json });
    if (credential && replace) return replace(credential);
    return credential;
  },
});

/** navigator.credentials.create, wrapped the same way. */
const realCreate = credentialsContainer.create.bind(credentialsContainer);
const made: { credential: PublicKeyCredential; json: Json }[] = [];
let replaceMade: ((credential: PublicKeyCredential) => Promise<Credential | null>) | null = null;
Object.defineProperty(credentialsContainer, 'create', {
  configurable: true,
  value: async (options?: CredentialCreationOptions) => {
    const credential = (await realCreate(options)) as PublicKeyCredential | null;
    if (credential) made.push({ credential, json: credential.toJSON() as Json });
    if (credential && replaceMade) return replaceMade(credential);
    return credential;
  },
});

describe('attack: passkeys, replayed challenges and assertions (real Better Auth, virtual authenticator)', function () {
  this.timeout(40_000);
  let serverUrl: string;
  let storageKey: string;
  let keys = 0;

  useBetterAuthServer((config) => (serverUrl = config.serverUrl));
  useVirtualAuthenticator();
  beforeEach(async () => {
    storageKey = `passkey-attack-replay/${Date.now()}/${keys++}`;
    answers.length = 0;
    made.length = 0;
    replace = null;
    replaceMade = null;
  });
  afterEach(async () => {
    replace = null;
    replaceMade = null;
  });

  async function page() {
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${storageKey}>
        <passkey-log-in-action></passkey-log-in-action>
        <add-passkey-action name="Replay key"></add-passkey-action>
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

  /** An account with a passkey, signed in with it once by the kit (its assertion captured), then signed out. */
  async function capturedSignIn() {
    const account = newAccount('pkr');
    await createUser(account);
    const p = await page();
    await p.session.logIn(account.email, account.password);
    expect(await p.add.do(), p.add.error).to.equal(true);
    await p.session.logOut();
    expect(await p.logIn.do(), p.logIn.error).to.equal(true);
    expect(answers).to.have.length(1);
    await p.session.logOut();
    expect(await cookieSession()).to.equal(null);
    return { ...p, account, captured: answers[0] };
  }

  /** Nothing of a sign-in anywhere: not signed in, nothing stored, no cookie session, no live server session. */
  async function expectNothingMade(session: UserSessionElement, email: string) {
    expect(session.authenticated, 'signed in').to.equal(false);
    expect(localStorage.getItem(storageKey), 'stored').to.equal(null);
    expect(await cookieSession(), 'cookie session').to.equal(null);
    expect(await sessionsOf(email), 'live server sessions').to.deep.equal([]);
  }

  it('the captured assertion posted again to /passkey/verify-authentication (its challenge spent) is refused: no session', async () => {
    const { session, account, captured } = await capturedSignIn();
    const { status } = await call('/passkey/verify-authentication', { response: captured.json });
    expect(status).to.be.within(400, 499);
    await expectNothingMade(session, account.email);
  });

  it('the captured assertion posted against a fresh challenge is refused (signature over the old challenge): no session', async () => {
    const { session, account, captured } = await capturedSignIn();
    expect((await call('/passkey/generate-authenticate-options')).status).to.equal(200);
    const { status } = await call('/passkey/verify-authentication', { response: captured.json });
    expect(status).to.be.within(400, 499);
    await expectNothingMade(session, account.email);
  });

  it('the kit handed the old assertion for a new ceremony: failure invalid-credentials, nothing stored, no logged-in', async () => {
    const { session, logIn, account, captured } = await capturedSignIn();
    replace = async () => captured.credential;
    const seen = recordEvents(session, ['logged-in', 'logged-out']);
    const outcome = recordEvents(logIn, ['success', 'failure']);
    expect(await logIn.do()).to.equal(false);
    expect(outcome.map((e) => e.type)).to.deep.equal(['failure']);
    expect(outcome[0].detail.error).to.be.instanceOf(AuthError);
    expect(outcome[0].detail.error.code).to.equal('invalid-credentials');
    expect(seen).to.deep.equal([]);
    await expectNothingMade(session, account.email);
  });

  it('the challenge replaced between the dialog and the verification (a second options request): invalid-credentials, nothing stored', async () => {
    const { session, account } = await capturedSignIn();
    replace = async (credential) => {
      await call('/passkey/generate-authenticate-options'); // a new challenge cookie: the kit's answer signs the old one
      return credential;
    };
    const error = await rejectionOf(session.logInWithPasskey());
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('invalid-credentials');
    await expectNothingMade(session, account.email);
  });

  it('the challenge spent before the kit verifies (consumed by another verification): invalid-credentials, nothing stored', async () => {
    const { session, account } = await capturedSignIn();
    replace = async (credential) => {
      // Any verification spends the challenge the cookie names (here one for an unknown passkey).
      const spent = await call('/passkey/verify-authentication', { response: { id: 'no-such-credential' } });
      expect(spent.status).to.be.within(400, 499);
      return credential;
    };
    const error = await rejectionOf(session.logInWithPasskey());
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('invalid-credentials');
    await expectNothingMade(session, account.email);
  });

  it('a second sign-in with the same passkey works (a fresh challenge each time), and sends one options request per ceremony', async () => {
    const { session, logIn, account } = await capturedSignIn();
    const before = await requestCount('GET', '/passkey/generate-authenticate-options');
    expect(await logIn.do(), logIn.error).to.equal(true);
    expect(session.user?.email).to.equal(account.email);
    expect(await requestCount('GET', '/passkey/generate-authenticate-options')).to.equal(before + 1);
    // Two captured answers, two different challenges.
    const challenges = answers.map(
      (a) =>
        JSON.parse(
          atob(
            String((a.json.response as Json).clientDataJSON)
              .replace(/-/g, '+')
              .replace(/_/g, '/'),
          ),
        ).challenge,
    );
    expect(new Set(challenges).size).to.equal(answers.length);
  });

  it('a captured registration posted again to /passkey/verify-registration is refused: still one passkey', async () => {
    const { session, account } = await capturedSignIn();
    expect(made).to.have.length(1);
    await session.logIn(account.email, account.password);
    const again = await call('/passkey/verify-registration', { response: made[0].json, name: 'replayed' });
    expect(again.status).to.be.within(400, 499);
    expect(await session.listPasskeys()).to.have.length(1);
  });

  it('the kit handed an old registration for a new ceremony: an AuthError, no second passkey, still signed in', async () => {
    const { session, account } = await capturedSignIn();
    await session.logIn(account.email, account.password);
    const old = made[0].credential;
    replaceMade = async () => old;
    const seen = recordEvents(session, ['logged-out']);
    const error = await rejectionOf(session.addPasskey('second'));
    expect(error).to.be.instanceOf(AuthError);
    expect((await session.listPasskeys()).map((p) => p.name)).to.deep.equal(['Replay key']);
    expect(session.authenticated).to.equal(true);
    expect(seen).to.deep.equal([]);
  });
});
