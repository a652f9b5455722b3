import { ReactiveElement, unsafeCSS } from '@lit/reactive-element';
import type { TwoFactorSecret } from '../features/two-factor.js';
import type { EnableTwoFactorActionEventMap } from '../events.js';
import { toAuthError } from '../errors.js';
import { h } from '../internal/dom.js';
import { formField } from '../internal/form-field.js';
import { findSession } from './find-session.js';
import type { UserSessionElement } from './user-session.js';

/** The element's steps, reflected as its `step` attribute (none before the first). */
export const TwoFactorSetupStep = { scan: 'scan', codes: 'codes' } as const;
export type TwoFactorSetupStep = (typeof TwoFactorSetupStep)[keyof typeof TwoFactorSetupStep];

/**
 * Turns on two-step sign-in for the signed-in user, in two steps inside the element: a click (or
 * `do()`) asks the server for a new secret and shows it as a QR code for an authenticator app,
 * with the key as text for typing in; the first code from the app (or `do()` with `code` set)
 * puts it in force and shows the recovery codes once, with "Copy" and "Download". The secret and
 * the codes leave the DOM at "Done", on sign-out and when the element is removed. Needs the
 * `two-factor` add-on (`user-session-elements/two-factor.js`); the QR code library loads only
 * when a secret is shown. Better Auth asks for the password: the surrounding form's `password`
 * field, or the `password` property.
 *
 * @tagname enable-two-factor-action
 * @summary A "Turn on two-step sign-in" button, QR code and recovery codes included.
 *
 * @attr {string} label - Text of the first button (default "Turn on two-step sign-in").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {string} step - Output only: `scan` while the QR code and the code field show, `codes` while the recovery codes show.
 * @attr {boolean} busy - Present while a request runs (output only), with `aria-busy="true"`.
 *
 * @fires {CustomEvent<TwoFactorSetupDetail>} setup - The secret is shown (step `scan`). `detail: { uri, secret }`, for a page that draws its own QR code; no later event carries it. Does not bubble.
 * @fires {CustomEvent<EnableTwoFactorSuccessDetail>} success - Two-step sign-in is on (step `codes`). `detail: { recoveryCodes }`: the only event that carries them. Does not bubble.
 * @fires {CustomEvent<SignInFailureDetail>} failure - `detail: { error }`: `invalid-code` (try again: the secret stays), `invalid-credentials` (password), `bad-request` (signed out, or already on), `network`, `misconfigured`. Does not bubble.
 *
 * @csspart button - The first button.
 * @csspart setup - The QR code step: `qr`, `secret`, `code-input`, `confirm-button`, `cancel-button` inside.
 * @csspart codes - The recovery codes step: `code-list`, `copy-button`, `download`, `done-button` inside.
 * @csspart message - The live region: what happened last (an error, "Copied").
 */
export class EnableTwoFactorActionElement extends ReactiveElement {
  // prettier-ignore
  static override styles = unsafeCSS(':host{display:block}:host([hidden]),[hidden]{display:none!important}button,input{font:inherit}[part=qr] svg{width:12rem;height:12rem;display:block}[part=secret]{word-break:break-all}');

  static override properties = { label: {}, session: {} };

  /** Text of the first button; blank shows the default text. */
  label: string | null = null;
  /** Id of the `<user-session>` to use. */
  session: string | null = null;
  /** The `<user-session>` to use when no `session` id is given (else the closest one). */
  sessionElement: UserSessionElement | null = null;
  /** Password for the next run (Better Auth asks for it), instead of the form's `password` field. Cleared after the run. */
  password: string | null = null;
  /** Code for the next confirmation, instead of the code field. Cleared after the run. */
  code: string | null = null;

