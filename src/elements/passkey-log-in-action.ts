import type { SignInActionEventMap, SignInFailureDetail, SignInSuccessDetail } from '../events.js';
import { toAuthError, type AuthError } from '../errors.js';
import { autofillAvailable } from '../internal/webauthn.js';
import { ActionElement, type ActionOutcome } from './action-element.js';
import { findSession } from './find-session.js';
import type { UserSessionElement } from './user-session.js';

/** An input that asks for passkeys in its autofill. */
const autofillField = 'input[autocomplete~="webauthn" i]';

/**
 * The one element of the page whose autofill request waits. The browser holds one request per
 * page, and a passkey picked in any field answers it; a second element asking for options would
 * also replace the first one's challenge at the server, so its answer would be refused.
 */
let pageAutofill: PasskeyLogInActionElement | null = null;

/**
 * Signs a user in with a passkey on `do()` or a click: the browser asks the person to pick one
 * (Better Auth with its passkey plugin; import `user-session-elements/passkeys.js`).
 *
 * Inside a `<form>` holding an `<input autocomplete="username webauthn">`, it also offers the
 * passkeys in that field's autofill (WebAuthn conditional mediation) while signed out, without a
 * click: picking one signs in and fires `success` as a click would. That waiting request stops
 * when the element leaves the page, when another sign-in starts (a click here, the form's submit)
 * and when a user signs in by any other way; it starts again after a sign-out. It never ends
 * another sign-in itself. A dismissed autofill fires nothing. A page has one such request: the
 * first autofill form's; a form whose field gets focus takes it over (unless signed in).
 *
 * @tagname passkey-log-in-action
 * @summary A "Sign in with a passkey" button, and passkey autofill in its form.
 *
 * @attr {string} label - Text of the default button (default "Sign in with a passkey").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while a sign-in runs (output only), with `aria-busy="true"`.
 *
 * @fires {CustomEvent<SignInSuccessDetail>} success - Signed in. `detail: { user }`. Does not bubble.
 * @fires {CustomEvent<SignInFailureDetail>} failure - `detail: { error }`: code `cancelled` (dismissed, or no passkey for this site), `unsupported`, `invalid-credentials`, `network`, `misconfigured` (a backend without passkeys). Does not bubble.
 *
 * @slot - Your own trigger; replaces the default button.
 * @csspart button - The default button.
 */
export class PasskeyLogInActionElement extends ActionElement<SignInSuccessDetail, SignInFailureDetail> {
  /** The waiting autofill request, while there is one. */
  #autofill: AbortController | null = null;
  /** The session whose `logged-out` re-arms the autofill, and whose `logged-in` ends it. */
  #followed: UserSessionElement | null = null;
  #form: HTMLFormElement | null = null;

  protected get defaultLabel(): string {
    return 'Sign in with a passkey';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#form = this.closest('form');
    this.#form?.addEventListener('focusin', this.#onFocus);
    // A sign-in of the form (a password log-in) starts: the waiting request gives way.
    this.#form?.addEventListener('submit', this.#disarm, true);
    void this.#armAutofill();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#form?.removeEventListener('focusin', this.#onFocus);
    this.#form?.removeEventListener('submit', this.#disarm, true);
    this.#form = null;
    this.#disarm();
    this.#follow(null);
  }

  protected async perform(session: UserSessionElement): Promise<ActionOutcome<SignInSuccessDetail, SignInFailureDetail>> {
    // The browser runs one request at a time: the page's waiting autofill one gives way.
    if (pageAutofill) pageAutofill.#disarm();
    try {
      return { ok: true, detail: { user: await session.logInWithPasskey() } };
    } catch (caught) {
      return { ok: false, detail: { error: toAuthError(caught) } };
    }
  }

  protected override runEnded(): void {
    queueMicrotask(() => void this.#armAutofill());
  }

  protected failureDetail(error: AuthError): SignInFailureDetail {
    return { error };
  }

  /** Starts the autofill request when the form asks for it, signed out, with nothing running. */
  async #armAutofill(): Promise<void> {
    if (pageAutofill || this.busy || !this.isConnected || !this.closest('form')?.querySelector(autofillField)) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the page-wide owner of the one request
    pageAutofill = this;
    const armed = (this.#autofill = new AbortController());
    try {
      const found = findSession(this);
      const session = found instanceof Promise ? await found : found;
      this.#follow(session);
      await session.ready;
      if (armed.signal.aborted || session.authenticated || !(await autofillAvailable()) || armed.signal.aborted) return;
      const user = await session.logInWithPasskey({ autofill: true, signal: armed.signal });
      this.#emit('success', { user });
    } catch (caught) {
      const error = toAuthError(caught);
      // Given way (a click, another sign-in, a sign-out, leaving the page) or dismissed: nothing to tell.
      if (error.code !== 'aborted' && error.code !== 'cancelled' && error.code !== 'no-session' && !armed.signal.aborted)
        this.#emit('failure', { error });
    } finally {
      if (this.#autofill === armed) this.#disarm();
    }
  }

  #disarm = (): void => {
    this.#autofill?.abort();
    this.#autofill = null;
    if (pageAutofill === this) pageAutofill = null;
  };

  #emit(type: 'success' | 'failure', detail: SignInSuccessDetail | SignInFailureDetail): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #follow(session: UserSessionElement | null): void {
    if (session === this.#followed) return;
    this.#followed?.removeEventListener('logged-out', this.#onLoggedOut);
    this.#followed?.removeEventListener('logged-in', this.#disarm);
    this.#followed = session;
    session?.addEventListener('logged-out', this.#onLoggedOut);
    session?.addEventListener('logged-in', this.#disarm);
  }

  #onLoggedOut = (): void => void this.#armAutofill();

  /**
   * A request given way to another sign-in starts again when the person comes back to the field;
   * the field of another form (another `<user-session>`, perhaps) takes the page's request over.
   */
  #onFocus = (event: FocusEvent): void => {
    if (!(event.target as Element).matches?.(autofillField) || pageAutofill === this) return;
    // A form whose session is signed in offers nothing: the waiting request of another form stays.
    let session: ReturnType<typeof findSession>;
    try {
      session = findSession(this);
    } catch {
      return;
    }
    if (!(session instanceof Promise) && session.authenticated) return;
    if (pageAutofill) pageAutofill.#disarm();
    void this.#armAutofill();
  };
}

export interface PasskeyLogInActionElement {
  addEventListener<K extends keyof SignInActionEventMap>(
    type: K,
    listener: (this: PasskeyLogInActionElement, event: SignInActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SignInActionEventMap>(
    type: K,
    listener: (this: PasskeyLogInActionElement, event: SignInActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'passkey-log-in-action': PasskeyLogInActionElement;
  }
}
