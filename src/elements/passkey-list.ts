import { ReactiveElement, unsafeCSS } from '@lit/reactive-element';
import type { PasskeyInfo } from '../backends/passkey-server.js';
import { toAuthError } from '../errors.js';
import type { PasskeyListEventMap, PasskeyRemovedDetail, SessionListFailureDetail } from '../events.js';
import { fullTime, relativeTime, usableLang } from '../internal/device-label.js';
import { h } from '../internal/dom.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import { ListLoader } from '../session/list-loader.js';
import { findSession } from './find-session.js';
import type { UserSessionElement } from './user-session.js';

/**
 * The signed-in user's passkeys, as a list: each with its name, when it was added (in the page's
 * language), "Synced" for a passkey a passkey manager keeps on several devices, and a "Remove"
 * button. Loads like `<session-list>`: when connected, again on the session's `logged-in`,
 * `logged-out`, `user-change` and `passkeys-change` (`<add-passkey-action>` added one) and when
 * the page becomes visible, one load at a time. Import `user-session-elements/passkeys.js`.
 *
 * @tagname passkey-list
 * @summary The user's passkeys, each with a "Remove" button.
 *
 * @attr {string} session - Id of the `<user-session>` to use, looked up in this element's root at each load.
 *
 * @fires {CustomEvent<PasskeyRemovedDetail>} removed - A passkey was removed: `detail: { passkey }` (its `PasskeyInfo`). Does not bubble.
 * @fires {CustomEvent<SessionListFailureDetail>} failure - Listing or removing failed: `detail: { error }`. A backend without passkeys fires it once (`misconfigured`). Does not bubble.
 *
 * @slot empty - Shown when nothing is listed (signed out, or no passkey yet).
 * @csspart list - The `<ul>`; `aria-busy="true"` while loading or removing.
 * @csspart empty - The box around the `empty` slot.
 * @csspart item - Each `<li>`.
 * @csspart name - The passkey's name ("Passkey" when it has none).
 * @csspart created - "Added 3 days ago".
 * @csspart synced - The "Synced" marker.
 * @csspart remove - Each "Remove" button.
 * @csspart status - The polite live region: "Removed Work laptop.", failures.
 */
export class PasskeyListElement extends ReactiveElement {
  // prettier-ignore
  static override styles = unsafeCSS(':host{display:block}:host([hidden]),[hidden]{display:none!important}ul{list-style:none;margin:0;padding:0}li{display:flex;flex-wrap:wrap;gap:.25em .75em;align-items:baseline;padding:.4em 0}button{font:inherit}button[aria-disabled=true]{cursor:progress;opacity:.65}ul:focus{outline:none}');

  static override properties = { session: {} };

  /** Id of the `<user-session>` to use, looked up in this element's root at each load. */
  session: string | null = null;

