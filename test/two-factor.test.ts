// The two-step add-on where no server is needed: backends without two-step sign-in, bad input.
// The flows themselves run against the real servers in test/integration/two-factor.test.ts.
import { expect, fixture, html } from '@open-wc/testing';
import '../src/two-factor.js';
import '../src/define/user-session.js';
import '../src/define/oidc-backend.js';
import { MemoryBackend } from '../src/backends/memory.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import type { EnableTwoFactorActionElement } from '../src/elements/enable-two-factor-action.js';
import { rejection } from './helpers/rejection.js';
import { afterConnect } from './helpers/fixtures.js';

describe('two-step add-on without a server', () => {
  let key = 0;
  const storageKey = () => `two-factor-unit/${key++}`;

  it('gives <user-session> its methods once imported', () => {
    const session = document.createElement('user-session');
    for (const name of ['beginTwoFactor', 'enableTwoFactor', 'disableTwoFactor'] as const)
      expect(typeof session[name], name).to.equal('function');
  });

  it('<enable-two-factor-action>: a blank label shows the default text on the first button, never a nameless button', async () => {
    const action = await fixture<EnableTwoFactorActionElement>(
      html`<enable-two-factor-action label=""></enable-two-factor-action>`,
    );
    const button = action.shadowRoot!.querySelector('[part=button]')!;
    const texts = [button.textContent];
    for (const label of ['  ', 'Protect my account', '']) {
      action.setAttribute('label', label);
      await action.updateComplete;
      texts.push(button.textContent);
    }
    expect(texts).to.deep.equal([
      'Turn on two-step sign-in',
      'Turn on two-step sign-in',
      'Protect my account',
      'Turn on two-step sign-in',
    ]);
  });

  it('OpenID Connect: every call is misconfigured, saying the provider asks for the second step', async () => {
    const session = await fixture<UserSessionElement>(
      html`<user-session backend="oidc" issuer="https://id.example" client-id="spa" storage-key=${storageKey()}></user-session>`,
    );
    await afterConnect();
    for (const call of [
      () => session.logIn('ada', 'pw', { code: '123456' }),
      () => session.beginTwoFactor(),
      () => session.enableTwoFactor('123456'),
      () => session.disableTwoFactor(),
    ]) {
      const error = await rejection(call());
      expect(error.code).to.equal('misconfigured');
      expect(error.message).to.include("provider's own sign-in page");
    }
  });

  it('a backend without it (memory): a code is misconfigured; a log-in without one works as always', async () => {
    const session = await fixture<UserSessionElement>(html`<user-session storage-key=${storageKey()}></user-session>`);
    session.backend = new MemoryBackend({ users: [{ username: 'ada', password: 'pw' }] });
    await afterConnect();
    const error = await rejection(session.logIn('ada', 'pw', { code: '123456' }));
    expect(error.code).to.equal('misconfigured');
    expect(error.message).to.include('This backend has no two-step sign-in');
    expect(session.authenticated).to.equal(false);
    await session.logIn('ada', 'pw');
    expect(session.authenticated).to.equal(true);
    expect(session.hasAttribute('second-factor')).to.equal(false);
  });

  it('signed out: beginTwoFactor() is bad-request; <enable-two-factor-action> shows the message and stays on its first step', async () => {
    const session = await fixture<UserSessionElement>(html`
      <user-session storage-key=${storageKey()}><enable-two-factor-action></enable-two-factor-action></user-session>
    `);
    session.backend = new MemoryBackend();
    await afterConnect();
    const element = session.querySelector<EnableTwoFactorActionElement>('enable-two-factor-action')!;
    const failure = new Promise<CustomEvent>((resolve) => element.addEventListener('failure', resolve as never, { once: true }));
    expect(await element.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('misconfigured');
    expect(element.hasAttribute('step')).to.equal(false);
    expect(element.shadowRoot!.querySelector('[part=message]')!.textContent).to.include('no two-step sign-in');
    expect(element.hasAttribute('busy')).to.equal(false);
  });

  it('enableTwoFactor() with no code, or a blank one, is bad-request before any request', async () => {
    const session = await fixture<UserSessionElement>(html`<user-session storage-key=${storageKey()}></user-session>`);
    session.backend = new MemoryBackend();
    await afterConnect();
    for (const code of [undefined, '', '   ', 42]) {
      const error = await rejection(session.enableTwoFactor(code as never));
      // Memory has no two-step sign-in: that is said first.
      expect(error.code).to.equal('misconfigured');
    }
  });
});
