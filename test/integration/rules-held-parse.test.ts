// Issue 22, "rules no test holds", against the real Parse Server (scripts/wtr-parse-plugin.mjs)
// through its fault proxy: what is left in storage and what the server has, never the kit's
// insides. The unit versions, with held replies: test/rules-held.test.ts.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { AuthError } from '../../src/errors.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import { withWritesRefused } from '../helpers/refuse-writes.js';
import {
  password,
  proxy,
  signUpRest,
  storageKeyFor,
  storeSession,
  stored,
  uniqueName,
  until,
  useParseServer,
  whoAmI,
  type ParseConfig,
} from './parse-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Parse Server: rules no test held (issue 22)', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  /** A page with a `<user-session>` on the proxy, after the connecting task and its check. */
  async function page(): Promise<UserSessionElement> {
    const session = await fixture<UserSessionElement>(
      html`<user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}></user-session>`,
    );
    await afterConnect();
    await until(() => !session.pending, 'the check on connect');
    return session;
  }

  it('rule 1: signed in while Web Storage refused the write, refresh() after it accepts again stores the session there (no log-out between)', async () => {
    const session = await page();
    const name = uniqueName('refused');
    const key = storageKeyFor(cfg.appId);
    await withWritesRefused(() => session.signUp(name, password));
    expect(session).to.have.attribute('authenticated');
    expect(localStorage.getItem(key), 'nothing in Web Storage while it refuses').to.equal(null);

    expect((await session.refresh())?.username).to.equal(name);
    const saved = stored(cfg.appId);
    expect(saved, 'the refreshed session is in localStorage, in the SDK format').to.include({
      username: name,
      className: '_User',
    });
    expect(saved!.objectId).to.equal(session.userId);
    expect((await whoAmI(String(saved!.sessionToken))).body.username, 'a live session on the server').to.equal(name);
  });

  describe('rule 2: a late updateUser reply does not write over what is stored now (the server took the update)', () => {
    it('the reply comes after a log-out here (scope local: the session stays live on the server): nothing is stored again', async () => {
      const session = await page();
      await session.signUp(uniqueName('late'), password);
      const token = String(stored(cfg.appId)?.sessionToken);
      const path = `/parse/users/${session.userId}`;
      await proxy.setFault({ hold: true, method: 'POST', path, times: 1 });
      const update = session.updateUser({ plan: 'pro' });
      await proxy.seen('POST', path);

      const result = await session.logOut({ scope: 'local' });
      expect(result).to.include({ ok: true, signedOutLocally: true });
      const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
      expect(await proxy.release(), 'the update was still out').to.equal(1);
      expect((await update).plan, 'the server answered the update').to.equal('pro');
      await sleep(100);
      expect((await whoAmI(token)).body.plan, 'the server has it').to.equal('pro');
      expect(stored(cfg.appId), 'the late reply stored nothing').to.equal(null);
      expect(session).not.to.have.attribute('authenticated');
      expect(events).to.have.length(0);
    });

    it('the reply comes after the Parse SDK (page code) signed someone else in: their session stays stored', async () => {
      const session = await page();
      await session.signUp(uniqueName('late'), password);
      const token = String(stored(cfg.appId)?.sessionToken);
      const path = `/parse/users/${session.userId}`;
      await proxy.setFault({ hold: true, method: 'POST', path, times: 1 });
      const update = session.updateUser({ plan: 'pro' });
      await proxy.seen('POST', path);

      const grace = await signUpRest(uniqueName('grace'));
      storeSession(cfg.appId, grace); // as the SDK would: no event on this page
      expect(await proxy.release(), 'the update was still out').to.equal(1);
      expect((await update).plan).to.equal('pro');
      expect((await whoAmI(token)).body.plan, 'the server took the update').to.equal('pro');
      const now = stored(cfg.appId);
      expect(now, "grace's session, untouched").to.include({ username: grace.username, sessionToken: grace.sessionToken });
      expect(now).not.to.have.property('plan');
      expect(session.username).to.equal(grace.username);
    });
  });

  it('rule 4c: listSessions on the old session, answered 209 after a new sign-in, does not sign the new session out', async () => {
    const session = await page();
    const name = uniqueName('lists');
    await session.signUp(name, password);
    const oldToken = String(stored(cfg.appId)?.sessionToken);
    // Held until the sign-in below (a log-out and a log-in: two requests) has finished. A fixed
    // delay was not enough under load in CI (1.5 s in Firefox, 4 s in WebKit with three engines
    // at once): the listing reached the server while the old session was still live. The
    // element's request limit is raised above what a slow sign-in takes.
    session.timeout = 20_000;
    await proxy.setFault({ hold: true, method: 'POST', path: '/parse/sessions', times: 1 });
    const listing = session.listSessions().then(
      () => null,
      (e: AuthError) => e,
    );
    await proxy.seen('POST', '/parse/sessions');

    await session.logIn(name, password); // over the active session: that one is revoked first
    const fresh = stored(cfg.appId);
    expect(fresh?.sessionToken).not.to.equal(oldToken);
    expect((await whoAmI(oldToken)).status, 'the old session is gone on the server').not.to.equal(200);
    const events = recordEvents(session, ['logged-out', 'logged-in']);
    // Parse caches a session's user for 5 s (cacheTTL): a request racing the log-out's delete
    // (the kit's own check, say) can put the old session back in that cache, and a listing let
    // through inside the window is answered as if it were alive (WebKit, fresh-clone CI of 0a1f99f).
    await sleep(5500);
    expect(await proxy.release(), 'the listing was still out').to.equal(1);
    const error = await listing;
    expect(error?.code, 'the server refused the old session').to.equal('invalid-session');
    await sleep(100);
    expect(session).to.have.attribute('authenticated');
    expect(stored(cfg.appId)).to.deep.equal(fresh);
    expect((await whoAmI(String(fresh!.sessionToken))).status).to.equal(200);
    expect(events).to.have.length(0);
  });
});
