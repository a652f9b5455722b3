import type { PublicUser } from '../backends/backend.js';
import { isRecord } from '../internal/guards.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import { SignInActionElement, type Credentials } from './sign-in-action.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Creates an account and signs it in through its `<user-session>` on `do()`, a click, or
 * submit of the surrounding form (fields `username`, `password`; other named fields such as
 * `email` go to the new user).
 * A form holding both a `<log-in-action>` and a `<sign-up-action>` submits to the one whose submit button was used, else the first.
 * In a form, a click on the default button (or your own non-submit content) first has the browser check the fields (`required`, `type=email`…, not with `novalidate`), as Enter and a submit button do: the whole form, so a `required` field only a sign-up needs also holds up a log-in in the same form.
 *
 * @tagname sign-up-action
 * @summary A sign-up button (or your own content) that creates an account.
 *
 * @attr {string} label - Text of the default button (default "Sign up").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while a sign-up is in progress (output only), with `aria-busy="true"`; the default button is marked `aria-disabled` meanwhile (it keeps keyboard focus).
 *
 * @fires {CustomEvent<SignInSuccessDetail>} success - Account created and signed in. `detail: { user }`. Does not bubble.
 * @fires {CustomEvent<SignInFailureDetail>} failure - `detail: { error }` (`username-taken`, `network`…). Does not bubble.
 *
 * @slot - Your own trigger, such as `<button type="submit">Create account</button>`; replaces the default button.
 * @csspart button - The default button.
 */
export class SignUpActionElement extends SignInActionElement {
  #fields: Record<string, unknown> = {};

  constructor() {
    super();
    upgradeProperty(this, 'fields');
  }

  /**
   * Extra fields for the new user, merged over the form's other fields.
   * @default {}
   */
  get fields(): Record<string, unknown> {
    return this.#fields;
  }
  set fields(value: Record<string, unknown>) {
    this.#fields = value;
  }

  protected get defaultLabel(): string {
    return 'Sign up';
  }

  protected signIn(session: UserSessionElement, { username, password, extra }: Credentials): Promise<PublicUser> {
    return session.signUp(username, password, { ...extra, ...(isRecord(this.fields) ? this.fields : {}) });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sign-up-action': SignUpActionElement;
  }
}
