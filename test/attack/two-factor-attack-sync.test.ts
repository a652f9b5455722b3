// Attack: twoFactorEnabled across elements and reloads; reset()/removal while the first code is being confirmed.
import { expect } from '@open-wc/testing';
import { AuthError } from '../../src/errors.js';
import { onBothServers, page, enrol, signIn, beginScan, code, type Server } from './two-factor-attack-helpers.js';
import { proxy } from '../integration/parse-server.js';
import { betterAuthFault } from '../integration/better-auth-server.js';
import { recordEvents } from '../helpers/fixtures.js';

const setFault = (server: Server, fault: Record<string, unknown> | null) =>
  server.kind === 'parse' ? proxy.setFault(fault as never) : betterAuthFault(fault as never);

async function twoFactorOn(server: Server, account: { login: string; password: string }): Promise<boolean> {
  const p = await page(server);
  const error = await p.session.logIn(account.login, account.password).then(
    () => null,
    (e: AuthError) => e,
  );
  if (!error) await p.session.logOut();
  p.session.remove();
  return error?.code === 'second-factor-required';
}

onBothServers((server) => {
  describe(`two-factor state in step on ${server.name}`, function () {
    this.timeout(60_000);

    it('a second <user-session> on the key follows twoFactorEnabled on and off without a sign-out (no logged-out)', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      const other = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      await new Promise((r) => setTimeout(r, 100));
      const changes = recordEvents(other.session, ['user-change', 'logged-out', 'logged-in']);
      const mine = recordEvents(p.session, ['logged-out', 'logged-in']);
      const log = () => changes.map((e) => `${e.type}:${e.detail.reason ?? e.detail.user?.twoFactorEnabled}`).join(',');
      const { secret } = await beginScan(p, account);
      p.enable.code = code(secret);
      expect(await p.enable.do()).to.equal(true);
      expect(p.enable.step).to.equal('codes');
      const afterEnable = log();
      await new Promise((r) => setTimeout(r, 300));
      expect(other.session.user?.twoFactorEnabled, 'other element after enabling').to.equal(true);
      p.enable.reset();
      p.field('settings', 'password').value = account.password;
      expect(await p.disable.do()).to.equal(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(other.session.user?.twoFactorEnabled, 'other element after disabling').to.equal(false);
      const afterDisable = log().slice(afterEnable.length);
      expect({ afterEnable, afterDisable, mine: mine.map((e) => `${e.type}:${e.detail.reason}`) }).to.deep.equal({
        afterEnable: 'user-change:true',
        afterDisable: ',user-change:false',
        mine: [],
      });
    });

    it('after a reload (new element restoring the session) and refresh(), twoFactorEnabled is still true', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      await enrol(p, account);
      p.session.remove();
      const q = await page(server);
      expect(q.session.authenticated).to.equal(true);
      expect(q.session.user?.twoFactorEnabled, 'restored').to.equal(true);
      await q.session.refresh();
      expect(q.session.user?.twoFactorEnabled, 'after refresh').to.equal(true);
    });

    it('reset() while the first code is being confirmed: if the server turned it on, the recovery codes were given (success)', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const { secret } = await beginScan(p, account);
      let succeeded = false;
      p.enable.addEventListener('success', () => (succeeded = true));
      await setFault(server, { delayMs: 800, times: 1, method: server.kind === 'parse' ? 'PUT' : 'POST' });
      p.enable.code = code(secret);
      const run = p.enable.do();
      await new Promise((r) => setTimeout(r, 100));
      p.enable.reset();
      await run;
      await new Promise((r) => setTimeout(r, 900));
      const flag = p.session.user?.twoFactorEnabled;
      await p.session.logOut();
      const on = await twoFactorOn(server, account);
      expect({ serverOn: on, recoveryCodesGiven: succeeded, flag: flag ?? false }).to.deep.equal({
        serverOn: on,
        recoveryCodesGiven: on,
        flag: on,
      });
    });

    it('the element removed while the first code is being confirmed: user.twoFactorEnabled still follows the server', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const { secret } = await beginScan(p, account);
      await setFault(server, { delayMs: 800, times: 1, method: server.kind === 'parse' ? 'PUT' : 'POST' });
      p.enable.code = code(secret);
      const run = p.enable.do();
      await new Promise((r) => setTimeout(r, 100));
      p.enable.remove();
      await run;
      await new Promise((r) => setTimeout(r, 900));
      const flag = p.session.user?.twoFactorEnabled ?? false;
      const signedIn = p.session.authenticated;
      await p.session.logOut();
      const on = await twoFactorOn(server, account);
      expect({ signedIn, flag }).to.deep.equal({ signedIn: true, flag: on });
    });
  });
});
