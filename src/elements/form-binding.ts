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
    if (this.#listeners.keydown) this.form?.addEventListener('keydown', this.#listeners.keydown);
  }

  hostDisconnected(): void {
    this.form?.removeEventListener('submit', this.#listeners.submit);
    if (this.#listeners.keydown) this.form?.removeEventListener('keydown', this.#listeners.keydown);
    this.form = null;
  }

  /**
   * Whether a click is on a submit button of the form: that is left to the form, so the browser
   * checks the fields (`required`…) first, and only a valid form reaches the submit listener.
   */
  submitsTheForm(event: MouseEvent): boolean {
    const button = event.composedPath().find((node) => node instanceof HTMLButtonElement || node instanceof HTMLInputElement);
    return (
      !!this.form &&
      (button as HTMLButtonElement | undefined)?.type === 'submit' &&
      (button as HTMLButtonElement).form === this.form
    );
  }
}
