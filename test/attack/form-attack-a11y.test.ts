// Outside attack: accessible names, busy state, focus and announcements of the action elements in
// forms, with the keyboard (real Parse Server through its fault proxy).
import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../helpers/safe-errors.js';
import { sleep, deepActive, totp, formPage } from './form-attack-helpers.js';
import '../../src/two-factor.js';
import { recordEvents } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import { password, proxy, signUpRest, uniqueName, useParseServer, type ParseConfig } from '../integration/parse-server.js';

describe('form attack: accessibility and keyboard (real Parse Server)', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  const page = (inner: ReturnType<typeof html>) => formPage(cfg, inner);

  for (const [tag, fallback] of [
    ['log-in-action', 'Log in'],
    ['sign-up-action', 'Sign up'],
    ['set-user-properties-action', 'Save'],
    ['request-password-reset-action', 'Reset password'],
    ['request-verification-email-action', 'Send verification email'],
  ] as const) {
    it(`<${tag}> label variants: blank or whitespace shows "${fallback}", markup-like text stays text`, async () => {
      const session = await page(
        html`<form>
          <div id="blank"></div>
          <div id="ws"></div>
          <div id="markup"></div>
        </form>`,
      );
      const make = (label: string) => {
        const el = document.createElement(tag);
        el.setAttribute('label', label);
        return el;
      };
      const blank = make('');
      const ws = make('   \n\t ');
      const markup = make('<img src=x onerror="window.__pwned=1"> & <b>Go</b>');
      session.querySelector('#blank')!.append(blank);
      session.querySelector('#ws')!.append(ws);
      session.querySelector('#markup')!.append(markup);
      await sleep(50);
      const text = (el: Element) => el.shadowRoot!.querySelector('button')!.textContent!.trim();
      expect(text(blank)).to.equal(fallback);
      expect(text(ws), 'whitespace-only label').to.equal(fallback);
      expect(text(markup)).to.equal('<img src=x onerror="window.__pwned=1"> & <b>Go</b>');
      expect(markup.shadowRoot!.querySelector('img')).to.equal(null);
      // label removed again: back to the default text
      markup.removeAttribute('label');
      await sleep(20);
      expect(text(markup)).to.equal(fallback);
    });
  }

  it('the form removed while a log-in is in flight: the result is still reported, busy cleared', async () => {
    const user = await signUpRest(uniqueName('removed'));
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" .value=${user.username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    await proxy.setFault({ delayMs: 2000, path: '/parse/login' });
    const form = session.querySelector('form')!;
    form.requestSubmit();
    expect(action.busy, 'in flight when the form goes').to.equal(true);
    form.remove();
    await waitUntil(() => seen.length > 0, 'no result after the form left');
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(session.authenticated).to.equal(true);
    expect(action.hasAttribute('busy')).to.equal(false);
  });

  it('form.reset() after a failure: the next Enter runs again with the new values', async () => {
    const user = await signUpRest(uniqueName('reset'));
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" />
        <input name="password" type="password" aria-label="Password" />
        <log-in-action><button type="submit">Log in</button></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    const form = session.querySelector('form')!;
    const u = session.querySelector<HTMLInputElement>('[name=username]')!;
    const p = session.querySelector<HTMLInputElement>('[name=password]')!;
    u.value = user.username;
    p.value = 'wrong one';
    p.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length === 1, 'no first result');
    expect(seen[0]!.type).to.equal('failure');
    expect(action.error).to.not.equal('');
    form.reset();
    // Filled by script: WebKit's driver does not type text reliably; Enter is the key under test.
    u.value = user.username;
    p.value = password;
    p.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length === 2, 'no second result');
    expect(seen[1]!.type).to.equal('success');
    expect(action.error).to.equal('');
  });

  it('<request-password-reset-action> in a form: Enter in the email field sends one request; focus stays', async () => {
    const user = await signUpRest(uniqueName('mail'));
    const session = await page(html`
      <form>
        <input name="email" type="email" aria-label="Email" .value=${user.username + '@example.com'} />
        <request-password-reset-action></request-password-reset-action>
      </form>
    `);
    const action = session.querySelector('request-password-reset-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    const email = session.querySelector<HTMLInputElement>('[name=email]')!;
    email.focus();
    await proxy.setFault({ delayMs: 2000, path: '/parse/requestPasswordReset' });
    await sendKeys({ press: 'Enter' });
    await sleep(30);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length > 0, 'no result');
    await sleep(400);
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(seen[0]!.detail.email).to.equal(user.username + '@example.com');
    expect(await proxy.count('POST', '/parse/requestPasswordReset')).to.equal(1);
    expect(deepActive()).to.equal(email);
  });

  it('<request-verification-email-action> in a form with an email with spaces around: trimmed, one request', async () => {
    const user = await signUpRest(uniqueName('verify'));
    const session = await page(html`
      <form>
        <input name="email" aria-label="Email" .value=${'  ' + user.username + '@example.com  '} />
        <request-verification-email-action></request-verification-email-action>
      </form>
    `);
    const action = session.querySelector('request-verification-email-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector<HTMLInputElement>('[name=email]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen[0]!.type).to.equal('success');
    expect(seen[0]!.detail.email).to.equal(user.username + '@example.com');
  });

  it('<enable-two-factor-action> by keyboard: focus stays inside the element when the QR code and the codes show', async () => {
    const user = await signUpRest(uniqueName('mfa'));
    const session = await page(html`
      <form>
        <input name="nickname" aria-label="Nickname" />
        <enable-two-factor-action></enable-two-factor-action>
      </form>
    `);
    await session.logIn(user.username, password);
    const action = session.querySelector('enable-two-factor-action')! as HTMLElement & { step: string | null };
    const seen = recordEvents(action, ['setup', 'success', 'failure']);
    const button = action.shadowRoot!.querySelector<HTMLButtonElement>('[part~=button]')!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => action.getAttribute('step') === 'scan', 'no scan step');
    await sleep(100);
    const afterScan = deepActive();
    const setup = seen.find((e) => e.type === 'setup')!;
    expect(afterScan, 'focus after the QR code shows').to.not.equal(document.body);
    const input = action.shadowRoot!.querySelector<HTMLInputElement>('[part~=code-input]')!;
    // Filled by script: WebKit's driver does not reliably type into a field in a shadow root; Enter is the key under test.
    input.value = totp(setup.detail.secret);
    input.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => action.getAttribute('step') === 'codes', 'no codes step after Enter in the code field');
    await sleep(100);
    expect(deepActive(), 'focus after the codes show').to.not.equal(document.body);
  });

  it('<enable-two-factor-action>: a failure is written in a live region (role=status / aria-live)', async () => {
    const session = await page(html`<form><enable-two-factor-action></enable-two-factor-action></form>`);
    const action = session.querySelector('enable-two-factor-action')!;
    const seen = recordEvents(action, ['failure']);
    action.shadowRoot!.querySelector<HTMLButtonElement>('[part~=button]')!.click();
    await waitUntil(() => seen.length > 0, 'no failure when signed out');
    await sleep(50);
    const message = action.shadowRoot!.querySelector('[part~=message]')!;
    expect(message, 'message part').to.not.equal(null);
    expect(message.textContent!.trim()).to.not.equal('');
    const live =
      message.getAttribute('role') === 'status' || message.getAttribute('role') === 'alert' || message.hasAttribute('aria-live');
    expect(live, message.outerHTML).to.equal(true);
  });
});
