import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/index.js';
import type { RequestPasswordResetActionElement } from '../src/elements/request-password-reset-action.js';
import type { RequestVerificationEmailActionElement } from '../src/elements/request-verification-email-action.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { MemoryBackend } from '../src/backends/memory.js';
import { AuthError } from '../src/errors.js';
import { Capability } from '../src/backends/backend.js';
import { clearStorage, recordEvents, storageKey } from './helpers/fixtures.js';

/** A MemoryBackend that can send mail: records each request, answers like Parse (the same for any address). */
class MailingBackend extends MemoryBackend {
  override readonly capabilities: readonly Capability[] = [
    ...new MemoryBackend().capabilities,
    Capability.passwordReset,
    Capability.verificationEmail,
  ];
  readonly mails: { method: string; email: string }[] = [];
  fail: AuthError | null = null;
  requestPasswordReset(email: string): Promise<void> {
    this.mails.push({ method: 'requestPasswordReset', email });
    return this.fail ? Promise.reject(this.fail) : Promise.resolve();
  }
  requestVerificationEmail(email: string): Promise<void> {
    this.mails.push({ method: 'requestVerificationEmail', email });
    return this.fail ? Promise.reject(this.fail) : Promise.resolve();
  }
}

async function setUp(backend: MemoryBackend = new MailingBackend()) {
  const session = await fixture<UserSessionElement>(html`
    <user-session .backend=${backend} storage-key=${storageKey}>
      <form>
        <label>Email <input name="email" type="email" /></label>
        <request-password-reset-action></request-password-reset-action>
      </form>
      <request-verification-email-action></request-verification-email-action>
    </user-session>
  `);
  const form = session.querySelector('form')!;
  return {
    session,
    form,
    backend,
    input: form.querySelector('input')!,
    reset: session.querySelector('request-password-reset-action')! as RequestPasswordResetActionElement,
    verify: session.querySelector('request-verification-email-action')! as RequestVerificationEmailActionElement,
  };
}

describe('<request-password-reset-action> and <request-verification-email-action>', () => {
  beforeEach(clearStorage);

  it('are defined by the package entry, with a default button', async () => {
    const { reset, verify } = await setUp();
    expect(reset.shadowRoot!.querySelector('button')!.textContent).to.equal('Reset password');
    expect(verify.shadowRoot!.querySelector('button')!.textContent).to.equal('Send verification email');
  });

  it('form submit sends the form’s email; success detail is exactly { email }, does not bubble', async () => {
    const { form, input, reset, backend } = await setUp();
    input.value = '  ada@example.com ';
    const seen = recordEvents(reset, ['success', 'failure']);
    const submit = new Event('submit', { cancelable: true, bubbles: true });
    form.dispatchEvent(submit);
    expect(submit.defaultPrevented).to.equal(true);
    expect(reset.busy).to.equal(true);
    await oneEvent(reset, 'success');
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
    expect(seen[0]!.detail).to.deep.equal({ email: 'ada@example.com' });
    expect(Object.keys(seen[0]!.detail as object)).to.deep.equal(['email']);
    expect(seen[0]!.bubbles).to.equal(false);
    expect(seen[0]!.composed).to.equal(false);
    expect((backend as MailingBackend).mails).to.deep.equal([{ method: 'requestPasswordReset', email: 'ada@example.com' }]);
    expect(reset.error).to.equal('');
    expect(reset.busy).to.equal(false);
  });

  it('the email property (an accessor) wins over the form; do() resolves true; the verification action calls its method', async () => {
    const { input, reset, verify, backend } = await setUp();
    const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Object.getPrototypeOf(reset)), 'email');
    expect(typeof descriptor?.get).to.equal('function');
    expect(typeof descriptor?.set).to.equal('function');
    input.value = 'form@example.com';
    reset.email = 'prop@example.com';
    expect(await reset.do()).to.equal(true);
    verify.email = 'v@example.com';
    const success = oneEvent(verify, 'success');
    verify.shadowRoot!.querySelector('button')!.click();
    expect((await success).detail).to.deep.equal({ email: 'v@example.com' });
    expect((backend as MailingBackend).mails).to.deep.equal([
      { method: 'requestPasswordReset', email: 'prop@example.com' },
      { method: 'requestVerificationEmail', email: 'v@example.com' },
    ]);
  });

  for (const bad of ['', '   ', 'not-an-address', 'a@', '@b', 'a b@c.d']) {
    it(`"${bad}" fails with bad-request before any request; failure detail is exactly { error }`, async () => {
      const { reset, backend } = await setUp();
      reset.email = bad;
      const failure = oneEvent(reset, 'failure');
      expect(await reset.do()).to.equal(false);
      const { detail } = await failure;
      expect(Object.keys(detail as object)).to.deep.equal(['error']);
      expect(detail.error).to.be.instanceOf(AuthError);
      expect(detail.error.code).to.equal('bad-request');
      expect(reset.error).to.equal(detail.error.message);
      expect((backend as MailingBackend).mails).to.deep.equal([]);
    });
  }

  it('a backend without the capability (MemoryBackend) fails with misconfigured naming it', async () => {
    const { reset, verify } = await setUp(new MemoryBackend());
    reset.email = verify.email = 'ada@example.com';
    const failures = [oneEvent(reset, 'failure'), oneEvent(verify, 'failure')];
    await Promise.all([reset.do(), verify.do()]);
    const [a, b] = await Promise.all(failures);
    expect(a.detail.error.code).to.equal('misconfigured');
    expect(a.detail.error.message).to.contain('password-reset');
    expect(b.detail.error.code).to.equal('misconfigured');
    expect(b.detail.error.message).to.contain('verification-email');
  });

  it('the session methods reject like the actions, and change no session state', async () => {
    const { session, backend } = await setUp();
    const seen = recordEvents(session, ['logged-in', 'logged-out', 'user-change', 'failure']);
    await session.requestPasswordReset('ada@example.com');
    await session.requestVerificationEmail('ada@example.com');
    const error = await session.requestPasswordReset('').catch((e: unknown) => e);
    expect((error as AuthError).code).to.equal('bad-request');
    (backend as MailingBackend).fail = new AuthError('network', 'Cannot reach the server.');
    const network = await session.requestVerificationEmail('ada@example.com').catch((e: unknown) => e);
    expect((network as AuthError).code).to.equal('network');
    expect(seen).to.deep.equal([]);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('calls during a run join it: one request, one event', async () => {
    const { reset, backend } = await setUp();
    reset.email = 'ada@example.com';
    const seen = recordEvents(reset, ['success', 'failure']);
    const [a, b] = await Promise.all([reset.do(), reset.do()]);
    expect([a, b]).to.deep.equal([true, true]);
    expect((backend as MailingBackend).mails.length).to.equal(1);
    expect(seen.length).to.equal(1);
  });

  it('a log-in form with a reset button inside keeps its own submit', async () => {
    const backend = new MailingBackend({ users: [{ username: 'ada', password: 'secret-pw' }] });
    const session = await fixture<UserSessionElement>(html`
      <user-session .backend=${backend} storage-key=${storageKey}>
        <form>
          <input name="username" value="ada" /><input name="password" value="secret-pw" />
          <input name="email" value="ada@example.com" />
          <log-in-action></log-in-action>
          <request-password-reset-action></request-password-reset-action>
        </form>
      </user-session>
    `);
    const loggedIn = oneEvent(session, 'logged-in');
    session.querySelector('form')!.requestSubmit();
    await loggedIn;
    expect(backend.mails).to.deep.equal([]);
  });
});