  #sessionElement: UserSessionElement | null = null;
  readonly #loader = new ListLoader<PasskeyInfo>(
    {
      requestUpdate: () => this.requestUpdate(),
      findSession: () => findSession(this),
      emit: (type, detail) => this.#emit(type, detail),
    },
    {
      fetch: (session, signal) => session.listPasskeys({ signal }),
      events: ['logged-in', 'logged-out', 'user-change', 'passkeys-change'],
      failed: 'Could not list the passkeys: ',
    },
  );
  readonly #removing = new Map<string, Promise<boolean>>();
  #list: HTMLUListElement | null = null;
  #empty: HTMLElement | null = null;
  #status: HTMLElement | null = null;
  readonly #items = new Map<string, HTMLLIElement>();

  constructor() {
    super();
    this.addController(this.#loader);
    upgradeProperty(this, 'sessionElement');
  }

  /** The `<user-session>` to use when no `session` id is given. */
  get sessionElement(): UserSessionElement | null {
    return this.#sessionElement;
  }
  set sessionElement(element: UserSessionElement | null) {
    this.#sessionElement = element;
    if (this.isConnected) void this.refresh();
  }

  /** The passkeys shown: frozen `PasskeyInfo`s, newest first. Empty when signed out. */
  get passkeys(): readonly PasskeyInfo[] {
    return this.#loader.items;
  }

  /** True while loading or removing (the list's `aria-busy`). */
  get busy(): boolean {
    return this.#loader.loading || this.#removing.size > 0;
  }

  /** Lists the passkeys again. Never rejects: a failure fires `failure` and shows in the status. */
  refresh(): Promise<void> {
    return this.#loader.refresh();
  }

  /** Removes the passkey of that id (its "Remove" button). Resolves to `true` after `removed`, `false` after `failure`. */
  removePasskey(id: string): Promise<boolean> {
    let run = this.#removing.get(id);
    if (!run) {
      run = this.#remove(this.passkeys.find((p) => p.id === id) ?? Object.freeze({ id })).finally(() => {
        this.#removing.delete(id);
        this.requestUpdate();
      });
      this.#removing.set(id, run);
      this.requestUpdate();
    }
    return run;
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    // tabindex -1: focus lands on the list when the focused item goes away.
    const list = (this.#list = h('ul', { part: 'list', 'aria-label': 'Passkeys', tabindex: '-1' }) as HTMLUListElement);
    list.addEventListener('click', (event) => {
      const button = (event.target as Element).closest?.('[data-action=remove]');
      const id = button?.closest('li')?.dataset.id;
      if (id && button?.ariaDisabled !== 'true') void this.removePasskey(id);
    });
    this.#empty = h('div', { part: 'empty' }, h('slot', { name: 'empty' }));
    this.#status = h('div', { part: 'status', role: 'status', 'aria-live': 'polite' });
    root.append(list, this.#empty, this.#status);
    return root;
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('session') && changed.get('session') !== undefined) void this.refresh();
    const list = this.#list!;
    const passkeys = this.passkeys;
    list.ariaBusy = this.busy ? 'true' : null;
    const focused = this.shadowRoot!.activeElement;
    let focusLost = false;
    for (const [id, item] of this.#items) {
      if (passkeys.some((p) => p.id === id)) continue;
      focusLost ||= item.contains(focused);
      item.remove();
      this.#items.delete(id);
    }
    const now = Date.now();
    const lang = usableLang(this.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang);
    passkeys.forEach((passkey, index) => {
      let item = this.#items.get(passkey.id);
      if (!item) {
        item = h('li', { part: 'item', 'data-id': passkey.id }) as HTMLLIElement;
        this.#items.set(passkey.id, item);
      }
      const name = nameOf(passkey);
      const created = passkey.createdAt;
      const time = h('time', {});
      if (created !== undefined) {
        time.textContent = relativeTime(created, now, lang);
        time.title = fullTime(created, lang);
        (time as HTMLTimeElement).dateTime = new Date(created).toISOString();
      }
      const remove = h('button', { type: 'button', part: 'remove', 'data-action': 'remove' }, 'Remove');
      remove.setAttribute('aria-label', `Remove passkey ${name}${created === undefined ? '' : `, added ${time.textContent}`}`);
      if (this.#removing.has(passkey.id)) remove.setAttribute('aria-disabled', 'true');
      const hadFocus = item.contains(focused);
      item.replaceChildren(
        h('span', { part: 'name' }, name),
        ...(created === undefined ? [] : [' ', h('span', { part: 'created' }, 'Added ', time)]),
        ...(passkey.synced ? [' ', h('span', { part: 'synced' }, 'Synced')] : []),
        ' ',
        remove,
      );
      if (hadFocus) remove.focus();
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
    });
    if (focusLost) list.focus();
    this.#empty!.hidden = passkeys.length > 0 || this.#loader.loading;
    if (this.#status!.textContent !== this.#loader.status) this.#status!.textContent = this.#loader.status;
  }

  async #remove(passkey: PasskeyInfo): Promise<boolean> {
    const name = nameOf(passkey);
    try {
      const session = await findSession(this);
      await session.deletePasskey(passkey.id);
      this.#loader.items = Object.freeze(this.#loader.items.filter((p) => p.id !== passkey.id));
      this.#loader.status = `Removed ${name}.`;
      this.#emit('removed', { passkey });
      return true;
    } catch (caught) {
      const error = toAuthError(caught);
      this.#loader.status = `Could not remove ${name}: ${error.message}`;
      this.#emit('failure', { error });
      return false;
    }
  }

  #emit(type: 'removed' | 'failure', detail: PasskeyRemovedDetail | SessionListFailureDetail): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function nameOf(passkey: PasskeyInfo): string {
  return passkey.name ?? 'Passkey';
}

export interface PasskeyListElement {
  addEventListener<K extends keyof PasskeyListEventMap>(
    type: K,
    listener: (this: PasskeyListElement, event: PasskeyListEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PasskeyListEventMap>(
    type: K,
    listener: (this: PasskeyListElement, event: PasskeyListEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'passkey-list': PasskeyListElement;
  }
}
