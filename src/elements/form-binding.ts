import type { ReactiveController, ReactiveElement } from '@lit/reactive-element';

/** Listeners an action puts on its surrounding form while connected. */
export interface FormListeners {
  submit: (event: SubmitEvent) => void;
  keydown?: (event: KeyboardEvent) => void;
}

/**
 * The `<form>` around an action, found when the action connects, with the action's listeners
 * on it until it disconnects: what the actions that read a form (log-in, sign-up, set user
 * properties, the mail requests) share.
 */
export class FormBinding implements ReactiveController {
  /** The surrounding form while connected, else `null`. */
  form: HTMLFormElement | null = null;
  readonly #host: ReactiveElement;
  readonly #listeners: FormListeners;

  constructor(host: ReactiveElement, listeners: FormListeners) {
    this.#host = host;
    this.#listeners = listeners;
    host.addController(this);
  }

  hostConnected(): void {
    this.form = this.#host.closest('form');
    this.form?.addEventListener('submit', this.#listeners.submit);
    // No keydown listener: addEventListener and removeEventListener take a null one as nothing.
    this.form?.addEventListener('keydown', this.#listeners.keydown!);
  }

  hostDisconnected(): void {
    this.form?.removeEventListener('submit', this.#listeners.submit);
    this.form?.removeEventListener('keydown', this.#listeners.keydown!);
    this.form = null;
  }

  /**
   * Whether a click inside the action runs it. A click on a submit button of the form is left to
   * the form: the browser checks the fields (`required`…) first, and only a valid form reaches the
   * submit listener. With `checkFields`, any other click in a form (the default button) checks
   * them the same way, hints shown, as Enter does; not in a form with `novalidate`.
   */
  clickRuns(event: MouseEvent, checkFields?: boolean): boolean {
    const form = this.form;
    const button = event.composedPath().find((node) => node instanceof HTMLButtonElement || node instanceof HTMLInputElement) as
      HTMLButtonElement | undefined;
    return (
      !form || ((button?.type !== 'submit' || button.form !== form) && (!checkFields || form.noValidate || form.reportValidity()))
    );
  }
}
