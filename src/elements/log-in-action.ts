import type { PublicUser } from '../backends/backend.js';
import type { AuthError } from '../errors.js';
import { SignInActionElement, type Credentials } from './sign-in-action.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Signs a user in through its `<user-session>` on `do()`, a click, or submit of the
 * surrounding form (fields `username` and `password`, and `code` for the second step of a
 * two-step sign-in).
 * A form holding both a `<log-in-action>` and a `<sign-up-action>` submits to the one whose submit button was used, else the first.
 *
 * @tagname log-in-action
 * @summary A log-in button (or your own content) that signs the user in.
 *
 * @attr {string} label - Text of the default button (default "Log in").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} second-factor - Present (output only) once the password was right and the account needs its second step: show the form's `code` field (`form:has(log-in-action[second-factor]) .code-step { display: block }`). Removed after a sign-in, or wrong credentials.
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

  /**
   * The second step's code (two-step sign-in) instead of the form's `code` field, for the next run
   * only: cleared when the run ends.
   */
  code: string | null = null;

  protected async signIn(session: UserSessionElement, { username, password, extra }: Credentials): Promise<PublicUser> {
    const code = this.code ?? extra.code;
    try {
      const user = await session.logIn(username, password, typeof code === 'string' ? { code } : {});
      this.removeAttribute('second-factor');
      return user;
    } catch (caught) {
      // The code step shows while it is needed: a wrong code keeps it, wrong credentials start over.
      const { code } = caught as AuthError;
      if (code === 'second-factor-required') this.setAttribute('second-factor', '');
      if (code === 'invalid-credentials') this.removeAttribute('second-factor');
      throw caught;
    }
  }

  protected override runEnded(): void {
    super.runEnded();
    this.code = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'log-in-action': LogInActionElement;
  }
}
