import { MailActionElement } from './mail-action.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Asks the server to mail a password-reset link (Parse: `POST /requestPasswordReset`; the person
 * then sets a new password on Parse's own page) on `do()`, a click, or submit of the surrounding
 * form (field `email`). `success` means "if an account has this address, a mail is on its way":
 * the answer is the same for an unknown address, so the page never tells whether one exists.
 * No session is needed, and none changes.
 *
 * @tagname request-password-reset-action
 * @summary A "send me a reset link" button (or your own content) for a forgotten password.
 *
 * @attr {string} label - Text of the default button (default "Reset password").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while the request is in progress (output only), with `aria-busy="true"`; the default button is marked `aria-disabled` meanwhile (it keeps keyboard focus).
 *
 * @fires {CustomEvent<MailRequestSuccessDetail>} success - The server took the request. `detail: { email }` (the address, trimmed; never a token). Does not bubble.
 * @fires {CustomEvent<MailRequestFailureDetail>} failure - `detail: { error }` (`bad-request` for an empty or malformed address, before any request; `misconfigured` when the backend cannot; `network`…). Does not bubble.
 *
 * @slot - Your own trigger, such as `<button type="submit">Send reset link</button>`; replaces the default button.
 * @csspart button - The default button.
 */
export class RequestPasswordResetActionElement extends MailActionElement {
  protected get defaultLabel(): string {
    return 'Reset password';
  }

  protected request(session: UserSessionElement, email: string): Promise<void> {
    return session.requestPasswordReset(email);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'request-password-reset-action': RequestPasswordResetActionElement;
  }
}
