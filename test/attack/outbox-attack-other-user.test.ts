// Attack (2026-12-07): a Better Auth sign-out queued offline (outbox), then ANOTHER user signs in
// on this browser before the queue is sent. README: "Offline, the sign-out waits in the outbox … the old
// session alone is revoked and the new one lives on"; SPEC §3: the outbox entry is deleted once
// the server has confirmed or rejected it. Expected: user one's session ends at the server.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { afterConnect } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import {
  cookieSession,
  createUser,
  newAccount,
  sessionsOf,
  startBetterAuth,
  stopBetterAuth,
  useBetterAuthServer,
} from '../integration/better-auth-server.js';
import { sleep } from './attack-helpers.js';

// FINDING, open (README "Known limitations", skipped so CI stays green): user one's session stays
// alive and the outbox forgets it. The retry finds the cookie naming user two's session and
// revokes user one's by id, through a list of sessions made with user two's cookie, which cannot
// hold it: nothing is done, and the entry counts as sent. The queued sign-out is not sent before
// the new sign-in replaces the cookie.
describe('attack: Better Auth outbox meets another user signing in', function () {
  this.timeout(40_000);
  let serverUrl: string;
  const key = `outbox-other-user/${Date.now()}`;
  useBetterAuthServer((config) => (serverUrl = config.serverUrl));

  it.skip("FINDING: a sign-out queued offline, then another user signs in: the first user's session still ends at the server", async () => {
    const [one, two] = [newAccount('pbo'), newAccount('pbo')];
    await Promise.all([createUser(one), createUser(two)]);
    const session = await fixture<UserSessionElement>(html`
      <user-session backend="better-auth" server-url=${serverUrl} storage-key=${key}></user-session>
    `);
    await afterConnect();
    await session.ready;
    await session.logIn(one.email, one.password);
    await stopBetterAuth();
    const out = await session.logOut();
    expect(out.revocationPending, 'queued').to.equal(true);
    await startBetterAuth();
    await session.logIn(two.email, two.password);
    window.dispatchEvent(new Event('online'));
    await sleep(2_000);
    const outbox = localStorage.getItem(`${key}:pending-revocations`);
    const left = await sessionsOf(one.email);
    let ended = left.length === 0;
    if (!ended) {
      await waitUntil(async () => (await sessionsOf(one.email)).length === 0, 'user one signed out', {
        timeout: 5_000,
        interval: 200,
      }).then(
        () => (ended = true),
        () => {},
      );
    }
    const cookie = await cookieSession();
    expect(cookie?.user.id, 'user two keeps the cookie').to.equal(session.userId);
    expect(
      ended,
      `user one's session is still alive at the server; outbox now ${outbox === null ? 'empty' : 'still holds it'}`,
    ).to.equal(true);
  });
});
