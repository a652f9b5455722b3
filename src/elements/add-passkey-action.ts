import type { AddPasskeyActionEventMap, AddPasskeySuccessDetail, SignInFailureDetail } from '../events.js';
import { toAuthError, type AuthError } from '../errors.js';
import { ActionElement, type ActionOutcome } from './action-element.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Makes a passkey for the signed-in user on `do()` or a click: the browser asks the person to
 * create one (Better Auth with its passkey plugin; import `user-session-elements/passkeys.js`).
 * The server keeps its public key; the page learns only the passkey's public fields.
 *
 * @tagname add-passkey-action
 * @summary An "Add a passkey" button for the signed-in user.
 *
 * @attr {string} name - A name for the new passkey ("Work laptop"), shown in `<passkey-list>`. Optional.
 * @attr {string} label - Text of the default button (default "Add a passkey").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while it runs (output only), with `aria-busy="true"`.
 *
 * @fires {CustomEvent<AddPasskeySuccessDetail>} success - Added. `detail: { passkey }` (`PasskeyInfo`: id, name, createdAt, synced; no key material). Does not bubble.
 * @fires {CustomEvent<SignInFailureDetail>} failure - `detail: { error }`: `cancelled`, `unsupported`, `bad-request` (signed out, or this authenticator already holds one for the account), `network`, `misconfigured`. Does not bubble.
 *
 * @slot - Your own trigger; replaces the default button.
 * @csspart button - The default button.
 */
export class AddPasskeyActionElement extends ActionElement<AddPasskeySuccessDetail, SignInFailureDetail> {
  static override properties = { ...ActionElement.properties, name: {} };

  /** A name for the new passkey. */
  name: string | null = null;

  protected get defaultLabel(): string {
    return 'Add a passkey';
  }

  protected async perform(session: UserSessionElement): Promise<ActionOutcome<AddPasskeySuccessDetail, SignInFailureDetail>> {
    try {
      return { ok: true, detail: { passkey: await session.addPasskey(this.name ?? undefined) } };
    } catch (caught) {
      return { ok: false, detail: { error: toAuthError(caught) } };
    }
  }

  protected failureDetail(error: AuthError): SignInFailureDetail {
    return { error };
  }
}

export interface AddPasskeyActionElement {
  addEventListener<K extends keyof AddPasskeyActionEventMap>(
    type: K,
    listener: (this: AddPasskeyActionElement, event: AddPasskeyActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AddPasskeyActionEventMap>(
    type: K,
    listener: (this: AddPasskeyActionElement, event: AddPasskeyActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'add-passkey-action': AddPasskeyActionElement;
  }
}
