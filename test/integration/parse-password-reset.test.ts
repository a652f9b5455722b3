// Password reset and verification mail end to end, against the real Parse Server: the kit asks,
// Parse sends real mail through SMTP to the local mail server, the test reads the inbox, opens
// the link on Parse's own page (in a same-origin frame) and sets a new password there.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { RequestPasswordResetActionElement } from '../../src/elements/request-password-reset-action.js';
import type { RequestVerificationEmailActionElement } from '../../src/elements/request-verification-email-action.js';
import { recordEvents } from '../helpers/fixtures.js';
import { password, rest, uniqueName, useParseServer, type ParseConfig } from './parse-server.js';
import { frameAt, inbox, nextLoad, sameOriginLink, waitForMail } from './mail.js';

describe('Parse Server: password reset and verification mail', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));
  afterEach(() => document.querySelectorAll('iframe[title="Parse page"]').forEach((f) => f.remove()));

  async function page() {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.serverURL}>
        <form>
          <label>Email <input name="email" type="email" /></label>
          <request-password-reset-action><button type="submit">Send reset link</button></request-password-reset-action>
        </form>
        <request-verification-email-action></request-verification-email-action>
      </user-session>
    `);
    return {
      session,
      form: session.querySelector('form')!,
      reset: session.querySelector('request-password-reset-action')! as RequestPasswordResetActionElement,
      verify: session.querySelector('request-verification-email-action')! as RequestVerificationEmailActionElement,
    };
  }

  const secretOf = (link: string) => new URL(link).searchParams.get('token')!;

  it('reset mail → Parse’s reset page → log in with the new password; the old one fails', async () => {
    const { session, form, reset } = await page();
    const username = uniqueName('reset');
    const email = `${username}@example.com`;
    await session.signUp(username, password, { email });
    await session.logOut();

    (form.elements.namedItem('email') as HTMLInputElement).value = email;
    const seen = recordEvents(reset, ['success', 'failure']);
    const success = oneEvent(reset, 'success');
    reset.querySelector('button')!.click();
    expect((await success).detail).to.deep.equal({ email });

    const mail = await waitForMail(email, /Password Reset/);
    expect(mail.to).to.deep.equal([email]);
    const link = sameOriginLink(mail, '/request_password_reset');
    const token = secretOf(link);
    expect(token).to.have.length.greaterThan(10);

    // Parse's own page, driven like a person: type the new password twice, press the button.
    const frame = await frameAt(link);
    const doc = frame.contentDocument!;
    expect(doc.body.textContent).to.contain('Reset Your Password');
    const newPassword = 'a brand new passphrase';
    for (const id of ['password', 'password_confirm']) {
      const input = doc.getElementById(id) as HTMLInputElement;
      input.value = newPassword;
      input.dispatchEvent(new Event('input'));
    }
    const button = doc.getElementById('change_password') as HTMLButtonElement;
    expect(button.disabled).to.equal(false);
    const submitted = nextLoad(frame);
    button.click();
    await submitted;
    expect(frame.contentDocument!.body.textContent).to.contain('Your password has been updated');

    const failure = await session.logIn(username, password).catch((e: unknown) => e);
    expect((failure as { code?: string }).code).to.equal('invalid-credentials');
    const user = await session.logIn(username, newPassword);
    expect(user.username).to.equal(username);
    expect(session.authenticated).to.equal(true);

    // The kit never saw the reset token: not in events, the user, or storage.
    const everything = JSON.stringify([seen.map((e) => e.detail), session.user, { ...localStorage }, reset.error]);
    expect(everything).not.to.contain(token);
  });

  it('a reset for someone else’s address and for an unknown one look the same (no account is revealed)', async () => {
    const { session, reset } = await page();
    const victim = uniqueName('victim');
    await rest('POST', '/users', { body: { username: victim, password, email: `${victim}@example.com` } });
    const outcomes = [];
    for (const email of [`${victim}@example.com`, `${uniqueName('nobody')}@example.com`]) {
      reset.email = email;
      const seen = recordEvents(reset, ['success', 'failure']);
      expect(await reset.do()).to.equal(true);
      outcomes.push({ types: seen.map((e) => e.type), keys: Object.keys(seen[0]!.detail as object), error: reset.error });
      // The same over the wire, too.
      const wire = await rest('POST', '/requestPasswordReset', { body: { email } });
      outcomes.push({ status: wire.status, body: wire.body });
    }
    expect(outcomes[0]).to.deep.equal(outcomes[2]);
    expect(outcomes[1]).to.deep.equal(outcomes[3]);
    expect(outcomes[0]).to.deep.equal({ types: ['success'], keys: ['email'], error: '' });
    expect(session.authenticated).to.equal(false);
    // Only the owner's inbox gets the link.
    await waitForMail(`${victim}@example.com`, /Password Reset/);
  });

  it('verification mail → link verifies → refresh() shows emailVerified: true; a changed email shows false', async () => {
    const { session, verify } = await page();
    const username = uniqueName('verify');
    const email = `${username}@example.com`;
    await session.signUp(username, password, { email });
    expect((await session.refresh())?.emailVerified).to.equal(false);
    // Sign-up already mailed a link; ask again through the kit: a second mail with a fresh link.
    await waitForMail(email, /verify/i);
    verify.email = email;
    const success = oneEvent(verify, 'success');
    void verify.do();
    expect((await success).detail).to.deep.equal({ email });
    let mails = await inbox(email);
    for (const deadline = Date.now() + 8000; mails.filter((m) => /verify/i.test(m.subject)).length < 2;) {
      if (Date.now() > deadline) throw new Error('no second verification mail');
      await new Promise((r) => setTimeout(r, 100));
      mails = await inbox(email);
    }
    const latest = mails.filter((m) => /verify/i.test(m.subject)).at(-1)!;
    const frame = await frameAt(sameOriginLink(latest, '/verify_email'));
    expect(frame.contentDocument!.body.textContent).to.contain('Email verified!');

    const changes = recordEvents(session, ['user-change']);
    expect((await session.refresh())?.emailVerified).to.equal(true);
    expect(session.user?.emailVerified).to.equal(true);
    expect(changes.length).to.equal(1);
    expect(JSON.stringify(session.user)).not.to.contain(secretOf(latest.links[0]!));

    // A new address is unverified again (Parse resets the flag and mails the new one).
    const token = (JSON.parse(localStorage.getItem(`Parse/${cfg.appId}/currentUser`)!) as { sessionToken: string }).sessionToken;
    const newEmail = `${username}-new@example.com`;
    const put = await rest('PUT', `/users/${session.userId}`, { token, body: { email: newEmail } });
    expect(put.status).to.equal(200);
    expect((await session.refresh())?.emailVerified).to.equal(false);
    await waitForMail(newEmail, /verify/i);
  });
});
