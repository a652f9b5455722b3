import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { LogInActionElement } from '../src/elements/log-in-action.js';
import type { SignUpActionElement } from '../src/elements/sign-up-action.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { clearStorage, recordEvents, storageKey } from './helpers/fixtures.js';

async function formFixture(backend = new RecordingBackend()) {
  const session = await fixture<UserSessionElement>(html`
    <user-session .backend=${backend} storage-key=${storageKey}>
      <form>
        <label>Username <input name="username" /></label>
        <label>Password <input name="password" type="password" /></label>
        <label>Email <input name="email" type="email" /></label>
        <log-in-action></log-in-action>
        <sign-up-action></sign-up-action>
      </form>
    </user-session>
  `);
  const form = session.querySelector('form')!;
  const fill = (values: Record<string, string>) => {
    for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
  };
  return {
    session,
    form,
    fill,
    backend,
    logIn: session.querySelector('log-in-action')! as LogInActionElement,
    signUp: session.querySelector('sign-up-action')! as SignUpActionElement,
  };
}

describe('<log-in-action> and <sign-up-action>', () => {
  beforeEach(clearStorage);

  it('submitting the surrounding form logs in with its fields; the page does not navigate', async () => {
    const { session, form, fill, logIn } = await formFixture();
    fill({ username: 'ada', password: 'secret-pw' });
    const results = recordEvents(logIn, ['success', 'failure']);
    const loggedIn = oneEvent(session, 'logged-in');
    const submit = new Event('submit', { cancelable: true, bubbles: true });
    form.dispatchEvent(submit);
    expect(submit.defaultPrevented).to.equal(true);
    await oneEvent(logIn, 'success');
    expect((await loggedIn).detail.reason).to.equal('log-in');
    expect(results.map((e) => e.type)).to.deep.equal(['success']);
    expect(results[0]!.detail).to.deep.equal({ user: session.user });
    expect(results[0]!.bubbles).to.equal(false);
    expect(session.authenticated).to.equal(true);
  });

  it('a click on the default button logs in; wrong password fails with invalid-credentials and sets error', async () => {
    const { session, fill, logIn } = await formFixture();
    fill({ username: 'ada', password: 'wrong' });
    const failure = oneEvent(logIn, 'failure');
    logIn.shadowRoot!.querySelector('button')!.click();
    const { error } = (await failure).detail;
    expect(error.code).to.equal('invalid-credentials');
    expect(logIn.error).to.equal(error.message);
    expect(session.authenticated).to.equal(false);
  });

  it('empty fields fail with bad-request without a backend call', async () => {
    const { logIn, backend } = await formFixture();
    const failure = oneEvent(logIn, 'failure');
    expect(await logIn.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('bad-request');
    expect(backend.count('logIn')).to.equal(0);
  });

  it('username / password properties take precedence over the form', async () => {
    const { session, fill, logIn } = await formFixture();
    fill({ username: 'nobody', password: 'nothing' });
    logIn.username = 'ada';
    logIn.password = 'secret-pw';
    expect(await logIn.do()).to.equal(true);
    expect(session.username).to.equal('ada');
  });

  it('sign-up sends the other fields (email) to the new user; a taken name fails with username-taken', async () => {
    const { session, fill, signUp } = await formFixture();
    fill({ username: 'grace', password: 'pw-123', email: 'grace@example.com' });
    const success = oneEvent(signUp, 'success');
    expect(await signUp.do()).to.equal(true);
    expect((await success).detail.user).to.include({ username: 'grace', email: 'grace@example.com' });
    expect(session.email).to.equal('grace@example.com');

    fill({ username: 'ada', password: 'x' });
    const failure = oneEvent(signUp, 'failure');
    expect(await signUp.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('username-taken');
  });

  it('single flight: a double submit makes one request', async () => {
    const { fill, form, logIn, backend } = await formFixture();
    fill({ username: 'ada', password: 'secret-pw' });
    const gate = backend.hold('logIn');
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(logIn.getAttribute('aria-busy')).to.equal('true');
    gate.resolve();
    await oneEvent(logIn, 'success');
    expect(backend.count('logIn')).to.equal(1);
  });

  it('default buttons are labelled "Log in" / "Sign up" and pass an accessibility audit', async () => {
    const { form, logIn, signUp } = await formFixture();
    expect(logIn.shadowRoot!.querySelector('button')!.textContent).to.equal('Log in');
    expect(signUp.shadowRoot!.querySelector('button')!.textContent).to.equal('Sign up');
    await expect(form).to.be.accessible();
  });

  it('a form with both actions submits to the one holding the submit button used', async () => {
    const backend = new RecordingBackend();
    const session = await fixture<UserSessionElement>(html`
      <user-session .backend=${backend} storage-key=${storageKey}>
        <form>
          <input name="username" aria-label="Username" value="grace" />
          <input name="password" aria-label="Password" type="password" value="pw-123" />
          <log-in-action><button type="submit">Log in</button></log-in-action>
          <sign-up-action><button type="submit">Create account</button></sign-up-action>
        </form>
      </user-session>
    `);
    const form = session.querySelector('form')!;
    const signUpButton = session.querySelector('sign-up-action button') as HTMLButtonElement;
    const success = oneEvent(session.querySelector('sign-up-action')!, 'success');
    form.requestSubmit(signUpButton);
    await success;
    expect(backend.count('signUp')).to.equal(1);
    expect(backend.count('logIn')).to.equal(0);
    expect(session.username).to.equal('grace');
  });

  it('a submit button inside the action leaves the click to the form: required fields are checked first', async () => {
    const backend = new RecordingBackend();
    const session = await fixture<UserSessionElement>(html`
      <user-session .backend=${backend} storage-key=${storageKey}>
        <form>
          <input name="username" aria-label="Username" required />
          <input name="password" aria-label="Password" type="password" required />
          <log-in-action><button type="submit">Log in</button></log-in-action>
        </form>
      </user-session>
    `);
    const action = session.querySelector('log-in-action')!;
    const results = recordEvents(action, ['success', 'failure']);
    action.querySelector('button')!.click(); // empty required fields: the browser blocks the submit
    await new Promise((r) => setTimeout(r, 0));
    expect(results).to.have.length(0);
    expect(backend.count('logIn')).to.equal(0);

    (session.querySelector('[name=username]') as HTMLInputElement).value = 'ada';
    (session.querySelector('[name=password]') as HTMLInputElement).value = 'secret-pw';
    const success = oneEvent(action, 'success');
    action.querySelector('button')!.click();
    await success;
    expect(backend.count('logIn')).to.equal(1);
  });

  it('Enter in a field submits a form that has only the default (shadow) buttons', async () => {
    const { session, fill, form, logIn, backend } = await formFixture();
    fill({ username: 'ada', password: 'secret-pw' });
    const success = oneEvent(logIn, 'success');
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    form.querySelector('[name=password]')!.dispatchEvent(enter);
    expect(enter.defaultPrevented).to.equal(true);
    await success;
    expect(backend.count('logIn')).to.equal(1);
    expect(backend.count('signUp')).to.equal(0);
    expect(session.authenticated).to.equal(true);
  });

  it('a removed action stops listening to its old form', async () => {
    const { fill, form, logIn, backend } = await formFixture();
    fill({ username: 'ada', password: 'secret-pw' });
    logIn.remove();
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.count('logIn')).to.equal(0);
  });
});
