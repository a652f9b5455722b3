import { ActionElement, type ActionOutcome } from './action-element.js';
import type { AuthError } from '../errors.js';
import type { LogOutScope } from '../backends/backend.js';
import type { LogOutActionEventMap, LogOutFailureDetail, LogOutSuccessDetail } from '../events.js';
import type { UserSessionElement } from './user-session.js';

/**
 * The Noodl "Log Out" node as an element: signs the user out of its `<user-session>` on
 * `do()` or a click, local first, then revokes the session on the server.
 *
 * @tagname log-out-action
 * @summary A log-out button (or your own content) that signs the user out.
 *
 * @attr {string} label - Text of the default button (default "Log out").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {string} scope - `current` (default), `local` (forget here only, no server call), `others` (every other session of the user; stays signed in here) or `all` (every session of the user). Trimmed, case-insensitive; an unknown value signs out of this browser only, then fails with `bad-request`.
 * @attr {boolean} end-session - OpenID Connect: after `success`, the browser goes to the provider's `end_session_endpoint` to end the provider's own session too (otherwise its sign-in page may let the user straight back in). Skipped when the provider could not be reached.
 * @attr {boolean} busy - Present while a log-out is in progress (output only), with `aria-busy="true"`; the default button is marked `aria-disabled` meanwhile (it keeps keyboard focus).
 *
 * @fires {CustomEvent<LogOutSuccessDetail>} success - Signed out. `detail: { scope, revoked }`. Does not bubble.
 * @fires {CustomEvent<LogOutFailureDetail>} failure - Something failed. `detail: { error, signedOutLocally, revocationPending }`. Does not bubble.
 *
 * @slot - Your own trigger, such as `<button>Sign out</button>`; replaces the default button.
 * @csspart button - The default button.
 */
export class LogOutActionElement extends ActionElement<LogOutSuccessDetail, LogOutFailureDetail> {
  static override properties = {
    ...ActionElement.properties,
    scope: {},
    endSession: { type: Boolean, attribute: 'end-session' },
  };

  /**
   * `current` (default: this browser's session), `local` (forget it here only, no server call),
   * `others` (every other session of the user, this one kept) or `all` (every session of the user).
   * Read when the action runs, trimmed and case-insensitive: a typo never leaves anyone signed in.
   */
  scope: LogOutScope = 'current';

  /**
   * OpenID Connect (`end-session`): after `success`, send the browser to the provider to end its
   * own session too. A backend without capability `end-session` fails with `misconfigured` (after signing out here).
   */
  endSession = false;

  protected get defaultLabel(): string {
    return 'Log out';
  }

  protected async perform(session: UserSessionElement): Promise<ActionOutcome<LogOutSuccessDetail, LogOutFailureDetail>> {
    const result = await session.logOut({ scope: this.scope ?? 'current', endSession: this.endSession === true });
    if (!result.ok) {
      const { error, signedOutLocally, revocationPending } = result;
      return { ok: false, detail: { error, signedOutLocally, revocationPending } };
    }
    return { ok: true, detail: { scope: result.scope, revoked: result.revoked } };
  }

  protected failureDetail(error: AuthError): LogOutFailureDetail {
    return { error, signedOutLocally: false, revocationPending: false };
  }
}

export interface LogOutActionElement {
  addEventListener<K extends keyof LogOutActionEventMap>(
    type: K,
    listener: (this: LogOutActionElement, event: LogOutActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof LogOutActionEventMap>(
    type: K,
    listener: (this: LogOutActionElement, event: LogOutActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'log-out-action': LogOutActionElement;
  }
}
