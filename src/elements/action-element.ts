import { ReactiveElement, unsafeCSS } from '@lit/reactive-element';
import { AuthError, toAuthError } from '../errors.js';
import { findSession } from './find-session.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import type { UserSessionElement } from './user-session.js';

/**
 * How long a run lasts before the default button looks busy (dimmed, `cursor: progress`). Under
 * ~100 ms an answer feels instant (the busy look would only flash); the `busy`, `aria-busy` and
 * `aria-disabled` attributes are set at once all the same.
 */
const busyLookDelayMs = 100;

/** How one run of an action ended: which event to fire, with what detail. */
export type ActionOutcome<Success, Failure extends { error: AuthError }> =
  { ok: true; detail: Success } | { ok: false; detail: Failure };

/**
 * What every action element shares: `do()` and clicks as triggers, single flight, `busy` and
 * `aria-busy` while running, the `error` string, and the `success` / `failure` events
 * (`bubbles: false`, `composed: false`: listen on the element itself). Renders a default
 * `<button part="button">` unless the author brings their own content.
 */
export abstract class ActionElement<Success, Failure extends { error: AuthError }> extends ReactiveElement {
  // Written compact: no build step minifies CSS inside the bundle.
  // The busy look hangs on a class set `busyLookDelayMs` into a run, not on `aria-disabled`: see #showBusy.
  // prettier-ignore
  // A constant string: unsafeCSS spares the page Lit's `css` tag and its checks.
  static override styles = unsafeCSS(':host{display:inline-block}:host([hidden]),[hidden]{display:none}button{font:inherit}button.busy{cursor:progress;opacity:.65}');

  static override properties = {
    label: {},
    session: {},
  };

  /** Text of the default button; blank (`label=""`) shows the default text, never an empty button. */
  label: string | null = null;
  /** Id of the `<user-session>` to use, looked up in this element's root when the action runs. */
  session: string | null = null;

  // Every public property is an accessor, so frameworks that look for a setter (Svelte) set it as one.
  #error = '';
  #sessionElement: UserSessionElement | null = null;
  #flight: Promise<boolean> | null = null;
  #button: HTMLButtonElement | undefined;
  #busyLook: ReturnType<typeof setTimeout> | undefined;

  /** Whether a click inside the element starts a run (subclasses leave some clicks to others). */
  protected runsOnClick(_event: MouseEvent): boolean {
    return true;
  }

  /** Label of the default button when `label` is not set. */
  protected abstract get defaultLabel(): string;

  /** Does the work with the session found for this run. */
  protected abstract perform(session: UserSessionElement): Promise<ActionOutcome<Success, Failure>>;

  /** Called when a run has its outcome, before the event: drop what the run should not keep. */
  protected runEnded(): void {}

  /** The failure detail for an error that happened before `perform` could report one. */
  protected abstract failureDetail(error: AuthError): Failure;

  constructor() {
    super();
    this.addEventListener('click', (event) => {
      if (this.runsOnClick(event)) void this.do();
    });
    upgradeProperty(this, 'sessionElement');
  }

  /** The `<user-session>` to use when no `session` id is given. */
  get sessionElement(): UserSessionElement | null {
    return this.#sessionElement;
  }
  set sessionElement(element: UserSessionElement | null) {
    this.#sessionElement = element;
  }

  /** `""` when a run starts; the failure's message after a failure (Noodl's Error output). */
  get error(): string {
    return this.#error;
  }

  /** True while a run is in progress (also reflected as the `busy` attribute, with `aria-busy`). */
  get busy(): boolean {
    return this.#flight !== null;
  }

