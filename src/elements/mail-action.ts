import { ActionElement, type ActionOutcome } from './action-element.js';
import { FormBinding } from './form-binding.js';
import type { AuthError } from '../errors.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import type { MailActionEventMap, MailRequestFailureDetail, MailRequestSuccessDetail } from '../events.js';
import type { UserSessionElement } from './user-session.js';

/**
 * What `<request-password-reset-action>` and `<request-verification-email-action>` share: the
 * address from the `email` property or the surrounding `<form>`'s `email` field, submit of that
 * form as one more trigger. The answer is the same whether or not an account has the address.
 */
export abstract class MailActionElement extends ActionElement<MailRequestSuccessDetail, MailRequestFailureDetail> {
  readonly #form = new FormBinding(this, { submit: (event) => this.#onSubmit(event) });
  #email: string | null = null;

  constructor() {
    super();
    upgradeProperty(this, 'email');
  }

  /**
   * Address to use instead of the form's `email` field.
   * @default null
   */
  get email(): string | null {
    return this.#email;
  }
  set email(value: string | null) {
    this.#email = value;
  }

  /**
   * A click on a submit button of the form is left to the form (it checks `required`… first).
   * Other clicks do not check the form: a "forgot password" button in a log-in form needs no password.
   */
  protected override runsOnClick(event: MouseEvent): boolean {
    return this.#form.clickRuns(event);
  }

  /** Sends the request through `session`. */
  protected abstract request(session: UserSessionElement, email: string): Promise<void>;

  protected async perform(
    session: UserSessionElement,
  ): Promise<ActionOutcome<MailRequestSuccessDetail, MailRequestFailureDetail>> {
    const form = this.#form.form;
    const field = form ? new FormData(form).get('email') : null;
    const email = (this.#email ?? (typeof field === 'string' ? field : '')).trim();
    // A rejection is the base class's: `failure` with `failureDetail`.
    await this.request(session, email);
    return { ok: true, detail: { email } };
  }

  protected failureDetail(error: AuthError): MailRequestFailureDetail {
    return { error };
  }

  /**
   * Submit of the form: this action's, when the submit button used is inside it, or when the
   * form holds no other action (a log-in form with a "forgot password" button keeps its submit).
   */
  #onSubmit(event: SubmitEvent): void {
    const form = this.#form.form;
    const mine = event.submitter ? this.contains(event.submitter) : false;
    if (!form || (!mine && [...form.querySelectorAll('*')].some((el) => el !== this && el instanceof ActionElement))) return;
    event.preventDefault();
    void this.do();
  }
}

export interface MailActionElement {
  addEventListener<K extends keyof MailActionEventMap>(
    type: K,
    listener: (this: MailActionElement, event: MailActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof MailActionEventMap>(
    type: K,
    listener: (this: MailActionElement, event: MailActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}
