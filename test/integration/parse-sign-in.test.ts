// Sign-up and log-in against a real Parse Server 9 on a real PostgreSQL (scripts/wtr-parse-plugin.mjs),
// and the kit against a second Parse app with stock options (Parse's default CORS allow-list).
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { afterConnect, clearStorage, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { SignUpActionElement } from '../../src/elements/sign-up-action.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { AuthError } from '../../src/errors.js';
import {
  parseConfig,
  password,
  proxy,
  signUpRest,
  storeSession,
  stored,
  uniqueName,
  until,
  whoAmI,
  type ParseConfig,
  useParseServer,
} from './parse-server.js';

describe('Parse Server: sign-up and log-in', function () {
  let cfg: ParseConfig;

  useParseServer((config) => (cfg = config));

  async function formPage(action: 'sign-up-action' | 'log-in-action') {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}>
        <form>
          <input name="username" />
          <input name="password" type="password" />
          <input name="email" type="email" />
          ${
            action === 'sign-up-action'
              ? html`<sign-up-action><button type="submit">Create account</button></sign-up-action>`
              : html`<log-in-action><button type="submit">Log in</button></log-in-action>`
          }
        </form>
      </user-session>
    `);
    const form = session.querySelector('form')!;
    const fill = (username: string, pw: string, email = '') => {
      (form.elements.namedItem('username') as HTMLInputElement).value = username;
      (form.elements.namedItem('password') as HTMLInputElement).value = pw;
      (form.elements.namedItem('email') as HTMLInputElement).value = email;
    };
    const actionElement = session.querySelector<SignUpActionElement | LogInActionElement>(action)!;
    return { session, form, fill, action: actionElement, button: form.querySelector('button')! };
  }

  it('<sign-up-action> in a form creates the user on the server and signs in (one request, token only in storage)', async () => {
    const { session, fill, action, button } = await formPage('sign-up-action');
    const username = uniqueName('form');
    fill(username, password, `${username}@example.com`);
    const loggedIn = recordEvents(session, ['logged-in']);
    const success = oneEvent(action, 'success');
    button.click(); // click → do(), and the form's submit joins the same run
    const { detail } = await success;

    expect(detail.user.username).to.equal(username);
    expect(detail.user.email).to.equal(`${username}@example.com`);
    expect(detail.user.id).to.be.a('string').and.not.empty;
    expect(detail.user).not.to.have.property('sessionToken');
    expect(detail.user).not.to.have.property('password');
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(session.username).to.equal(username);
    expect(loggedIn.map((e) => e.detail.reason)).to.deep.equal(['sign-up']);

    // Storage holds the Parse SDK's shape, and the server knows that token.
    const saved = stored(cfg.appId)!;
    expect(saved.objectId).to.equal(detail.user.id);
    expect(saved.username).to.equal(username);
    expect(saved.sessionToken).to.match(/^r:/);
    expect(saved).not.to.have.property('password');
    const me = await whoAmI(String(saved.sessionToken));
    expect(me.status).to.equal(200);
    expect(me.body.objectId).to.equal(detail.user.id);
    expect(me.body.email).to.equal(`${username}@example.com`);

    expect(await proxy.count('POST', '/parse/users')).to.equal(1);
  });

  it('session.signUp() creates the user and signs in', async () => {
    const session = await fixture<UserSessionElement>(
      html`<user-session app-id=${cfg.appId} server-url=${cfg.serverURL}></user-session>`,
    );
    const username = uniqueName('api');
    const loggedIn = oneEvent(session, 'logged-in');
    const user = await session.signUp(username, password, { email: `${username}@example.com`, favouriteColour: 'teal' });
    expect((await loggedIn).detail.reason).to.equal('sign-up');
    expect(user.username).to.equal(username);
    expect(user.favouriteColour).to.equal('teal');
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(session.userId).to.equal(user.id);
    const me = await whoAmI(String(stored(cfg.appId)!.sessionToken));
    expect(me.status).to.equal(200);
    expect(me.body.username).to.equal(username);
    expect(me.body.favouriteColour).to.equal('teal');
  });

  it('<log-in-action> in a form logs an existing user in with a new server session', async () => {
    const existing = await signUpRest(uniqueName('login'));
    const { session, form, fill, action } = await formPage('log-in-action');
    fill(existing.username, password);
    const loggedIn = recordEvents(session, ['logged-in']);
    const success = oneEvent(action, 'success');
    form.requestSubmit();
    const { detail } = await success;

    expect(detail.user).to.include({
      id: existing.objectId,
      username: existing.username,
      email: `${existing.username}@example.com`,
    });
    expect(detail.user).not.to.have.property('sessionToken');
    expect(loggedIn.map((e) => e.detail.reason)).to.deep.equal(['log-in']);
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(action.error).to.equal('');
    const token = String(stored(cfg.appId)!.sessionToken);
    expect(token).not.to.equal(existing.sessionToken);
    expect((await whoAmI(token)).body.objectId).to.equal(existing.objectId);
    expect(await proxy.count('POST', '/parse/login')).to.equal(1);
  });

  it('a wrong password: failure with invalid-credentials (status and Parse code), nothing stored', async () => {
    const existing = await signUpRest(uniqueName('wrongpw'));
    const { session, fill, action, button } = await formPage('log-in-action');
    fill(existing.username, 'not the password');
    const loggedIn = recordEvents(session, ['logged-in']);
    const failure = oneEvent(action, 'failure');
    button.click();
    const { detail } = await failure;

    expect(detail.error).to.be.instanceOf(AuthError);
    expect(detail.error.code).to.equal('invalid-credentials');
    expect(detail.error.status).to.equal(404);
    expect(detail.error.serverCode).to.equal(101);
    expect(action.error).to.equal(detail.error.message);
    expect(action.error).not.to.equal('');
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(stored(cfg.appId)).to.equal(null);
    expect(loggedIn).to.have.length(0);
  });

  it('a taken username: failure with username-taken from <sign-up-action>, and session.signUp() rejects the same way', async () => {
    const existing = await signUpRest(uniqueName('taken'));
    const { session, fill, action, button } = await formPage('sign-up-action');
    fill(existing.username, password);
    const failure = oneEvent(action, 'failure');
    button.click();
    const { detail } = await failure;

    expect(detail.error.code).to.equal('username-taken');
    expect(detail.error.status).to.equal(400);
    expect(detail.error.serverCode).to.equal(202);
    expect(action.error).to.equal(detail.error.message);
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(stored(cfg.appId)).to.equal(null);

    let rejection: unknown;
    await session.signUp(existing.username, password).catch((e: unknown) => (rejection = e));
    expect(rejection).to.be.instanceOf(AuthError);
    expect((rejection as AuthError).code).to.equal('username-taken');
    expect(session.hasAttribute('authenticated')).to.equal(false);
  });
});

// The usual deployment: the page is served from another origin than the Parse API, which has
// Parse's default CORS allow-list: X-Parse-Master-Key, X-Parse-REST-API-Key, X-Parse-Javascript-Key,
// X-Parse-Application-Id, X-Parse-Client-Version, X-Parse-Session-Token, X-Requested-With,
// X-Parse-Revocable-Session, X-Parse-Request-Id, Content-Type, Pragma, Cache-Control.
// The test server has stock CORS options; these tests talk to it directly (the fault proxy would
// answer preflights itself and allow any header).
describe('Parse Server with stock CORS options, page on another origin', function () {
  let cfg: ParseConfig;

  before(async function () {
    this.timeout(120_000);
    cfg = await parseConfig();
    expect(new URL(cfg.serverURL).origin).not.to.equal(location.origin);
  });
  beforeEach(clearStorage);

  // Regression: ParseBackend used to send `X-Parse-Installation-Id` cross-origin; that header is
  // not in the default allow-list, so the preflight failed and every call ended as 'network'.
  it('signs up, then logs in, directly', async () => {
    const session = await fixture<UserSessionElement>(
      html`<user-session app-id=${cfg.appId} server-url=${cfg.serverURL}></user-session>`,
    );
    const username = uniqueName('cors');
    const user = await session.signUp(username, password);
    expect(user.username).to.equal(username);
    expect(session.hasAttribute('authenticated')).to.equal(true);
    await session.logOut({ scope: 'local' });
    expect((await session.logIn(username, password)).id).to.equal(user.id);
    expect(session.hasAttribute('authenticated')).to.equal(true);
  });

  it('validates a stored session and logs out directly: success, revoked, the token refused afterwards', async () => {
    const account = await signUpRest(uniqueName('cors-out'));
    storeSession(cfg.appId, account);
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.serverURL}><log-out-action></log-out-action></user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    expect(session.hasAttribute('authenticated')).to.equal(true);
    await afterConnect();
    await until(() => !session.pending, 'validation');
    expect(session.email, 'validated: fields from /users/me').to.equal(`${account.username}@example.com`);

    const result = Promise.race([oneEvent(action, 'success'), oneEvent(action, 'failure')]);
    await action.do();
    const event = await result;
    expect(event.type, event.detail.error?.message).to.equal('success');
    expect(event.detail).to.deep.equal({ scope: 'current', revoked: true });
    expect((await whoAmI(account.sessionToken)).body.code).to.equal(209);
  });
});