  #flight: Promise<boolean> | null = null;
  #step: TwoFactorSetupStep | null = null;
  #busyNow = false;
  #signedInto: UserSessionElement | null = null;
  #downloadUrl = '';
  readonly #parts = {
    start: h('button', { type: 'button', part: 'button' }),
    qr: h('div', { part: 'qr', role: 'img', 'aria-label': 'QR code for your authenticator app' }),
    secret: h('code', { part: 'secret' }),
    input: h('input', {
      part: 'code-input',
      id: 'code',
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      spellcheck: 'false',
    }) as HTMLInputElement,
    list: h('ul', { part: 'code-list' }),
    download: h('a', { part: 'download', download: 'recovery-codes.txt' }, 'Download as text') as HTMLAnchorElement,
    message: h('p', { part: 'message', role: 'status' }),
  };
  readonly #setup: HTMLElement;
  readonly #codes: HTMLElement;

  constructor() {
    super();
    const p = this.#parts;
    const button = (part: string, text: string, run: () => void) => {
      const b = h('button', { type: 'button', part }, text);
      b.addEventListener('click', run);
      return b;
    };
    p.start.addEventListener('click', () => void this.do());
    p.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') void this.do();
    });
    this.#setup = h(
      'div',
      { part: 'setup', hidden: '' },
      h('p', {}, 'Scan this QR code with your authenticator app, or enter the key by hand.'),
      p.qr,
      h('p', {}, 'Key: ', p.secret),
      h('label', { for: 'code' }, 'Code from the app '),
      p.input,
      ' ',
      button('confirm-button', 'Turn on', () => void this.do()),
      ' ',
      button('cancel-button', 'Cancel', () => this.reset()),
    );
    this.#codes = h(
      'div',
      { part: 'codes', hidden: '', tabindex: '-1' },
      h(
        'p',
        {},
        'Two-step sign-in is on. Keep these recovery codes somewhere safe: each signs you in once without your phone. They are shown only now.',
      ),
      p.list,
      button('copy-button', 'Copy codes', () => void this.#copy()),
      ' ',
      p.download,
      ' ',
      button('done-button', 'Done', () => this.reset()),
    );
  }

  /** The current step: `null` before the first, `scan`, then `codes` (reflected as `step`: output only). */
  get step(): TwoFactorSetupStep | null {
    return this.#step;
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'step', 'busy'];
  }

  /** `step` and `busy` say what the element does: page code that changes them is reverted. */
  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'step' && value !== this.#step) this.#setStep(this.#step);
    else if (name === 'busy' && (value !== null) !== this.#busyNow) this.toggleAttribute('busy', this.#busyNow);
    else super.attributeChangedCallback(name, old, value);
  }

  #setStep(step: TwoFactorSetupStep | null): void {
    this.#step = step;
    if (step) this.setAttribute('step', step);
    else this.removeAttribute('step');
  }

  /** True while a request runs. */
  get busy(): boolean {
    return this.#flight !== null;
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    root.append(this.#parts.start, this.#setup, this.#codes, this.#parts.message);
    return root;
  }

  protected override updated(): void {
    // Blank: the default text, as the action elements (never a button with no name).
    this.#parts.start.textContent = String(this.label ?? '').trim() || 'Turn on two-step sign-in';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.reset();
  }

  /**
   * Runs the current step: before the QR code, asks for a secret and shows it; while it shows,
   * confirms with the code. Calls during a run join it. Resolves to `false` after `failure`,
   * else `true`; never rejects.
   */
  do(): Promise<boolean> {
    if (this.step === TwoFactorSetupStep.codes) return Promise.resolve(true);
    return (this.#flight ??= this.#run().finally(() => {
      this.#flight = null;
      this.password = this.code = null;
      this.#busy(false);
    }));
  }

  /**
   * Back to the first step: the secret and the recovery codes leave the DOM (what Cancel and Done
   * do). Focus in a step that goes (Cancel, Done, the code field) moves to the first button, not
   * to `<body>`.
   */
  reset(): void {
    const p = this.#parts;
    const focused = this.shadowRoot?.activeElement;
    const focusInStep = !!focused && focused !== p.start;
    this.#setStep(null);
    this.#setup.hidden = this.#codes.hidden = true;
    p.start.hidden = false;
    p.qr.replaceChildren();
    p.secret.textContent = p.input.value = '';
    p.list.replaceChildren();
    p.download.removeAttribute('href');
    if (this.#downloadUrl) URL.revokeObjectURL(this.#downloadUrl);
    this.#downloadUrl = '';
    this.#signedInto?.removeEventListener('logged-out', this.#onLoggedOut);
    this.#signedInto = null;
    if (focusInStep) p.start.focus();
  }

  #onLoggedOut = () => {
    this.reset();
    this.#parts.message.textContent = '';
  };

  async #run(): Promise<boolean> {
    const confirming = this.step === TwoFactorSetupStep.scan;
    const password = this.password ?? formField(this, 'password');
    const code = this.code ?? this.#parts.input.value;
    this.#parts.message.textContent = '';
    this.#busy(true);
    try {
      const found = findSession(this);
      const session = found instanceof Promise ? await found : found;
      if (confirming) {
        const { recoveryCodes } = await session.enableTwoFactor(code);
        this.#showCodes(recoveryCodes);
        this.dispatchEvent(new CustomEvent('success', { detail: { recoveryCodes } }));
      } else {
        const secret = await session.beginTwoFactor(password ? { password } : {});
        await this.#showSecret(secret);
        this.#watch(session);
        this.dispatchEvent(new CustomEvent('setup', { detail: { uri: secret.uri, secret: secret.secret } }));
      }
      return true;
    } catch (caught) {
      const error = toAuthError(caught);
      // A secret the feature no longer holds (signed out or in again meanwhile): start over.
      if (confirming && error.code === 'bad-request') this.reset();
      this.#parts.message.textContent = error.message;
      this.dispatchEvent(new CustomEvent('failure', { detail: { error } }));
      return false;
    }
  }

  async #showSecret({ uri, secret }: TwoFactorSecret): Promise<void> {
    const p = this.#parts;
    // Loaded here only: a page that never shows a secret never downloads the QR code library.
    const [{ generate }, { toSvg }] = await Promise.all([import('lean-qr/nano'), import('lean-qr/extras/svg')]);
    p.qr.replaceChildren(toSvg(generate(uri), document, { on: 'black', off: 'white' }));
    // Grouped by four, as authenticator apps show keys; spaces are ignored when typed in.
    p.secret.textContent = secret.replace(/(.{4})(?=.)/g, '$1 ');
    p.start.hidden = true;
    this.#setup.hidden = false;
    this.#setStep(TwoFactorSetupStep.scan);
    p.input.focus();
  }

  #showCodes(codes: readonly string[]): void {
    const p = this.#parts;
    p.list.replaceChildren(...codes.map((code) => h('li', {}, h('code', {}, code))));
    if (this.#downloadUrl) URL.revokeObjectURL(this.#downloadUrl);
    this.#downloadUrl = URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }));
    p.download.href = this.#downloadUrl;
    p.qr.replaceChildren();
    p.secret.textContent = p.input.value = '';
    this.#setup.hidden = true;
    this.#codes.hidden = false;
    this.#setStep(TwoFactorSetupStep.codes);
    this.#codes.focus();
  }

  async #copy(): Promise<void> {
    const text = [...this.#parts.list.querySelectorAll('li')].map((li) => li.textContent).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      this.#parts.message.textContent = 'Copied.';
    } catch {
      this.#parts.message.textContent = 'Copying was refused: select the codes and copy them, or download them.';
    }
  }

  /** A sign-out while the secret or the codes show takes them away. */
  #watch(session: UserSessionElement): void {
    this.#signedInto?.removeEventListener('logged-out', this.#onLoggedOut);
    this.#signedInto = session;
    session.addEventListener('logged-out', this.#onLoggedOut);
  }

  #busy(on: boolean): void {
    this.#busyNow = on;
    this.toggleAttribute('busy', on);
    this.ariaBusy = on ? 'true' : null;
  }
}

export interface EnableTwoFactorActionElement {
  addEventListener<K extends keyof EnableTwoFactorActionEventMap>(
    type: K,
    listener: (this: EnableTwoFactorActionElement, event: EnableTwoFactorActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof EnableTwoFactorActionEventMap>(
    type: K,
    listener: (this: EnableTwoFactorActionElement, event: EnableTwoFactorActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'enable-two-factor-action': EnableTwoFactorActionElement;
  }
}
