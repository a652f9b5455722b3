// Outside attack probes (issue 22): the outbox keeps a token to its own server, but what about the
// LIVE session when server-url changes, or when two elements share the default key
// (Parse/<app-id>/currentUser does not name the server) with different server-urls?
// FAILED before the fix (now pass): 'server-url changed while signed in, then log-out …' and
// '… then refresh() …' (a backend change to another server now ends the session at its own
// server first). The connect-only variant passed before too.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import {
  collector,
  password,
  proxy,
  stored,
  uniqueName,
  useParseServer,
  whoAmI,
  type ParseConfig,
} from '../integration/parse-server.js';

describe('meet-attack: a live session and a changed / second server-url', function () {
  this.timeout(40_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  async function signedIn() {
    const session = await fixture<UserSessionElement>(
      html`<user-session app-id=${cfg.appId} server-url=${cfg.serverURL}></user-session>`,
    );
    await session.signUp(uniqueName('swap'), password);
    return { session, token: String(stored(cfg.appId)?.sessionToken) };
  }

  // FINDING [medium]: issue 22 keeps a QUEUED revocation to its own server ("a token never reaches
  // another server when the page swaps backends"), but the live session is not tied to its server:
  // after `server-url` changes, the next log-out sends the old server's token to the new one, which
  // may answer 200 — the user is told `revoked: true` while the session is still valid on the
  // server that issued it.
  it('server-url changed while signed in, then log-out: the token never reaches the new origin; it is revoked (or queued) at its own server', async () => {
    await collector.reset();
    const { url: elsewhere } = await collector.info();
    const { session, token } = await signedIn();
    session.serverUrl = `${elsewhere}/parse`;
    await session.updateComplete;
    const result = await session.logOut();
    const leaked = (await collector.requests([token])).filter((r) => r.leaked.length > 0).map((r) => `${r.method} ${r.path}`);
    const live = (await whoAmI(token)).status;
    expect({ leaked, claimedRevoked: result.revoked && live === 200 }).to.deep.equal({ leaked: [], claimedRevoked: false });
  });

  // FINDING [medium] (same cause): refresh() after the change sends the token to the new origin.
  it('server-url changed while signed in, then refresh(): the token never reaches the new origin', async () => {
    await collector.reset();
    const { url: elsewhere } = await collector.info();
    const { session, token } = await signedIn();
    session.serverUrl = `${elsewhere}/parse`;
    await session.updateComplete;
    await session.refresh().catch(() => undefined);
    const leaked = (await collector.requests([token])).filter((r) => r.leaked.length > 0).map((r) => `${r.method} ${r.path}`);
    expect(leaked).to.deep.equal([]);
  });

  // Passes as written only because the connect-time check is shared per key (one element asks
  // for all, at most every 30 s): see the refresh() variant below.
  it('a second <user-session> on the default key with another server-url: connecting it sends nothing of the first’s token there', async () => {
    await collector.reset();
    const { url: elsewhere } = await collector.info();
    const { token } = await signedIn();
    const second = await fixture<UserSessionElement>(
      html`<user-session app-id=${cfg.appId} server-url=${`${elsewhere}/parse`}></user-session>`,
    );
    await second.ready;
    const leaked = (await collector.requests([token])).filter((r) => r.leaked.length > 0).map((r) => `${r.method} ${r.path}`);
    expect(leaked).to.deep.equal([]);
    void proxy;
  });
  // Not held: two elements with the same app-id and different server-urls on one page (or a page
  // load after server-url changed) share the default key, which does not name the server; the
  // second element's refresh() asks its own server about the first's token. README, Known
  // limitations: give each server its own storage-key.
});
