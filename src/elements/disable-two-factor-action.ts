import type { DisableTwoFactorActionEventMap, SignInFailureDetail } from '../events.js';
import { toAuthError, type AuthError } from '../errors.js';
import { formField } from '../internal/form-field.js';
import { ActionElement, type ActionOutcome } from './action-element.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Turns off two-step sign-in for the signed-in user on `do()` or a click (the `two-factor`
 * add-on). Better Auth asks for the password: the surrounding form's `password` field, or the
 * `password` property; Parse Server turns it off for the signed-in session alone.
 *
 * @tagname disable-two-factor-action
 * @summary A "Turn off two-step sign-in" button.
 *
 * @attr {string} label - Text of the default button (default "Turn off two-step sign-in").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while it runs (output only), with `aria-busy="true"`.
 *
 * @fires {CustomEvent<DisableTwoFactorSuccessDetail>} success - Turned off; the user has `twoFactorEnabled: false`. `detail: {}`. Does not bubble.
 * @fires {CustomEvent<SignInFailureDetail>} failure - `detail: { error }`: `invalid-credentials` (password), `bad-request` (signed out, no password), `network`, `misconfigured`. Does not bubble.
 *
 * @slot - Your own trigger; replaces the default button.
 * @csspart button - The default button.
 */
export class DisableTwoFactorActionElement extends ActionElement<Record<string, never>, SignInFailureDetail> {
  /** Password for the next run instead of the form's `password` field. Cleared after the run. */
  password: string | null = null;

  protected get defaultLabel(): string {
    return 'Turn off two-step sign-in';
  }

  protected async perform(session: UserSessionElement): Promise<ActionOutcome<Record<string, never>, SignInFailureDetail>> {
    const password = this.password ?? formField(this, 'password');
    try {
      await session.disableTwoFactor(password ? { password } : {});
      return { ok: true, detail: {} };
    } catch (caught) {
      return { ok: false, detail: { error: toAuthError(caught) } };
    }
  }

  protected override runEnded(): void {
    this.password = null;
  }

  protected failureDetail(error: AuthError): SignInFailureDetail {
    return { error };
  }
}

export interface DisableTwoFactorActionElement {
  addEventListener<K extends keyof DisableTwoFactorActionEventMap>(
    type: K,
    listener: (this: DisableTwoFactorActionElement, event: DisableTwoFactorActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof DisableTwoFactorActionEventMap>(
    type: K,
    listener: (this: DisableTwoFactorActionElement, event: DisableTwoFactorActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'disable-two-factor-action': DisableTwoFactorActionElement;
  }
}
