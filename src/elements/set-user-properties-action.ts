import { ActionElement, type ActionOutcome } from './action-element.js';
import { FormBinding } from './form-binding.js';
import type { AuthError } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import type {
  SetUserPropertiesActionEventMap,
  SetUserPropertiesFailureDetail,
  SetUserPropertiesSuccessDetail,
} from '../events.js';
import type { UserSessionElement } from './user-session.js';

/**
 * Sets fields of the signed-in user through its `<user-session>` on `do()`, a click, or submit
 * of the surrounding form: Noodl's "Set User Properties" node as an element. The fields are the
 * form's named fields (values as strings; an empty field is left unchanged, so a form can offer
 * fields the user may skip) with the `properties` object merged over them (`null` there clears
 * a field). Names the server keeps (`username`, `password`, `emailVerified`, `objectId`, `ACL`,
 * `createdAt`, names starting with `_`…) and values that are not plain JSON fail with
 * `bad-request` before any request. On success `<user-session>` shows the new fields and fires
 * `user-change`, in this tab and the others; a changed email shows `emailVerified: false`.
 * In a form, a click on the default button (or your own non-submit content) first has the browser check the fields (`required`, `type=email`…, not with `novalidate`), as Enter and a submit button do.
 *
 * @tagname set-user-properties-action
 * @summary A save button (or your own content) that sets the signed-in user's email and custom properties.
 *
 * @attr {string} label - Text of the default button (default "Save").
 * @attr {string} session - Id of the `<user-session>` to use, looked up when the action runs.
 * @attr {boolean} busy - Present while the update is in progress (output only), with `aria-busy="true"`; the default button is marked `aria-disabled` meanwhile (it keeps keyboard focus).
 *
 * @fires {CustomEvent<SetUserPropertiesSuccessDetail>} success - The server has the new fields. `detail: { user }`, the user as `<user-session>` now shows it. Does not bubble.
 * @fires {CustomEvent<SetUserPropertiesFailureDetail>} failure - `detail: { error }` (`bad-request` for a refused field or when signed out, `invalid-session`, `network`, `misconfigured` when the backend cannot update users…). Nothing changed here. Does not bubble.
 *
 * @slot - Your own trigger, such as `<button type="submit">Save</button>`; replaces the default button.
 * @csspart button - The default button.
 */
export class SetUserPropertiesActionElement extends ActionElement<
  SetUserPropertiesSuccessDetail,
  SetUserPropertiesFailureDetail
> {
  readonly #form = new FormBinding(this, {
    submit: (event) => {
      event.preventDefault();
      void this.do();
    },
  });
  #properties: Record<string, unknown> | null = null;

  constructor() {
    super();
    upgradeProperty(this, 'properties');
  }

  /**
   * Fields to set, merged over the form's fields (a property, never an attribute).
   * @default null
   */
  get properties(): Record<string, unknown> | null {
    return this.#properties;
  }
  set properties(value: Record<string, unknown> | null) {
    this.#properties = value;
  }

  protected get defaultLabel(): string {
    return 'Save';
  }

  /** A submit button of the form is left to the form; any other click in it runs once its fields are valid, as Enter. */
  protected override runsOnClick(event: MouseEvent): boolean {
    // Busy: the click joins the run, with no check of the form mid-run.
    return this.#form.clickRuns(event, !this.busy);
  }

  protected async perform(
    session: UserSessionElement,
  ): Promise<ActionOutcome<SetUserPropertiesSuccessDetail, SetUserPropertiesFailureDetail>> {
    // A rejection is the base class's: `failure` with `failureDetail`.
    return { ok: true, detail: { user: await session.updateUser(this.#fields()) } };
  }

  protected failureDetail(error: AuthError): SetUserPropertiesFailureDetail {
    return { error };
  }

  /** Read when the action runs, so it sees what the user typed. */
  #fields(): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    const form = this.#form.form;
    if (form) {
      for (const [name, value] of new FormData(form)) {
        if (typeof value === 'string' && value !== '') fields[name] = value;
      }
    }
    return { ...fields, ...(isRecord(this.properties) ? this.properties : {}) };
  }
}

export interface SetUserPropertiesActionElement {
  addEventListener<K extends keyof SetUserPropertiesActionEventMap>(
    type: K,
    listener: (this: SetUserPropertiesActionElement, event: SetUserPropertiesActionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SetUserPropertiesActionEventMap>(
    type: K,
    listener: (this: SetUserPropertiesActionElement, event: SetUserPropertiesActionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'set-user-properties-action': SetUserPropertiesActionElement;
  }
}
