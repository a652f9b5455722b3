// Outside attack: the action elements inside HTML forms, driven with the keyboard, against the
// real Parse Server (through its fault proxy, so the requests can be counted).
import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../helpers/safe-errors.js';
import { sleep, deepActive, formPage, logins, signups } from './form-attack-helpers.js';
import { recordEvents } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import { password, proxy, signUpRest, uniqueName, useParseServer, type ParseConfig } from '../integration/parse-server.js';

describe('form attack: actions in forms, keyboard (real Parse Server)', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  const page = (inner: ReturnType<typeof html>) => formPage(cfg, inner);

  it('Enter in the password field logs in when the form has only the default button (no page button)', async () => {
    const user = await signUpRest(uniqueName('enter'));
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" />
        <input name="password" type="password" aria-label="Password" />
        <log-in-action></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    // The fields filled by script: WebKit's driver does not type text reliably; Enter is the key under test.
    session.querySelector<HTMLInputElement>('[name=username]')!.value = user.username;
    const p = session.querySelector<HTMLInputElement>('[name=password]')!;
    p.value = password;
    p.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length > 0, 'no success/failure after Enter', { timeout: 4000 });
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(session.authenticated).to.equal(true);
  });

  it('Enter in the password field with the page submit button: one log-in; focus stays in the field', async () => {
    const user = await signUpRest(uniqueName('enter2'));
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" />
        <input name="password" type="password" aria-label="Password" />
        <log-in-action><button type="submit">Log in</button></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector<HTMLInputElement>('[name=username]')!.value = user.username;
    const pw = session.querySelector<HTMLInputElement>('[name=password]')!;
    pw.value = password;
    pw.focus();
    await proxy.setFault({ delayMs: 2000, path: '/parse/login' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Enter' });
    await sleep(50);
    expect(action.hasAttribute('busy')).to.equal(true);
    expect(action.getAttribute('aria-busy')).to.equal('true');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length > 0, 'no result');
    await sleep(300);
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(await logins()).to.equal(1);
    expect(deepActive()).to.equal(pw);
  });

  it('Tab order: username, password, the default log-in button, the default sign-up button', async () => {
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" />
        <input name="password" type="password" aria-label="Password" />
        <log-in-action></log-in-action>
        <sign-up-action></sign-up-action>
      </form>
    `);
    const logIn = session.querySelector('log-in-action')!;
    const signUp = session.querySelector('sign-up-action')!;
    session.querySelector<HTMLInputElement>('[name=username]')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(deepActive()).to.equal(session.querySelector('[name=password]'));
    await sendKeys({ press: 'Tab' });
    expect(deepActive()).to.equal(logIn.shadowRoot!.querySelector('button'));
    await sendKeys({ press: 'Tab' });
    expect(deepActive()).to.equal(signUp.shadowRoot!.querySelector('button'));
  });

  it('Space on the focused default button logs in once, busy is aria-disabled, focus kept after failure', async () => {
    const user = await signUpRest(uniqueName('space'));
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" />
        <input name="password" type="password" aria-label="Password" />
        <log-in-action></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const button = action.shadowRoot!.querySelector('button')!;
    session.querySelector<HTMLInputElement>('[name=username]')!.value = user.username;
    session.querySelector<HTMLInputElement>('[name=password]')!.value = 'wrong password';
    const seen = recordEvents(action, ['success', 'failure']);
    button.focus();
    await proxy.setFault({ delayMs: 2000, path: '/parse/login' });
    await sendKeys({ type: ' ' });
    await sleep(60);
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    expect(button.disabled).to.equal(false);
    expect(deepActive()).to.equal(button);
    await sendKeys({ type: ' ' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length > 0, 'no result');
    await sleep(300);
    expect(seen.map((e) => e.type)).to.deep.equal(['failure']);
    expect(seen[0]!.detail.error.code).to.equal('invalid-credentials');
    expect(await logins()).to.equal(1);
    expect(deepActive()).to.equal(button);
    expect(button.hasAttribute('aria-disabled') ? button.getAttribute('aria-disabled') : 'false').to.equal('false');
  });

  it('Enter on the focused default button of a sign-up in a form: one sign-up request', async () => {
    const username = uniqueName('enterbtn');
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" .value=${username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <sign-up-action></sign-up-action>
      </form>
    `);
    const action = session.querySelector('sign-up-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    action.shadowRoot!.querySelector('button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length > 0, 'no result');
    await sleep(200);
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(await signups()).to.equal(1);
  });

  it('a required field left empty: Enter does not send anything (the browser blocks the submit)', async () => {
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" required />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action><button type="submit">Log in</button></log-in-action>
      </form>
    `);
    session.querySelector<HTMLInputElement>('[name=password]')!.focus();
    await sendKeys({ press: 'Enter' });
    await sleep(300);
    expect(await logins()).to.equal(0);
  });

  // Found by this attack: a click on the default button skipped the form's checks (Enter did not).
  // Checked right after the click: no run starts (not busy) and the browser flags the field
  // (`invalid`); then nothing reached the server.
  for (const { what, tag, field, count } of [
    {
      what: 'sign-up, a required email left empty',
      tag: 'sign-up-action',
      field: html`<input name="email" type="email" aria-label="Email" required />`,
      count: signups,
    },
    {
      what: 'sign-up, a malformed type=email value',
      tag: 'sign-up-action',
      field: html`<input name="email" type="email" aria-label="Email" .value=${'not an email'} />`,
      count: signups,
    },
    {
      what: 'log-in, a required field left empty',
      tag: 'log-in-action',
      field: html`<input name="note" aria-label="Note" required />`,
      count: logins,
    },
  ]) {
    it(`FINDING (fixed): ${what}: a click on the default ${tag} button has the browser check the form first, as Enter does`, async () => {
      const user = await signUpRest(uniqueName('check'));
      const session = await page(html`
        <form>
          <input name="username" aria-label="Username" .value=${tag === 'log-in-action' ? user.username : uniqueName('new')} />
          <input name="password" type="password" aria-label="Password" .value=${password} />
          ${field} ${tag === 'log-in-action' ? html`<log-in-action></log-in-action>` : html`<sign-up-action></sign-up-action>`}
        </form>
      `);
      await proxy.reset();
      const action = session.querySelector<LogInActionElement>(tag)!;
      const seen = recordEvents(action, ['success', 'failure']);
      let invalid = 0;
      session.querySelector('[name=email], [name=note]')!.addEventListener('invalid', () => invalid++);
      action.shadowRoot!.querySelector('button')!.click();
      expect({ busy: action.busy, invalid }).to.deep.equal({ busy: false, invalid: 1 });
      await sleep(300);
      expect({ requests: await count(), events: seen.length, signedIn: session.authenticated }).to.deep.equal({
        requests: 0,
        events: 0,
        signedIn: false,
      });
    });
  }

  it('FINDING (fixed): the same for <set-user-properties-action>: a required field left empty, the click saves nothing', async () => {
    const user = await signUpRest(uniqueName('profile'));
    const session = await page(html`
      <form>
        <input name="nickname" aria-label="Nickname" required />
        <set-user-properties-action></set-user-properties-action>
      </form>
    `);
    await session.logIn(user.username, password);
    await proxy.reset();
    const action = session.querySelector('set-user-properties-action')!;
    let invalid = 0;
    session.querySelector('[name=nickname]')!.addEventListener('invalid', () => invalid++);
    action.shadowRoot!.querySelector('button')!.click();
    expect({ busy: action.busy, invalid }).to.deep.equal({ busy: false, invalid: 1 });
    await sleep(300);
    // Any update of the user (PUT, or POST with _method=PUT to another origin) is /parse/users/<id>.
    const { requests } = await proxy.log();
    expect(requests.filter((r) => r.path.startsWith('/parse/users/')).length).to.equal(0);
  });

  it('the same click in a form with novalidate runs at once (the page asked for no checks)', async () => {
    const session = await page(html`
      <form novalidate>
        <input name="username" aria-label="Username" .value=${uniqueName('noval')} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <input name="email" type="email" aria-label="Email" required />
        <sign-up-action></sign-up-action>
      </form>
    `);
    const action = session.querySelector('sign-up-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    action.shadowRoot!.querySelector('button')!.click();
    expect(action.busy).to.equal(true);
    await waitUntil(() => seen.length > 0, 'no result');
    expect({ events: seen.map((e) => e.type), requests: await signups() }).to.deep.equal({ events: ['success'], requests: 1 });
  });

  it('a reset button in a log-in form with an empty required password still sends the reset (no validation needed)', async () => {
    const user = await signUpRest(uniqueName('forgot'));
    const session = await page(html`
      <form>
        <input name="email" type="email" aria-label="Email" .value=${user.username + '@example.com'} />
        <input name="password" type="password" aria-label="Password" required />
        <log-in-action><button type="submit">Log in</button></log-in-action>
        <request-password-reset-action></request-password-reset-action>
      </form>
    `);
    const reset = session.querySelector('request-password-reset-action')!;
    const seen = recordEvents(reset, ['success', 'failure']);
    reset.shadowRoot!.querySelector('button')!.click();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(await logins()).to.equal(0);
  });
});
