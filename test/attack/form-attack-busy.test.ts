// Outside attack: the busy state of every action's default button inside a form, and navigation
// of forms with an action= / target= (real Parse Server through its fault proxy).
import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../helpers/safe-errors.js';
import { sleep, deepActive, formPage } from './form-attack-helpers.js';
import { recordEvents } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';
import { password, proxy, signUpRest, uniqueName, useParseServer, type ParseConfig } from '../integration/parse-server.js';

describe('form attack: busy and navigation (real Parse Server)', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  const page = (inner: ReturnType<typeof html>) => formPage(cfg, inner);

  const cases = [
    { tag: 'sign-up-action', path: '/parse/users', signedIn: false },
    { tag: 'set-user-properties-action', path: '/parse/users/', signedIn: true },
    { tag: 'request-password-reset-action', path: '/parse/requestPasswordReset', signedIn: false },
    { tag: 'request-verification-email-action', path: '/parse/verificationEmailRequest', signedIn: false },
  ];
  for (const c of cases) {
    it(`<${c.tag}>: Space on its default button in a form: aria-busy, aria-disabled (not disabled), focus kept, one request`, async () => {
      const user = await signUpRest(uniqueName('busy'));
      const username = uniqueName('busynew');
      const session = await page(html`
        <form>
          <input name="username" aria-label="Username" .value=${c.signedIn ? '' : username} ?disabled=${c.signedIn} />
          <input name="password" type="password" aria-label="Password" .value=${password} ?disabled=${c.signedIn} />
          <input
            name="email"
            type="email"
            aria-label="Email"
            .value=${c.tag.startsWith('request') ? user.username + '@example.com' : ''}
          />
          <input name="nickname" aria-label="Nickname" .value=${'nick'} ?disabled=${!c.signedIn} />
        </form>
      `);
      if (c.signedIn) await session.logIn(user.username, password);
      const action = document.createElement(c.tag);
      session.querySelector('form')!.append(action);
      await (action as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      await proxy.reset();
      const seen = recordEvents(action, ['success', 'failure']);
      const button = action.shadowRoot!.querySelector('button')!;
      button.focus();
      await proxy.setFault({ delayMs: 2000, path: c.path });
      await sendKeys({ type: ' ' });
      await sleep(80);
      expect(action.hasAttribute('busy'), 'busy').to.equal(true);
      expect(action.getAttribute('aria-busy')).to.equal('true');
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      expect(button.disabled).to.equal(false);
      expect(deepActive()).to.equal(button);
      await sendKeys({ type: ' ' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => seen.length > 0, 'no result');
      await sleep(500);
      expect(seen.map((e) => e.type + ':' + (e.detail.error?.message ?? ''))).to.deep.equal(['success:']);
      const { requests } = await proxy.log();
      expect(requests.filter((r) => r.path.startsWith(c.path) && r.method === 'POST').length).to.equal(1);
      expect(deepActive()).to.equal(button);
      expect(button.getAttribute('aria-disabled') ?? 'false').to.equal('false');
      expect(action.hasAttribute('busy')).to.equal(false);
    });
  }

  it('a form with action= and target=: Enter logs in and the form never navigates', async () => {
    const user = await signUpRest(uniqueName('nav'));
    const session = await page(html`
      <iframe name="sink" title="sink"></iframe>
      <form action="/never-here" method="post" target="sink">
        <input name="username" aria-label="Username" .value=${user.username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action></log-in-action>
      </form>
    `);
    const frame = session.querySelector('iframe')!;
    let loads = 0;
    frame.addEventListener('load', () => loads++);
    const seen = recordEvents(session.querySelector('log-in-action')!, ['success', 'failure']);
    session.querySelector<HTMLInputElement>('[name=password]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => seen.length > 0, 'no result');
    await sleep(500);
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(loads).to.equal(0);
  });

  it('a failed log-in in a form with action=/target=: no navigation either (the password is never posted)', async () => {
    const user = await signUpRest(uniqueName('nav2'));
    const session = await page(html`
      <iframe name="sink2" title="sink"></iframe>
      <form action="/never-here" method="get" target="sink2">
        <input name="username" aria-label="Username" .value=${user.username} />
        <input name="password" type="password" aria-label="Password" .value=${'wrong'} />
        <log-in-action><button type="submit">Go</button></log-in-action>
      </form>
    `);
    const frame = session.querySelector('iframe')!;
    let loads = 0;
    frame.addEventListener('load', () => loads++);
    const seen = recordEvents(session.querySelector('log-in-action')!, ['success', 'failure']);
    session.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitUntil(() => seen.length > 0, 'no result');
    await sleep(500);
    expect(seen.map((e) => e.type)).to.deep.equal(['failure']);
    expect(loads).to.equal(0);
  });
});
