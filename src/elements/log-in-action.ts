import type { PublicUser } from '../backends/backend.js';
import { SignInActionElement, type Credentials } from './sign-in-action.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Signs a user in through its `<user-session>` on `do()`, a click, or submit of the
 * surrounding form (fields `username` and `password`, and `code` for the second step of a
 * two-step sign-in).
 * A form holding both a `<log-in-action>` and a `<sign-up-action>` submits to the one whose submit button was used, else the first.
 * In a form, a click on the default button (or your own non-submit content) first has the browser check the fields (`required`, `type=email`…, not with `novalidate`), as Enter and a submit button do: the whole form, so a `required` field only a sign-up needs also holds up a log-in in the same form.
 *
 * @tagname log-in-action
 * @summary A log-in button (or your own content) that signs the user in.
 *
 * @attr {string} label - Text of the default button (default "Log in").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while a log-in is in progress (output only), with `aria-busy="true"`; the default button is marked `aria-disabled` meanwhile (it keeps keyboard focus).
 *
 * @fires {CustomEvent<SignInSuccessDetail>} success - Signed in. `detail: { user }`. Does not bubble.
 * @fires {CustomEvent<SignInFailureDetail>} failure - `detail: { error }` (`invalid-credentials`, `second-factor-required`, `invalid-code`, `network`…). Does not bubble.
 *
 * @slot - Your own trigger, such as `<button type="submit">Log in</button>`; replaces the default button.
 * @csspart button - The default button.
 */
export class LogInActionElement extends SignInActionElement {
  protected get defaultLabel(): string {
    return 'Log in';
  }

  protected signIn(session: UserSessionElement, { username, password, extra }: Credentials): Promise<PublicUser> {
    // The form's other fields: its `code` is the second step of a two-step sign-in.
    return session.logIn(username, password, extra);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'log-in-action': LogInActionElement;
  }
}
