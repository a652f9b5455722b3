// Attack: does the TOTP secret or a recovery code leak anywhere README/SPEC §11 forbids?
import { expect, oneEvent } from '@open-wc/testing';
import {
  onBothServers,
  page,
  enrol,
  signIn,
  beginScan,
  code,
  storageText,
  captureConsole,
  recordAll,
  safeJson,
} from './two-factor-attack-helpers.js';

const EVENTS = [
  'setup',
  'success',
  'failure',
  'logged-in',
  'logged-out',
  'user-change',
  'second-factor-required',
  'sessions-change',
  'click',
  'input',
  'change',
];

onBothServers((server) => {
  describe(`two-factor leaks on ${server.name}`, function () {
    this.timeout(40_000);

    it('secret and recovery codes appear only in setup/success, never in storage, user, console, other events', async () => {
      const account = await server.newAccount();
      const con = captureConsole();
      const p = await page(server);
      const rec = recordAll([window, document, p.session, p.enable, p.disable, p.logIn], EVENTS);
      try {
        const { secret, recoveryCodes } = await enrol(p, account);
        const secrets = [secret, ...recoveryCodes];
        // storage during / after
        const st = storageText();
        for (const s of secrets) expect(st, 'storage').not.to.include(s);
        expect(safeJson(p.session.user), 'user').not.to.include(secret);
        for (const s of secrets) expect(safeJson(p.session.user), 'user').not.to.include(s);
        // events other than setup/success
        const other = rec.seen.filter(
          (e) => !(e.target === 'enable-two-factor-action' && (e.type === 'setup' || e.type === 'success')),
        );
        for (const e of other) for (const s of secrets) expect(e.detail, `${e.target} ${e.type}`).not.to.include(s);
        // code property cleared
        expect(p.enable.code, 'code property cleared').to.equal(null);
        expect(p.enable.password, 'password property cleared').to.equal(null);
        // refresh and a log-in with a code: still nothing in storage / user
        await p.session.refresh();
        await p.session.logOut();
        expect(await signIn(p, account, code(secret, 1))).to.equal(true);
        await p.session.refresh();
        for (const s of secrets) {
          expect(storageText(), 'storage after code log-in').not.to.include(s);
          expect(safeJson(p.session.user), 'user after code log-in').not.to.include(s);
        }
        for (const line of con.lines) for (const s of secrets) expect(line, 'console').not.to.include(s);
      } finally {
        rec.stop();
        con.restore();
      }
    });

    it('"Done" takes the recovery codes out of the DOM, including the download link (no data: URL, blob revoked)', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      const { secret, recoveryCodes } = await enrol(p, account);
      const shadow = p.enable.shadowRoot!;
      const download = shadow.querySelector('[part=download]') as HTMLAnchorElement | null;
      const href = download?.getAttribute('href') ?? '';
      (shadow.querySelector('[part=done-button]') as HTMLButtonElement).click();
      await p.enable.updateComplete;
      const inner = shadow.innerHTML + p.enable.outerHTML;
      for (const s of [secret, ...recoveryCodes]) {
        expect(inner, 'shadow DOM after Done').not.to.include(s);
        expect(decodeURIComponent(inner), 'decoded shadow DOM').not.to.include(s);
      }
      expect(p.enable.hasAttribute('step')).to.equal(false);
      if (href.startsWith('blob:')) {
        let text = '';
        try {
          text = await (await fetch(href)).text();
        } catch {
          text = '';
        }
        expect(text, 'the blob behind "Download as text" still readable after Done').not.to.include(recoveryCodes[0]);
      }
    });

    it('removing the element during the codes step takes the codes out of its shadow DOM and revokes the blob', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      const { secret, recoveryCodes } = await enrol(p, account);
      const shadow = p.enable.shadowRoot!;
      const href = (shadow.querySelector('[part=download]') as HTMLAnchorElement | null)?.getAttribute('href') ?? '';
      p.enable.remove();
      await new Promise((r) => setTimeout(r, 50));
      for (const s of [secret, ...recoveryCodes])
        expect(decodeURIComponent(shadow.innerHTML), 'removed element').not.to.include(s);
      if (href.startsWith('blob:')) {
        let text = '';
        try {
          text = await (await fetch(href)).text();
        } catch {
          text = '';
        }
        expect(text, 'blob after removal').not.to.include(recoveryCodes[0]);
      }
    });

    it('sign-out during the scan step takes the secret (and the otpauth URI) out of the DOM', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const { secret } = await beginScan(p, account);
      const shadow = p.enable.shadowRoot!;
      expect(storageText(), 'storage during scan').not.to.include(secret);
      await p.session.logOut();
      await p.enable.updateComplete;
      expect(decodeURIComponent(shadow.innerHTML)).not.to.include(secret);
      expect(p.enable.hasAttribute('step')).to.equal(false);
    });

    it('sign-out during the codes step takes the recovery codes out of the DOM', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      const { recoveryCodes } = await enrol(p, account);
      const shadow = p.enable.shadowRoot!;
      await p.session.logOut();
      await p.enable.updateComplete;
      for (const s of recoveryCodes) expect(decodeURIComponent(shadow.innerHTML)).not.to.include(s);
    });

    it('errors after a wrong first code and a wrong log-in code never quote the secret or codes', async () => {
      const account = await server.newAccount();
      const p = await page(server);
      expect(await signIn(p, account)).to.equal(true);
      const { secret } = await beginScan(p, account);
      (p.enable.shadowRoot!.querySelector('[part=code-input]') as HTMLInputElement).value = '000000';
      const failure = oneEvent(p.enable, 'failure');
      expect(await p.enable.do()).to.equal(false);
      const { error } = (await failure).detail;
      const text = safeJson(error) + String(error.message) + String(error.stack) + safeJson(error.cause);
      expect(text).not.to.include(secret);
      expect(p.enable.getAttribute('step')).to.equal('scan');
    });
  });
});
