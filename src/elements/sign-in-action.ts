import { ActionElement, type ActionOutcome } from './action-element.js';
import { FormBinding } from './form-binding.js';
import type { PublicUser } from '../backends/backend.js';
import type { AuthError } from '../errors.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import type { SignInActionEventMap, SignInFailureDetail, SignInSuccessDetail } from '../events.js';
import type { UserSessionElement } from './user-session.js';

export interface Credentials {
  username: string;
  password: string;
  /** Other fields of the form (sign-up sends them to the new user). */
  extra: Record<string, unknown>;
}

/** Sign-in actions in the document, to choose which one handles a form's submit. */
const connectedActions = new Set<SignInActionElement>();

/**
 * What `<log-in-action>` and `<sign-up-action>` share: credentials from the `username` /
 * `password` properties or the surrounding `<form>` (fields named `username`, `password`),
 * and submit of that form as one more trigger.
 */
export abstract class SignInActionElement extends ActionElement<SignInSuccessDetail, SignInFailureDetail> {
  readonly #form = new FormBinding(this, {
    submit: (event) => this.#onSubmit(event),
    keydown: (event) => this.#onKeydown(event),
  });
  #username: string | null = null;
  #password: string | null = null;

  constructor() {
    super();
    upgradeProperty(this, 'username');
    upgradeProperty(this, 'password');
  }

  /**
   * Username to use instead of the form's `username` field.
   * @default null
   */
  get username(): string | null {
    return this.#username;
  }
  set username(value: string | null) {
    this.#username = value;
  }

  /**
   * Password to use instead of the form's `password` field, for the next run only: cleared
   * when the run ends. Never an attribute, not enumerable (a serialised element never shows it).
   */
  get password(): string | null {
    return this.#password;
  }
  set password(value: string | null) {
    this.#password = value;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    connectedActions.add(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    connectedActions.delete(this);
  }

  /**
   * A click on a submit button of the form is left to the form; any other click in a form (the
   * default button) runs once the browser finds its fields valid (`required`…), hints shown, as Enter.
   */
  protected override runsOnClick(event: MouseEvent): boolean {
    // Busy: the click joins the run, with no check of the form mid-run.
    return this.#form.clickRuns(event, !this.busy);
  }

  protected abstract signIn(session: UserSessionElement, credentials: Credentials): Promise<PublicUser>;

  protected async perform(session: UserSessionElement): Promise<ActionOutcome<SignInSuccessDetail, SignInFailureDetail>> {
    // A rejection is the base class's: `failure` with `failureDetail`.
    return { ok: true, detail: { user: await this.signIn(session, this.#credentials()) } };
  }

  /** The password is for one run: it does not stay on the element. */
  protected override runEnded(): void {
    this.#password = null;
  }

  protected failureDetail(error: AuthError): SignInFailureDetail {
    return { error };
  }

  /** The form is read when the action runs, so it sees what the user typed. */
  #credentials(): Credentials {
    const extra: Record<string, unknown> = {};
    let username = '';
    let password = '';
    const form = this.#form.form;
    if (form) {
      for (const [name, value] of new FormData(form)) {
        if (typeof value !== 'string') continue;
        if (name === 'username') username = value.trim();
        else if (name === 'password') password = value;
        else if (value !== '') extra[name] = value;
      }
    }
    return { username: this.username ?? username, password: this.password ?? password, extra };
  }

  /**
   * Enter in a field submits a form only when it has a submit button; the default button lives
   * in the shadow root and is not one, so Enter asks the form to submit (with validation) here.
   */
  #onKeydown(event: KeyboardEvent): void {
    const form = this.#form.form;
    if (!form || event.key !== 'Enter' || !(event.target instanceof HTMLInputElement)) return;
    const hasSubmitButton = [...form.elements].some((el) => (el as HTMLButtonElement).type === 'submit');
    if (hasSubmitButton || event.defaultPrevented) return;
    event.preventDefault();
    form.requestSubmit();
  }

  /**
   * A form with both a log-in and a sign-up action submits to one of them: the one holding the
   * submit button that was used, else the first one in the form.
   */
  #onSubmit(event: SubmitEvent): void {
    const form = this.#form.form;
    const candidates = [...connectedActions].filter((action) => action.#form.form === form);
    const chosen =
      candidates.find((action) => event.submitter && action.contains(event.submitter)) ??
      // 4: Node.DOCUMENT_POSITION_FOLLOWING (b comes after a), written as the number it is.
      candidates.sort((a, b) => (a.compareDocumentPosition(b) & 4 ? -1 : 1))[0];
    if (chosen !== this) return;
    event.preventDefault();
    void this.do();
  }
}

export interface SignInActionElement {
  addEventListener<K extends keyof SignInActionEventMap>(
    type: K,
    listener: (this: SignInActionElement, event: SignInActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SignInActionEventMap>(
    type: K,
    listener: (this: SignInActionElement, event: SignInActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}
