// Attack: the enrolment API and elements used out of order, concurrently, across accounts.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { AuthError } from '../../src/errors.js';
import '../../src/define/memory-backend.js';
import { MemoryBackend } from '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { afterConnect } from '../helpers/fixtures.js';
import { onBothServers, page, enrol, signIn, beginScan, code, type Server } from './two-factor-attack-helpers.js';

type TwoFactorSession = UserSessionElement & {
  beginTwoFactor(o?: { password?: string }): Promise<{ uri: string; secret: string }>;
  enableTwoFactor(code: string): Promise<{ recoveryCodes: string[] }>;
  disableTwoFactor(o?: { password?: string }): Promise<void>;
};

async function rejection(promise: Promise<unknown>): Promise<AuthError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (e) {
    return e as AuthError;
  }
}

async function twoFactorOn(server: Server, account: { login: string; password: string }): Promise<boolean> {
  const p = await page(server);
  const error = await rejection(p.session.logIn(account.login, account.password));
  const on = error?.code === 'second-factor-required';
  if (!error) await p.session.logOut();
  p.session.remove();
  return on;
}

onBothServers((server) => {
  describe(`two-factor enrolment attacks on ${server.name}`, function () {
    this.timeout(60_000);

    it('enableTwoFactor() without beginTwoFactor() is bad-request', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const s = p.session as TwoFactorSession;
      const error = await rejection(s.enableTwoFactor('123456'));
      expect(error).to.be.instanceOf(AuthError);
      expect(error!.code).to.equal('bad-request');
    });

    it('signed out: beginTwoFactor, enableTwoFactor, disableTwoFactor are bad-request', async () => {
      const p = await page(server);
      const s = p.session as TwoFactorSession;
      for (const [name, run] of [
        ['begin', () => s.beginTwoFactor({ password: 'x' })],
        ['enable', () => s.enableTwoFactor('123456')],
        ['disable', () => s.disableTwoFactor({ password: 'x' })],
      ] as const) {
        const error = await rejection(run());
        expect(error, name).to.be.instanceOf(AuthError);
        expect(error!.code, name).to.equal('bad-request');
      }
      const failure = oneEvent(p.disable, 'failure');
      expect(await p.disable.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('bad-request');
      const failure2 = oneEvent(p.enable, 'failure');
      expect(await p.enable.do()).to.equal(false);
      expect((await failure2).detail.error.code).to.equal('bad-request');
    });

    it('enableTwoFactor() twice with the same code: the second is refused and gives no new recovery codes', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const s = p.session as TwoFactorSession;
      const { secret } = await s.beginTwoFactor({ password: account.password });
      const c = code(secret);
      const first = await s.enableTwoFactor(c);
      expect(first.recoveryCodes.length).to.be.greaterThan(0);
      const second = await rejection(s.enableTwoFactor(c));
      expect(second, 'second enable').to.be.instanceOf(AuthError);
      expect(['bad-request', 'invalid-code']).to.include(second!.code);
    });

    it('FINDING: concurrent enableTwoFactor() calls (a double submit): they join one confirmation, and the recovery codes shown work', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const s = p.session as TwoFactorSession;
      const { secret } = await s.beginTwoFactor({ password: account.password });
      const c = code(secret);
      const results = await Promise.allSettled([s.enableTwoFactor(c), s.enableTwoFactor(c), s.enableTwoFactor(c)]);
      const outcome = results.map((r) => (r.status === 'rejected' ? (r.reason as AuthError).code : 'ok'));
      const ok = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ recoveryCodes: string[] }>[];
      for (const r of results) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(AuthError);
      const signedIn = p.session.authenticated;
      const flag = p.session.user?.twoFactorEnabled;
      await p.session.logOut();
      const on = await twoFactorOn(server, account);
      // Which of the recovery-code sets shown to the caller still sign in?
      const working: boolean[] = [];
      // Calls that joined one confirmation show the same codes: each distinct set is tried once.
      const sets = [...new Map(ok.map((set) => [set.value.recoveryCodes.join(), set])).values()];
      expect(sets.length, 'one set of recovery codes').to.equal(1);
      for (const set of sets) {
        const q = await page(server);
        const e = await rejection(
          q.session.logIn(account.login, account.password, { code: set.value.recoveryCodes[set.value.recoveryCodes.length - 1] }),
        );
        working.push(e === undefined);
        if (!e) await q.session.logOut();
        q.session.remove();
      }
      expect({
        outcome,
        signedIn,
        flag,
        serverHasTwoFactor: on,
        everyRecoveryCodeSetShownWorks: working.every(Boolean),
        codesShownIfOn: ok.length > 0 || !on,
        noMisconfigured: !outcome.includes('misconfigured'),
      }).to.deep.equal({
        outcome,
        signedIn: true,
        flag: true,
        serverHasTwoFactor: true,
        everyRecoveryCodeSetShownWorks: true,
        codesShownIfOn: true,
        noMisconfigured: true,
      });
    });

    it('two do() on <enable-two-factor-action> during the scan step join: one success event, its codes work', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const { secret } = await beginScan(p, account);
      (p.enable.shadowRoot!.querySelector('[part=code-input]') as HTMLInputElement).value = code(secret);
      const details: string[][] = [];
      p.enable.addEventListener('success', (e) => details.push([...(e as CustomEvent).detail.recoveryCodes]));
      const results = await Promise.all([p.enable.do(), p.enable.do()]);
      expect(results).to.deep.equal([true, true]);
      expect(details.length).to.equal(1);
      await p.session.logOut();
      expect(await signIn(p, account, details[0][0])).to.equal(true);
    });

    it('beginTwoFactor() then a sign-out then enableTwoFactor() is bad-request (README)', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const s = p.session as TwoFactorSession;
      const { secret } = await s.beginTwoFactor({ password: account.password });
      await p.session.logOut();
      expect(await signIn(p, account)).to.equal(true);
      const error = await rejection(s.enableTwoFactor(code(secret)));
      expect(error).to.be.instanceOf(AuthError);
      expect(error!.code).to.equal('bad-request');
      await p.session.logOut();
      expect(await twoFactorOn(server, account)).to.equal(false);
    });

    it("QR shown for A, B signs in through another <user-session> on the key (another tab), then A's code is confirmed: B's account must not get A's secret", async () => {
      const a = await server.newAccount();
      const b = await server.newAccount();
      const p = await page(server);
      const other = await page(server);
      expect(await signIn(p, a)).to.equal(true);
      const { secret } = await beginScan(p, a);
      expect(await signIn(other, b)).to.equal(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(p.session.username).to.equal(b.login);
      // whatever the element still shows, confirm the code with it
      p.enable.code = code(secret);
      p.field('settings', 'password').value = b.password;
      const ran = await p.enable.do();
      const bOn = await twoFactorOn(server, b);
      expect({ ran, step: p.enable.getAttribute('step'), bHasTwoFactor: bOn }).to.deep.include({ bHasTwoFactor: false });
      expect(p.enable.getAttribute('step'), 'the old secret left the element').to.not.equal('codes');
    });

    it('QR shown, then the same user signs in again in another <user-session> (new session): success is reported only if it is on', async () => {
      const a = await server.newAccount();
      const p = await page(server);
      const other = await page(server);
      expect(await signIn(p, a)).to.equal(true);
      const { secret } = await beginScan(p, a);
      expect(await signIn(other, a)).to.equal(true);
      await new Promise((r) => setTimeout(r, 200));
      const stepAfter = p.enable.getAttribute('step');
      let succeeded = false;
      p.enable.addEventListener('success', () => (succeeded = true));
      p.enable.code = code(secret);
      p.field('settings', 'password').value = a.password;
      await p.enable.do();
      const on = await twoFactorOn(server, a);
      expect({ stepAfter, succeeded }).to.deep.equal({ stepAfter, succeeded: on });
    });

    it('disableTwoFactor(): wrong password (Better Auth) / signed-in session (Parse) behaves as documented', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      await enrol(p, account);
      p.enable.reset();
      const s = p.session as TwoFactorSession;
      if (server.kind === 'better-auth') {
        const wrong = await rejection(s.disableTwoFactor({ password: 'wrong password!' }));
        expect(wrong?.code).to.equal('invalid-credentials');
        const none = await rejection(s.disableTwoFactor({}));
        expect(none?.code).to.equal('bad-request');
      }
      await s.disableTwoFactor({ password: account.password });
      expect(p.session.user?.twoFactorEnabled).to.equal(false);
      const again = await rejection(s.disableTwoFactor({ password: account.password }));
      expect(again === undefined || again instanceof AuthError).to.equal(true);
    });

    it('junk passed to beginTwoFactor / enableTwoFactor never throws synchronously and rejects with AuthError', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const s = p.session as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      for (const arg of [undefined, null, 42, 'str', { password: 42 }, { password: { toString: () => account.password } }]) {
        let sync: unknown;
        let promise: Promise<unknown> | undefined;
        try {
          promise = s.beginTwoFactor(arg);
        } catch (e) {
          sync = e;
        }
        expect(sync, `sync throw for ${JSON.stringify(arg)}`).to.equal(undefined);
        await promise!.catch((e) => expect(e, `begin(${JSON.stringify(arg)})`).to.be.instanceOf(AuthError));
      }
      for (const arg of [undefined, null, 42, {}, [], '']) {
        let sync: unknown;
        let promise: Promise<unknown> | undefined;
        try {
          promise = s.enableTwoFactor(arg);
        } catch (e) {
          sync = e;
        }
        expect(sync).to.equal(undefined);
        const e = await promise!.then(
          () => 'resolved',
          (err) => err,
        );
        expect(e, `enable(${JSON.stringify(arg)})`).to.be.instanceOf(AuthError);
      }
    });
  });
});

describe('two-factor on a backend without it', function () {
  this.timeout(20_000);
  it('memory backend: beginTwoFactor / enableTwoFactor / disableTwoFactor / logIn with code are misconfigured', async () => {
    localStorage.clear();
    const session = await fixture<TwoFactorSession>(html`<user-session storage-key="tfa/memory"></user-session>`);
    session.backend = new MemoryBackend({ users: [{ username: 'ada', password: 'pw' }] });
    await afterConnect();
    await session.logIn('ada', 'pw');
    expect(session.authenticated).to.equal(true);
    for (const [name, run] of [
      ['begin', () => session.beginTwoFactor({ password: 'pw' })],
      ['enable', () => session.enableTwoFactor('123456')],
      ['disable', () => session.disableTwoFactor({ password: 'pw' })],
    ] as const) {
      const error = await rejection(run());
      expect(error, name).to.be.instanceOf(AuthError);
      expect(error!.code, name).to.equal('misconfigured');
    }
    await session.logOut();
    const error = await rejection(session.logIn('ada', 'pw', { code: '123456' } as never));
    expect(error?.code, 'logIn with code on memory').to.equal('misconfigured');
    expect(session.authenticated).to.equal(false);
  });
});
