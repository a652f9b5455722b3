import { ReactiveElement, unsafeCSS } from '@lit/reactive-element';
import type { SessionInfo } from '../backends/backend.js';
import type { SessionListEventMap, SessionListFailureDetail, SessionRevokedDetail } from '../events.js';
import { deviceLabel, fullTime, relativeTime, usableLang } from '../internal/device-label.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import { SessionListController } from '../session/session-list-controller.js';
import { findSession } from './find-session.js';
import { h } from '../internal/dom.js';
import type { UserSessionElement } from './user-session.js';

/** The content of one item when the page brings no `<template>`. */
const defaultItem = (): (Node | string)[] => [
  h('span', { part: 'device', 'data-field': 'device' }),
  ' ',
  h('strong', { part: 'current', 'data-if': 'current' }, 'This device'),
  '\n',
  h('span', { part: 'time created', 'data-if': 'created' }, 'Signed in ', h('time', { 'data-field': 'created' })),
  '\n',
  h('span', { part: 'time last-active', 'data-if': 'last-active' }, 'Last active ', h('time', { 'data-field': 'last-active' })),
  '\n',
  h('button', { type: 'button', part: 'revoke', 'data-action': 'revoke' }, 'Sign out'),
];

/** The session fields an item template can show (`data-field`) or show only when present (`data-if`). */
const timeFields = { created: 'createdAt', 'last-active': 'lastActiveAt', expires: 'expiresAt' } as const;

/**
 * The signed-in user's sessions on every device, as a list: each shows its device (read from the
 * User-Agent: "Firefox on Linux"), when it signed in and was last active (in the page's language),
 * "This device" for this browser's own, and for every other a "Sign out" button; a "Sign out all
 * other devices" button while there are others. Works with the `<user-session>` it is inside, or
 * the one named by `session` (found like the actions find theirs). Loads when connected, again
 * on the session's `logged-in`, `logged-out`, `user-change` and `sessions-change` events and when
 * the page becomes visible again; one load at a time (a newer one aborts the older).
 *
 * Your own item markup: put a `<template>` inside; each item is a copy of it in the shadow
 * `<li part="item">`. In it, `data-field="device|created|last-active|expires"` elements get
 * the text (a `<time>` also its `datetime`), `data-if="current|other|created|last-active|expires"`
 * elements show only when that holds, and `data-action="revoke"` buttons sign that session out
 * (hidden on this browser's own). Style it with `part` attributes of your own and `::part()`.
 * The template is read for each new item.
 *
 * @tagname session-list
 * @summary The user's sessions on other devices, each with a "Sign out" button.
 *
 * @attr {string} session - Id of the `<user-session>` to use, looked up in this element's root at each load.
 *
 * @fires {CustomEvent<SessionRevokedDetail>} revoked - A session ended: `detail: { scope: 'session', session }` (the `SessionInfo` of the one signed out: id, device, times; never a token) for a "Sign out" button or `revoke(id)`, or `detail: { scope: 'others' }` for "Sign out all other devices". Fired after the `<user-session>`'s `sessions-change`. Does not bubble.
 * @fires {CustomEvent<SessionListFailureDetail>} failure - Listing or revoking failed: `detail: { error }` (an `AuthError`). A backend that cannot list sessions fires it once (code `misconfigured`), and the message stays visible. Does not bubble.
 *
 * @slot empty - Shown when nothing is listed (signed out, or no session could be listed): your own text.
 * @csspart list - The `<ul>`; `aria-busy="true"` while loading or revoking.
 * @csspart empty - The box around the `empty` slot (hidden while something is listed).
 * @csspart item - Each `<li>`; this browser's own also has part `current-item`.
 * @csspart device - The device's name ("Firefox on Linux", "Unknown device").
 * @csspart time - The sign-in and last-active times (also parts `created` and `last-active`).
 * @csspart current - The "This device" marker on this browser's session.
 * @csspart revoke - Each "Sign out" button (not on this browser's session).
 * @csspart revoke-others - The "Sign out all other devices" button, shown while there are other sessions.
 * @csspart status - The polite live region: "Signed out Firefox on Linux.", failures.
 */
export class SessionListElement extends ReactiveElement {
  // A constant string: unsafeCSS spares the page Lit's `css` tag and its checks.
  // prettier-ignore
  static override styles = unsafeCSS(':host{display:block}:host([hidden]),[hidden]{display:none!important}ul{list-style:none;margin:0;padding:0}li{display:flex;flex-wrap:wrap;gap:.25em .75em;align-items:baseline;padding:.4em 0}button{font:inherit}button[aria-disabled=true]{cursor:progress;opacity:.65}ul:focus{outline:none}');

  static override properties = {
    session: {},
  };

  /** Id of the `<user-session>` to use, looked up in this element's root at each load. */
  session: string | null = null;

