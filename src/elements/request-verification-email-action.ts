import { MailActionElement } from './mail-action.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Asks the server to mail (again) the link that verifies an address (Parse: `POST
 * /verificationEmailRequest`) on `do()`, a click, or submit of the surrounding form (field
 * `email`). The answer is the same for an unknown or already verified address. Once the link
 * was followed, `refresh()` on `<user-session>` shows `user.emailVerified` as `true`.
 *
 * @tagname request-verification-email-action
 * @summary A "send the verification mail again" button (or your own content).
 *
 * @attr {string} label - Text of the default button (default "Send verification email").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while the request is in progress (output only), with `aria-busy="true"`; the default button is marked `aria-disabled` meanwhile (it keeps keyboard focus).
 *
 * @fires {CustomEvent<MailRequestSuccessDetail>} success - The server took the request. `detail: { email }`. Does not bubble.
 * @fires {CustomEvent<MailRequestFailureDetail>} failure - `detail: { error }` (`bad-request`, `misconfigured`, `network`…). Does not bubble.
 *
 * @slot - Your own trigger, such as `<button type="submit">Resend</button>`; replaces the default button.
 * @csspart button - The default button.
 */
export class RequestVerificationEmailActionElement extends MailActionElement {
  protected get defaultLabel(): string {
    return 'Send verification email';
  }

  protected request(session: UserSessionElement, email: string): Promise<void> {
    return session.requestVerificationEmail(email);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'request-verification-email-action': RequestVerificationEmailActionElement;
  }
}