  /**
   * Runs the action. A click anywhere inside the element does the same (in a form, the sign-in
   * and profile actions first have the browser check its fields; `do()` does not); calls and clicks
   * during a run join it: one request, one event, one result. The `<user-session>` is found
   * now: the `session` id, else `sessionElement`, else the closest ancestor (across shadow
   * roots), else the only one in the document, else `failure` with code `no-session`; it waits
   * while `<user-session>` is not defined yet.
   * Resolves to `true` after `success` was dispatched, `false` after `failure`; never rejects.
   */
  do(): Promise<boolean> {
    if (this.#flight) return this.#flight;
    // Properties set before the upgrade (`scope`, `session`…) are applied by the first update:
    // run it now if it has not run (a `do()` in the defining task, or never connected).
    if (!this.hasUpdated) this.performUpdate();
    // The flight is known before the run starts: a listener of an event the run fires
    // synchronously (`logged-out`) that calls `do()` joins it.
    let settle!: (ok: boolean) => void;
    this.#flight = new Promise<boolean>((resolve) => (settle = resolve));
    void this.#run().then(settle);
    return this.#flight;
  }

  async #run(): Promise<boolean> {
    this.#error = '';
    let work: Promise<ActionOutcome<Success, Failure>>;
    try {
      // Started before the busy state is shown: the request leaves first.
      const session = findSession(this);
      work = session instanceof Promise ? session.then((s) => this.perform(s)) : this.perform(session);
    } catch (caught) {
      work = Promise.reject(caught);
    }
    this.#showBusy(true);
    let outcome: ActionOutcome<Success, Failure>;
    try {
      outcome = await work;
    } catch (caught) {
      outcome = { ok: false, detail: this.failureDetail(toAuthError(caught)) };
    }
    this.runEnded();
    this.#flight = null;
    this.#showBusy(false);
    if (!outcome.ok) this.#error = outcome.detail.error.message;
    // A CustomEvent's defaults: it does not bubble and is not composed (the class comment above).
    this.dispatchEvent(new CustomEvent(outcome.ok ? 'success' : 'failure', { detail: outcome.detail }));
    return outcome.ok;
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    const slot = document.createElement('slot');
    const button = (this.#button = document.createElement('button'));
    button.type = 'button';
    button.setAttribute('part', 'button');
    // The default button shows only when the author put no content of their own. Content there
    // at connect fires `slotchange` too, so no update reads the slot (1,000 actions upgrade faster).
    slot.addEventListener('slotchange', () => {
      // Flattened: a <slot> forwarded from the page's own component counts by what it forwards.
      // Slotted nodes are elements or text (3): only text may be blank.
      button.hidden = slot.assignedNodes({ flatten: true }).some((node) => node.nodeType !== 3 || node.textContent!.trim());
    });
    root.append(slot, button);
    return root;
  }

  protected override updated(): void {
    // A blank label would leave a button with no name for screen readers: the default text instead.
    // (The first update makes the render root, and with it the button, if connecting has not.)
    // String(): a framework may set a number; it shows as text, as it always did.
    this.#button!.textContent = String(this.label ?? '').trim() || this.defaultLabel;
  }

  #showBusy(on: boolean): void {
    const aria = on ? 'true' : null;
    this.toggleAttribute('busy', on);
    this.ariaBusy = aria;
    // aria-disabled, not disabled: a disabled button drops keyboard focus to <body> in every
    // engine, so a keyboard or screen-reader user would lose their place. Clicks meanwhile only
    // join the run in flight.
    // The attributes change no style of ours, so they cost no rendering frame. The busy
    // look (dimmed, progress cursor) would: a frame drawn while the request is out, whose style,
    // paint and commit delayed the reply's handling by ~0.3–1.3 ms (README, Performance). It comes
    // only for a run still going after `busyLookDelayMs`; a quicker one never flashes it.
    clearTimeout(this.#busyLook);
    const button = this.#button; // none before the first connect (`do()` called on a new element)
    if (button) {
      button.ariaDisabled = aria;
      if (on) this.#busyLook = setTimeout(() => button.classList.add('busy'), busyLookDelayMs);
      else button.classList.remove('busy');
    }
  }
}