  #sessionElement: UserSessionElement | null = null;
  readonly #controller = new SessionListController({
    requestUpdate: () => this.requestUpdate(),
    findSession: () => findSession(this),
    describe: (info) => this.#device(info),
    emit: (type: 'revoked' | 'failure', detail: SessionRevokedDetail | SessionListFailureDetail) =>
      this.dispatchEvent(new CustomEvent(type, { detail })),
  });
  #list: HTMLUListElement | null = null;
  #empty: HTMLElement | null = null;
  #others: HTMLButtonElement | null = null;
  #status: HTMLElement | null = null;
  /** The rendered items, by session id. */
  readonly #items = new Map<string, HTMLLIElement>();
  readonly #idOf = new WeakMap<Element, string>();

  constructor() {
    super();
    this.addController(this.#controller);
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

  /** The sessions shown: frozen `SessionInfo`s, this browser's first. Empty when signed out. */
  get sessions(): readonly SessionInfo[] {
    return this.#controller.items;
  }

  /** True while loading or revoking (the list's `aria-busy`). */
  get busy(): boolean {
    return this.#controller.busy;
  }

  /** Lists the sessions again. Never rejects: a failure fires `failure` and shows in the status. */
  refresh(): Promise<void> {
    return this.#controller.refresh();
  }

  /**
   * Signs out the session of that id (what its "Sign out" button does; this browser's own id
   * logs out here). Resolves to `true` after `revoked`, `false` after `failure`; never rejects.
   */
  revoke(id: string): Promise<boolean> {
    return this.#controller.revoke(id);
  }

  /** Signs out every other session of the user (the "Sign out all other devices" button). Like `revoke`. */
  revokeOthers(): Promise<boolean> {
    return this.#controller.revokeOthers();
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    // tabindex -1: focus lands on the list when the focused item goes away.
    const list = (this.#list = h('ul', { part: 'list', 'aria-label': 'Sessions', tabindex: '-1' }) as HTMLUListElement);
    list.addEventListener('click', (event) => {
      const button = (event.target as Element).closest?.('[data-action=revoke]');
      const item = button?.closest('li');
      const id = item && this.#idOf.get(item);
      if (id && button?.ariaDisabled !== 'true') void this.revoke(id);
    });
    const empty = (this.#empty = h('div', { part: 'empty' }, h('slot', { name: 'empty' })));
    const others = (this.#others = h(
      'button',
      { type: 'button', part: 'revoke-others' },
      'Sign out all other devices',
    ) as HTMLButtonElement);
    others.addEventListener('click', () => {
      if (others.ariaDisabled !== 'true') void this.revokeOthers();
    });
    const status = (this.#status = h('div', { part: 'status', role: 'status', 'aria-live': 'polite' }));
    root.append(list, empty, others, status);
    return root;
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('session') && changed.get('session') !== undefined) void this.refresh();
    this.#render();
  }

  #render(): void {
    const list = this.#list!;
    const { items: sessions, revoking, loading } = this.#controller;
    const busy = this.#controller.busy;
    list.ariaBusy = busy ? 'true' : null;
    const now = Date.now();
    const lang = usableLang(this.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang);
    const others = this.#others!;
    const othersGone = !sessions.some((s) => !s.current);
    const focused = this.shadowRoot!.activeElement;
    // The focus is on something about to go (an item, or the button for the other devices).
    const focusLost =
      (othersGone && focused === others) ||
      [...this.#items].some(([id, item]) => !sessions.some((s) => s.id === id) && item.contains(focused));
    for (const [id, item] of this.#items) {
      if (sessions.some((s) => s.id === id)) continue;
      item.remove();
      this.#items.delete(id);
    }
    const template = this.querySelector<HTMLTemplateElement>(':scope > template')?.content;
    sessions.forEach((info, index) => {
      let item = this.#items.get(info.id);
      if (!item) {
        item = document.createElement('li');
        item.append(...(template ? [template.cloneNode(true)] : defaultItem()));
        this.#idOf.set(item, info.id);
        this.#items.set(info.id, item);
      }
      this.#fill(item, info, revoking.has(info.id), now, lang);
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
    });
    if (focusLost) list.focus();
    this.#empty!.hidden = sessions.length > 0 || loading;
    others.hidden = othersGone;
    others.ariaDisabled = this.#controller.revokingOthers ? 'true' : null;
    if (this.#status!.textContent !== this.#controller.status) this.#status!.textContent = this.#controller.status;
  }

  /** Puts one session's facts into its item. */
  #fill(item: HTMLLIElement, info: SessionInfo, revoking: boolean, now: number, lang: string | undefined): void {
    const device = this.#device(info);
    item.setAttribute('part', info.current ? 'item current-item' : 'item');
    const has: Record<string, boolean> = { current: info.current, other: !info.current };
    for (const [field, key] of Object.entries(timeFields)) has[field] = typeof info[key] === 'number';
    for (const element of item.querySelectorAll<HTMLElement>('[data-if]')) element.hidden = !has[element.dataset.if!];
    for (const element of item.querySelectorAll<HTMLElement>('[data-field]')) {
      const field = element.dataset.field!;
      if (field === 'device') {
        element.textContent = device;
        continue;
      }
      const at = info[timeFields[field as keyof typeof timeFields]];
      if (typeof at !== 'number') continue;
      element.textContent = relativeTime(at, now, lang);
      element.title = fullTime(at, lang);
      if (element instanceof HTMLTimeElement) element.dateTime = new Date(at).toISOString();
    }
    const created = typeof info.createdAt === 'number' ? `, signed in ${relativeTime(info.createdAt, now, lang)}` : '';
    for (const button of item.querySelectorAll<HTMLElement>('[data-action=revoke]')) {
      button.hidden = info.current;
      button.setAttribute('aria-label', `Sign out ${device}${created}`);
      button.ariaDisabled = revoking ? 'true' : null;
    }
  }

  /** The device's readable name; this browser's own session is this browser when the server keeps no User-Agent. */
  #device(info: SessionInfo): string {
    return deviceLabel(info.userAgent ?? (info.current ? globalThis.navigator?.userAgent : undefined)) ?? 'Unknown device';
  }
}

export interface SessionListElement {
  addEventListener<K extends keyof SessionListEventMap>(
    type: K,
    listener: (this: SessionListElement, event: SessionListEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SessionListEventMap>(
    type: K,
    listener: (this: SessionListElement, event: SessionListEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'session-list': SessionListElement;
  }
}
