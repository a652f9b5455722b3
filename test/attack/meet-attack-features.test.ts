// Outside attack probes (issue 22): where two features meet — refresh + log-out, many elements on
// one key + the outbox, a sign-in action overtaken.
// All pass (regression tests).
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { AuthError } from '../../src/errors.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { afterConnect, clearStorage, uncaught } from '../helpers/fixtures.js';
import { outboxKeyOf, ServerBackend, sessionOnKey, sleep } from './attack-helpers.js';

const KEY = 'meet/features';
const on = (backend: object, key = KEY) => sessionOnKey(backend, key);

describe('meet-attack: features meeting', function () {
  this.timeout(20_000);
  beforeEach(clearStorage);

  it('refresh() under way, then a log-out in another element: the late answer never brings the session back', async () => {
    const a = new ServerBackend('s');
    const one = await on(a);
    const two = await on(a);
    await one.logIn('ada', 'secret-pw');
    const gate = a.hold('currentUser');
    const refreshing = one.refresh().catch(() => undefined);
    await sleep(10);
    await two.logOut();
    gate.resolve();
    await refreshing;
    await sleep(50);
    expect({ stored: localStorage.getItem(KEY), one: one.authenticated, two: two.authenticated }).to.deep.equal({
      stored: null,
      one: false,
      two: false,
    });
  });

  it('ten elements on one key (same server), an `online`: each queued entry is sent once, not ten times', async () => {
    const a = new ServerBackend('s10');
    const els: UserSessionElement[] = [];
    for (let i = 0; i < 10; i++) els.push(await on(a));
    await els[0]!.logIn('ada', 'secret-pw');
    a.hold('logOut').reject(new AuthError('network'));
    await els[0]!.logOut();
    const before = a.count('logOut');
    localStorage.setItem(
      outboxKeyOf(KEY),
      JSON.stringify((JSON.parse(localStorage.getItem(outboxKeyOf(KEY))!) as object[]).map((e) => ({ ...e, retryAt: 0 }))),
    );
    window.dispatchEvent(new Event('online'));
    // The sender is read on first use: on a busy machine that alone can take longer than 300 ms.
    await waitUntil(() => a.count('logOut') > before, 'the queued entry was sent');
    await sleep(300);
    expect(a.count('logOut') - before).to.equal(1);
    expect(localStorage.getItem(outboxKeyOf(KEY))).to.equal(null);
  });

  it('an overtaken <log-in-action>: its failure says aborted, the later sign-in stays, nothing uncaught', async () => {
    const a = new ServerBackend();
    const root = await fixture<HTMLDivElement>(
      html`<div>
        <user-session id="s1" .backend=${a} storage-key=${KEY}><log-in-action></log-in-action></user-session>
        <user-session id="s2" .backend=${a} storage-key=${KEY}></user-session>
      </div>`,
    );
    await afterConnect();
    const action = root.querySelector('log-in-action') as HTMLElement & {
      username: string;
      password: string;
      do(): Promise<boolean>;
    };
    const s2 = root.querySelector<UserSessionElement>('#s2')!;
    action.username = 'ada';
    action.password = 'secret-pw';
    const gate = a.hold('logIn');
    const failure = oneEvent(action, 'failure');
    const run = action.do();
    await sleep(10);
    await s2.logIn('ada', 'secret-pw');
    gate.resolve();
    expect(await run).to.equal(false);
    expect((await failure).detail.error.code).to.equal('aborted');
    await waitUntil(() => a.activeSessions === 1, 'the overtaken session ended');
    expect(s2.authenticated).to.equal(true);
    expect(uncaught.length).to.equal(0);
  });
});
