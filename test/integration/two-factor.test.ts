// Two-step sign-in (the `two-factor` add-on) against the real servers: Parse Server with its `mfa`
// adapter and Better Auth with its `twoFactor` plugin. Each code is computed here from the secret
// the element showed, with the same TOTP library the servers use (otpauth).
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { Secret, TOTP } from 'otpauth';
import '../../src/two-factor.js';
import '../../src/define/user-session.js';
import '../../src/define/log-in-action.js';
import '../../src/define/log-out-action.js';
import '../../src/define/better-auth-backend.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import type { EnableTwoFactorActionElement } from '../../src/elements/enable-two-factor-action.js';
import type { DisableTwoFactorActionElement } from '../../src/elements/disable-two-factor-action.js';
import {
  password as parsePassword,
  signUpRest,
  startServer,
  stopServer,
  until,
  useParseServer,
  whoAmI,
  type ParseConfig,
} from './parse-server.js';
import { createUser, newAccount, useBetterAuthServer } from './better-auth-server.js';

interface Account {
  login: string;
  password: string;
}

/** What differs between the two servers. */
interface Server {
  name: string;
  attributes: () => Record<string, string>;
  newAccount: () => Promise<Account>;
  /** Where the session is stored. */
  storageKey: () => string;
  /** How many recovery codes the server gives. */
  recoveryCodes: number;
}

const rejectionCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

const code = (secret: string, offset = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offset * 30_000 });

