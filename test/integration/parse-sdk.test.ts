// Interop with the real Parse JavaScript SDK (npm `parse`, its prebuilt browser bundle, loaded as
// a classic script like a page would): both read and write `Parse/<app-id>/currentUser`.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { afterConnect, clearStorage, recordEvents } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { loadParseSDK, type ParseSDK, type ParseUser } from '../helpers/parse-sdk.js';
import { parseConfig, password, signUpRest, stored, uniqueName, until, whoAmI, type ParseConfig } from './parse-server.js';

describe('Parse JavaScript SDK interop', function () {
  let cfg: ParseConfig;
  let Parse: ParseSDK;

  before(async function () {
    this.timeout(120_000);
    cfg = await parseConfig();
    Parse = await loadParseSDK(cfg.appId, cfg.serverURL);
  });

  beforeEach(() => {
    clearStorage();
    Parse.User._clearCache();
  });

  /** What the SDK sees after a page reload: its in-memory cache gone, storage read again. */
  function sdkAfterReload(): ParseUser | null {
    Parse.User._clearCache();
    return Parse.User.current();
  }

  async function page() {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.serverURL}><log-out-action></log-out-action></user-session>
    `);
    return { session, action: session.querySelector<LogOutActionElement>('log-out-action')! };
  }

  it('a user logged in with the SDK is signed in in <user-session>, and a log-out there signs the SDK out', async () => {
    const account = await signUpRest(uniqueName('sdk'));
    const sdkUser = await Parse.User.logIn(account.username, password);
    const sdkToken = sdkUser.getSessionToken();
    expect(sdkToken).to.match(/^r:/);

    const { session, action } = await page();
    expect(session.hasAttribute('authenticated')).to.equal(true);
    expect(session.userId).to.equal(sdkUser.id);
    expect(session.username).to.equal(account.username);
    expect(session.user).not.to.have.property('sessionToken');
    await afterConnect(); // "restored" announced, the check started
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    await until(() => !session.pending, 'validation');
    expect(session.hasAttribute('authenticated'), 'the server accepted the SDK session').to.equal(true);
    expect(session.email).to.equal(`${account.username}@example.com`);

    expect(await action.do()).to.equal(true);
    expect(events.map((e) => e.type)).to.deep.equal(['logged-out']);
    expect(sdkAfterReload(), 'the SDK has no current user after reload').to.equal(null);
    expect((await whoAmI(sdkToken)).body.code).to.equal(209);
    let refused: { code?: number } | undefined;
    await Parse.User.become(sdkToken).catch((e: { code?: number }) => (refused = e));
    expect(refused?.code, 'the SDK is refused its old token').to.equal(209);
  });

  it('a user logged in with <user-session> is the SDK current user; after a <log-out-action> log-out the SDK has none and its token is refused', async () => {
    const account = await signUpRest(uniqueName('elem'));
    const { session, action } = await page();
    const user = await session.logIn(account.username, password);

    const sdkUser = sdkAfterReload();
    expect(sdkUser, 'the SDK sees the user').not.to.equal(null);
    expect(sdkUser!.id).to.equal(user.id);
    expect(sdkUser!.get('username')).to.equal(account.username);
    expect(sdkUser!.get('email')).to.equal(`${account.username}@example.com`);
    const sdkToken = sdkUser!.getSessionToken();
    expect(sdkToken).to.equal(stored(cfg.appId)!.sessionToken);
    Parse.User._clearCache();
    expect((await Parse.User.currentAsync())?.id, 'currentAsync() agrees').to.equal(user.id);
    // The SDK can use that session for its own requests.
    const me = await Parse.User.become(sdkToken);
    expect(me.id).to.equal(user.id);

    expect(await action.do()).to.equal(true);
    expect(sdkAfterReload()).to.equal(null);
    Parse.User._clearCache();
    expect(await Parse.User.currentAsync()).to.equal(null);
    expect((await whoAmI(sdkToken)).body.code).to.equal(209);
  });
});
