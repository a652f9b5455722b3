// <set-user-properties-action> against a real Parse Server 9 on a real PostgreSQL
// (scripts/wtr-parse-plugin.mjs), through the fault proxy: `PUT /users/<id>` with the session.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { SetUserPropertiesActionElement } from '../../src/elements/set-user-properties-action.js';
import {
  proxy,
  rest,
  signUpRest,
  startServer,
  stopServer,
  storeSession,
  stored,
  uniqueName,
  until,
  whoAmI,
  type ParseConfig,
  type RestUser,
  useParseServer,
} from './parse-server.js';

describe('Parse Server: <set-user-properties-action>', function () {
  let cfg: ParseConfig;

  useParseServer((config) => (cfg = config));

  /** A user signed in on an earlier page load, and a page with a profile form. */
  async function profilePage(via: 'proxy' | 'direct' = 'proxy') {
    const existing = await signUpRest(uniqueName('props'));
    storeSession(cfg.appId, existing);
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${via === 'proxy' ? cfg.proxyServerURL : cfg.serverURL}>
        <form>
          <input name="email" type="email" />
          <input name="favouriteColour" />
          <set-user-properties-action><button type="submit">Save</button></set-user-properties-action>
        </form>
      </user-session>
    `);
    await afterConnect();
    await until(() => !session.pending, 'the check on connect');
    expect(session.userId).to.equal(existing.objectId);
    await proxy.reset();
    const form = session.querySelector('form')!;
    const fill = (values: Record<string, string>) => {
      for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
    };
    const action = session.querySelector<SetUserPropertiesActionElement>('set-user-properties-action')!;
    return { existing, session, form, fill, action, button: form.querySelector('button')! };
  }

  const userPath = (user: RestUser) => `/parse/users/${user.objectId}`;

  it('sets the email and a custom field on the server with one request; the user shows them, email unverified', async () => {
    const { existing, session, fill, action, button } = await profilePage();
    const email = `${existing.username}@changed.example`;
    fill({ email, favouriteColour: 'teal' });
    const changes = recordEvents(session, ['user-change', 'logged-out']);
    const success = oneEvent(action, 'success');
    button.click();
    const { detail } = await success;

    expect(detail.user).to.include({ id: existing.objectId, username: existing.username, email, favouriteColour: 'teal' });
    expect(detail.user.emailVerified).to.equal(false);
    expect(detail.user).not.to.have.property('sessionToken');
    expect(detail.user).to.deep.equal(session.user);
    expect(changes.map((e) => e.type)).to.deep.equal(['user-change']);

    // The server has them (read back with plain REST, as any page could).
    const me = await whoAmI(existing.sessionToken);
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ objectId: existing.objectId, email, favouriteColour: 'teal' });

    // Storage keeps the Parse SDK's shape, the new fields and the same session.
    expect(stored(cfg.appId)).to.include({
      objectId: existing.objectId,
      email,
      favouriteColour: 'teal',
      sessionToken: existing.sessionToken,
    });

    // One request, to the user's own object (another origin: the SDK's POST form, `_method: PUT` in the body).
    const { requests } = await proxy.log();
    expect(requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([`POST ${userPath(existing)}`]);

    // The server's word wins at the next check: emailVerified is what /users/me says.
    await session.refresh();
    expect(session.user?.emailVerified).to.equal(me.body.emailVerified);
    expect(session.email).to.equal(email);
  });

  it('a reserved field is refused with bad-request and no request reaches the server', async () => {
    const { existing, session, action } = await profilePage();
    for (const properties of [
      { username: 'eve' },
      { emailVerified: true },
      { ACL: { '*': { write: true } } },
      { _rperm: ['*'] },
    ]) {
      action.properties = properties;
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('bad-request');
    }
    const { requests, preflights } = await proxy.log();
    expect(requests).to.deep.equal([]);
    expect(preflights).to.deep.equal([]);
    expect(session.username).to.equal(existing.username);
    const me = await whoAmI(existing.sessionToken);
    expect(me.body.username).to.equal(existing.username);
  });

  it('server down: failure network, nothing changed here or on the server', async function () {
    this.timeout(30_000);
    // Straight to the server: the proxy would answer for it (502).
    const { existing, session, fill, action } = await profilePage('direct');
    const before = localStorage.getItem(`Parse/${cfg.appId}/currentUser`);
    const userBefore = session.user;
    fill({ favouriteColour: 'red' });
    const changes = recordEvents(session, ['user-change', 'logged-out']);
    await stopServer();
    try {
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      const { error } = (await failure).detail;
      expect(error.code).to.equal('network');
      expect(action.error).to.equal(error.message);
      expect(session.user).to.equal(userBefore);
      expect(session.authenticated).to.equal(true);
      expect(localStorage.getItem(`Parse/${cfg.appId}/currentUser`)).to.equal(before);
      expect(changes).to.deep.equal([]);
    } finally {
      await startServer();
    }
    const me = await whoAmI(existing.sessionToken);
    expect(me.body).not.to.have.property('favouriteColour');
  });

  it('a session ended elsewhere: failure invalid-session, signed out as session-lost', async () => {
    const { existing, session, fill, action } = await profilePage();
    expect((await rest('POST', '/logout', { token: existing.sessionToken })).status).to.equal(200);
    fill({ favouriteColour: 'red' });
    const loggedOut = oneEvent(session, 'logged-out');
    const failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('invalid-session');
    expect((await loggedOut).detail.reason).to.equal('session-lost');
    expect(stored(cfg.appId)).to.equal(null);
  });
});