function twoStepSuite(server: Server) {
  describe(`Two-step sign-in on ${server.name} (real server)`, function () {
    this.timeout(30_000);

    async function page() {
      const attributes = server.attributes();
      const session = await fixture<UserSessionElement>(html`
        <user-session>
          <form id="log-in">
            <input name="username" />
            <input name="password" type="password" />
            <input name="code" autocomplete="one-time-code" />
            <log-in-action></log-in-action>
          </form>
          <form id="settings">
            <input name="password" type="password" />
            <enable-two-factor-action></enable-two-factor-action>
            <disable-two-factor-action></disable-two-factor-action>
          </form>
          <log-out-action></log-out-action>
        </user-session>
      `);
      for (const [name, value] of Object.entries(attributes)) session.setAttribute(name, value);
      await afterConnect();
      await session.ready;
      const q = <T extends Element>(selector: string) => session.querySelector(selector) as T;
      const field = (form: string, name: string) => q<HTMLInputElement>(`#${form} [name=${name}]`);
      return {
        session,
        logIn: q<LogInActionElement>('log-in-action'),
        enable: q<EnableTwoFactorActionElement>('enable-two-factor-action'),
        disable: q<DisableTwoFactorActionElement>('disable-two-factor-action'),
        field,
      };
    }

    type Page = Awaited<ReturnType<typeof page>>;

    async function signIn(p: Page, account: Account, withCode = '') {
      p.field('log-in', 'username').value = account.login;
      p.field('log-in', 'password').value = account.password;
      p.field('log-in', 'code').value = withCode;
      return p.logIn.do();
    }

    /** Signs in, turns two-step sign-in on through the element; resolves to the secret and the recovery codes. */
    async function enrol(p: Page, account: Account) {
      expect(await signIn(p, account)).to.equal(true);
      p.field('settings', 'password').value = account.password;
      const setup = oneEvent(p.enable, 'setup');
      expect(await p.enable.do()).to.equal(true);
      const { detail } = await setup;
      expect(p.enable.getAttribute('step')).to.equal('scan');
      const shadow = p.enable.shadowRoot!;
      expect(shadow.querySelector('[part=qr] svg'), 'the QR code').to.exist;
      expect(shadow.querySelector('[part=secret]')!.textContent!.replace(/ /g, '')).to.equal(detail.secret);
      expect(detail.uri).to.match(/^otpauth:\/\/totp\//);
      expect(new URL(detail.uri).searchParams.get('secret')).to.equal(detail.secret);
      (shadow.querySelector('[part=code-input]') as HTMLInputElement).value = code(detail.secret);
      const success = oneEvent(p.enable, 'success');
      expect(await p.enable.do()).to.equal(true);
      const { recoveryCodes } = (await success).detail;
      expect(recoveryCodes).to.have.length(server.recoveryCodes);
      expect(p.enable.getAttribute('step')).to.equal('codes');
      expect([...shadow.querySelectorAll('[part=code-list] li')].map((li) => li.textContent)).to.deep.equal([...recoveryCodes]);
      const download = shadow.querySelector<HTMLAnchorElement>('[part=download]')!;
      expect(download.textContent, "the download link's name").to.equal('Download as text');
      expect(download.download).to.equal('recovery-codes.txt');
      expect(download.href, 'a file of the codes').to.match(/^blob:/);
      expect(shadow.querySelector('[part=secret]')!.textContent, 'the secret left the DOM').to.equal('');
      return { secret: detail.secret, recoveryCodes: [...recoveryCodes] };
    }

    it('turns on with the QR code step, then a log-in asks for the code: wrong code, then the right one', async () => {
      const account = await server.newAccount();
      const p = await page();
      const { secret, recoveryCodes } = await enrol(p, account);
      expect(p.session.user?.twoFactorEnabled).to.equal(true);
      const storedText = localStorage.getItem(server.storageKey()) ?? '';
      expect(storedText).to.include('twoFactorEnabled');
      for (const secretThing of [secret, ...recoveryCodes]) {
        expect(storedText).not.to.include(secretThing);
        expect(document.documentElement.outerHTML).not.to.include(secretThing);
      }
      p.enable.reset();
      expect(p.enable.shadowRoot!.textContent).not.to.include(recoveryCodes[0]);

      await p.session.logOut();
      const events = recordEvents(p.session, ['second-factor-required', 'logged-in']);
      const failure = oneEvent(p.logIn, 'failure');
      expect(await signIn(p, account)).to.equal(false);
      expect((await failure).detail.error.code).to.equal('second-factor-required');
      expect(p.session.hasAttribute('second-factor')).to.equal(true);
      expect(p.session.authenticated).to.equal(false);
      expect(localStorage.getItem(server.storageKey())).to.equal(null);
      expect(events.map((e) => [e.type, e.detail.methods])).to.deep.equal([
        ['second-factor-required', ['totp', 'recovery-code']],
      ]);

      const wrong = oneEvent(p.logIn, 'failure');
      expect(await signIn(p, account, '000000')).to.equal(false);
      expect((await wrong).detail.error.code).to.equal('invalid-code');
      expect(p.session.hasAttribute('second-factor'), 'the code step stays').to.equal(true);
      expect(p.session.authenticated).to.equal(false);

      expect(await signIn(p, account, code(secret, 1).replace(/(\d{3})/, '$1 '))).to.equal(true);
      expect(p.session.authenticated).to.equal(true);
      expect(p.session.hasAttribute('second-factor')).to.equal(false);
      expect(events.slice(1).map((e) => [e.type, e.detail.reason])).to.deep.equal([['logged-in', 'log-in']]);
      expect(p.session.user?.twoFactorEnabled).to.equal(true);
    });

    it('a recovery code signs in once; used twice it is refused', async () => {
      const account = await server.newAccount();
      const p = await page();
      const { recoveryCodes } = await enrol(p, account);
      await p.session.logOut();
      expect(await signIn(p, account, recoveryCodes[0])).to.equal(true);
      await p.session.logOut();
      const failure = oneEvent(p.logIn, 'failure');
      expect(await signIn(p, account, recoveryCodes[0])).to.equal(false);
      expect((await failure).detail.error.code).to.equal('invalid-code');
      expect(await signIn(p, account, recoveryCodes[1])).to.equal(true);
    });

    it('<disable-two-factor-action> turns it off: the next log-in needs no code', async () => {
      const account = await server.newAccount();
      const p = await page();
      await enrol(p, account);
      p.field('settings', 'password').value = account.password;
      const changes = recordEvents(p.session, ['user-change', 'logged-out']);
      expect(await p.disable.do()).to.equal(true);
      expect(p.session.authenticated).to.equal(true);
      expect(p.session.user?.twoFactorEnabled).to.equal(false);
      expect(changes.map((e) => e.type)).to.deep.equal(['user-change']);
      await p.session.logOut();
      expect(await signIn(p, account)).to.equal(true);
    });

    it('a wrong first code keeps the QR step; signing out takes the secret out of the DOM', async () => {
      const account = await server.newAccount();
      const p = await page();
      expect(await signIn(p, account)).to.equal(true);
      p.field('settings', 'password').value = account.password;
      expect(await p.enable.do()).to.equal(true);
      const input = p.enable.shadowRoot!.querySelector('[part=code-input]') as HTMLInputElement;
      input.value = '000000';
      const failure = oneEvent(p.enable, 'failure');
      expect(await p.enable.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('invalid-code');
      expect(p.enable.getAttribute('step')).to.equal('scan');
      expect(p.enable.shadowRoot!.querySelector('[part=message]')!.textContent).to.equal('Wrong or expired code.');
      await p.session.logOut();
      expect(p.enable.hasAttribute('step')).to.equal(false);
      expect(p.enable.shadowRoot!.querySelector('[part=secret]')!.textContent).to.equal('');
      expect(p.enable.shadowRoot!.querySelector('[part=qr]')!.childElementCount).to.equal(0);
    });
  });
}

let parse: ParseConfig;

describe('Two-step sign-in on Parse Server: an ordinary session afterwards', function () {
  this.timeout(30_000);
  useParseServer((config) => (parse = config));

  it('after a sign-in with a code: a second <user-session> on the key follows it, and a log-out with the server down waits in the outbox until the next page load revokes it', async () => {
    const { username } = await signUpRest();
    const attributes = () => ({ 'app-id': parse.appId, 'server-url': parse.serverURL });
    const session = await fixture<UserSessionElement>(html`<user-session></user-session>`);
    const other = await fixture<UserSessionElement>(html`<user-session></user-session>`);
    for (const element of [session, other])
      for (const [name, value] of Object.entries(attributes())) element.setAttribute(name, value);
    await afterConnect();
    await session.logIn(username, parsePassword);
    const { secret } = await session.beginTwoFactor();
    await session.enableTwoFactor(code(secret));
    await session.logOut();
    expect(await rejectionCode(session.logIn(username, parsePassword))).to.equal('second-factor-required');
    await session.logIn(username, parsePassword, { code: code(secret, 1) });
    expect(other.authenticated, 'the other element on the key').to.equal(true);
    expect(other.user?.twoFactorEnabled).to.equal(true);
    const token = String(JSON.parse(localStorage.getItem(`Parse/${parse.appId}/currentUser`)!).sessionToken);

    await stopServer();
    try {
      const result = await session.logOut();
      expect(result).to.include({ ok: false, signedOutLocally: true, revocationPending: true });
      expect(other.authenticated).to.equal(false);
      expect(localStorage.getItem(`Parse/${parse.appId}/currentUser:pending-revocations`)).not.to.equal(null);
    } finally {
      await startServer();
    }
    expect((await whoAmI(token)).status, 'still valid: the server never heard of the log-out').to.equal(200);
    session.remove();
    other.remove();
    const next = await fixture<UserSessionElement>(html`<user-session></user-session>`);
    for (const [name, value] of Object.entries(attributes())) next.setAttribute(name, value);
    await until(
      () => localStorage.getItem(`Parse/${parse.appId}/currentUser:pending-revocations`) === null,
      'the outbox to empty',
    );
    expect((await whoAmI(token)).body.code, 'revoked').to.equal(209);
  });
});
let betterAuthUrl: string;

describe('Parse Server', () => {
  useParseServer((config) => (parse = config));
  twoStepSuite({
    name: 'Parse Server (mfa adapter)',
    attributes: () => ({ 'app-id': parse.appId, 'server-url': parse.proxyServerURL }),
    newAccount: async () => ({ login: (await signUpRest()).username, password: parsePassword }),
    storageKey: () => `Parse/${parse.appId}/currentUser`,
    recoveryCodes: 2,
  });
});

describe('Better Auth', () => {
  useBetterAuthServer((config) => (betterAuthUrl = config.serverUrl));
  twoStepSuite({
    name: 'Better Auth (twoFactor plugin)',
    attributes: () => ({ backend: 'better-auth', 'server-url': betterAuthUrl }),
    newAccount: async () => {
      const account = newAccount('tf');
      await createUser(account);
      return { login: account.username, password: account.password };
    },
    storageKey: () => `user-session/better-auth@${betterAuthUrl}`,
    recoveryCodes: 10,
  });
});
