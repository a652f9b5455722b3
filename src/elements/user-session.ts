import { ReactiveElement } from '@lit/reactive-element';
import type { AuthBackend, LogOutScope, PublicUser, SessionInfo } from '../backends/backend.js';
import type { Mail } from '../features/mail.js';
import type { RedirectSignIn } from '../features/redirect-sign-in.js';
import type { SessionManagement } from '../features/sessions.js';
import { BackendResolver } from '../backends/resolve.js';
import type { UserSessionEventMap } from '../events.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import { SessionController, type SessionChange, type SessionSettings } from '../session/controller.js';
import type { LogOutResult } from '../session/log-out-result.js';
import { toStorageMode } from '../storage/key-store.js';
import { Feature, type SessionFeature } from '../session/feature.js';
import { HeldEvents } from './held-events.js';
import { sessionBrand } from './session-brand.js';

const defaultTimeout = 10_000;

/** The attributes features read through `SessionSettings.option`, and their properties. */
const featureOptions = { revalidate: 'revalidate', 'idle-timeout': 'idleTimeout', 'idle-warning': 'idleWarning' } as const;

/**
 * Owns the signed-in state of a page: reads the stored session when connected, so the
 * `authenticated` attribute is right before first paint, checks it with the server in the
 * background, and keeps every `<user-session>` on the same storage key in step, in this tab
 * and the others. Storage is the truth: every call reads it afresh, so a session the Parse SDK
 * or page code wrote or removed is honoured at the next call.
 *
 * What connecting finds is announced after the connecting task (`logged-in` "restored", and what
 * else happens in that task), so a framework that adds its listeners while it inserts the
 * element gets the event once its component is mounted; the check with the server starts then
 * too, with the properties the framework has set. Code that adds a listener later reads
 * `authenticated` / `user` first.
 *
 * @tagname user-session
 * @summary The signed-in state of the page, as an element.
 *
 * @attr {boolean} authenticated - Present while a user is signed in. Output only: page code that sets or removes it is reverted.
 * @attr {string} backend - `parse` (default), `memory` with the package entry, or `oidc` with `user-session-elements/oidc.js`. Trimmed, case-insensitive. The `backend` property also takes any `AuthBackend` object.
 * @attr {string} server-url - Where Parse Server is mounted: an http(s) URL such as `http://localhost:1337/parse`, or a path on this origin such as `/parse`.
 * @attr {string} app-id - Parse application id.
 * @attr {string} client-key - Optional Parse JavaScript key, sent with every request.
 * @attr {string} issuer - OpenID Connect (`backend="oidc"`): the provider's issuer URL, such as `https://idp.example/realms/main`.
 * @attr {string} client-id - OpenID Connect: this page's client id at the provider (a public client with PKCE).
 * @attr {string} redirect-uri - OpenID Connect: where the provider sends the browser back after sign-in (default: this page without query and hash). Register it at the provider.
 * @attr {string} post-logout-redirect-uri - OpenID Connect: where the provider sends the browser after ending its own session (default: `redirect-uri`).
 * @attr {string} scopes - OpenID Connect: the scopes asked for (default `openid profile email offline_access`).
 * @attr {string} storage - `local` (default), `session` or `memory`; trimmed, case-insensitive. A value that cannot be written to Web Storage waits in page memory.
 * @attr {string} storage-key - Defaults to `Parse/<app-id>/currentUser`, the Parse SDK's key; with `backend="oidc"`, `user-session/oidc/<client-id>@<issuer>`.
 * @attr {number} timeout - Limit in ms for each server request (default 10000).
 * @attr {string} revalidate - Also re-check the session with the server on this interval while signed in: `90s`, `5m`, `1h` or ms (at least 30 s). Unset or unreadable: only when the page becomes visible again and on `online` (at most once per 30 s per stored session on a page).
 * @attr {string} idle-timeout - Sign out (reason `idle`, the session revoked as by `logOut()`) after this long without activity (pointer, keys, wheel, scroll, focus, the page shown again) in any tab of the session: `15m`, `90s`, `1h` or ms. Unset or unreadable: never.
 * @attr {string} idle-warning - With `idle-timeout`: fire `idle-warning` this long before the idle sign-out (`60s`…). Unset, unreadable or not shorter than the timeout: no warning.
 *
 * @fires {CustomEvent<LoggedInDetail>} logged-in - A user is now signed in. `detail: { user, reason }`, reason `log-in`, `sign-up`, `restored` (found on connect: dispatched after the connecting task) or `other-tab`. Bubbles, not composed.
 * @fires {CustomEvent<LoggedOutDetail>} logged-out - Signed in → signed out, once per transition, after the `authenticated` attribute is removed. `detail: { reason }`, reason `log-out`, `other-tab`, `session-lost` or `idle`. Bubbles, not composed.
 * @fires {CustomEvent<UserChangeDetail>} user-change - The signed-in user's public fields changed. `detail: { user }`. Bubbles, not composed.
 * @fires {CustomEvent<IdleWarningDetail>} idle-warning - The idle sign-out of `idle-timeout` is near: fired the `idle-warning` attribute's duration before it. `detail: { logsOutAt }` (ms since the epoch). Cancelable: `preventDefault()` counts as activity and keeps the user signed in ("stay signed in"), as does any activity in any tab. Bubbles, not composed.
 * @fires {CustomEvent<SessionsChangeDetail>} sessions-change - The signed-in user's list of sessions on the server changed: `revokeSession()` ended one, or `logOut({ scope: 'others' })` / `'all'` reached the server, in this tab or another tab on the same storage key. No detail (`{}`): call `listSessions()` again (`<session-list>` does). Fired while signed in, by every `<user-session>` on the key. Bubbles, not composed.
 * @fires {CustomEvent<SessionFailureDetail>} failure - A sign-in this page did not call for failed: the provider's answer after a redirect sign-in (refused, forged or replayed, unreachable). Nothing was stored. `detail: { error }`. Does not bubble.
 *
 * @cssstate authenticated - Matches `:state(authenticated)` while signed in, where the browser supports custom states.
 */
export class UserSessionElement extends ReactiveElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    appId: { attribute: 'app-id' },
    clientKey: { attribute: 'client-key' },
    storage: {},
    storageKey: { attribute: 'storage-key' },
    timeout: { type: Number },
    issuer: {},
    clientId: { attribute: 'client-id' },
    redirectUri: { attribute: 'redirect-uri' },
    postLogoutRedirectUri: { attribute: 'post-logout-redirect-uri' },
    scopes: {},
    revalidate: {},
    idleTimeout: { attribute: 'idle-timeout' },
    idleWarning: { attribute: 'idle-warning' },
  };

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'authenticated', 'backend'];
  }

  /** Where Parse Server is mounted: an http(s) URL such as `http://localhost:1337/parse`, or a path on this origin such as `/parse`. */
  serverUrl: string | null = null;
  /** Parse application id (`app-id`). */
  appId: string | null = null;
  /** Optional Parse JavaScript key, sent with every request (`X-Parse-JavaScript-Key`, or `_JavaScriptKey` to another origin). */
  clientKey: string | null = null;
  /** `local` (default), `session` or `memory`; trimmed, case-insensitive. A value Web Storage refuses (full, blocked) waits in page memory. */
  storage: string | null = null;
  /** Defaults to `Parse/<app-id>/currentUser`: the Parse JS SDK's key and JSON shape, so both see the same user. */
  storageKey: string | null = null;
  /** Limit in ms for each server request (default 10000); a slower request fails with `AuthError` code `timeout`. */
  timeout: number = defaultTimeout;
  /** OpenID Connect: the provider's issuer URL (`issuer`). */
  issuer: string | null = null;
  /** OpenID Connect: this page's client id at the provider (`client-id`). */
  clientId: string | null = null;
  /** OpenID Connect: where the provider sends the browser back (`redirect-uri`; default: this page without query and hash). */
  redirectUri: string | null = null;
  /** OpenID Connect: where the provider sends the browser after ending its session (`post-logout-redirect-uri`). */
  postLogoutRedirectUri: string | null = null;
  /** OpenID Connect: the scopes asked for (`scopes`; default `openid profile email offline_access`). */
  scopes: string | null = null;
  /** Re-check the session with the server on this interval while signed in (`revalidate`: `5m`, `90s`, `1h` or ms; at least 30 s). */
  revalidate: string | null = null;
  /** Sign out with reason `idle` after this long without activity in any tab of the session (`idle-timeout`: `15m`…). */
  idleTimeout: string | null = null;
  /** Fire the cancelable `idle-warning` this long before the idle sign-out (`idle-warning`: `60s`…). */
  idleWarning: string | null = null;

  readonly #resolver = new BackendResolver();
  #backendObject: AuthBackend | null = null;
  #internals: ElementInternals | null = null;
  /** The settings the controller reads, made once per change of a property or attribute. */
  #settings: SessionSettings | null = null;
  /** Events of the connecting task, held until it ends. */
  readonly #held = new HeldEvents(this);
  readonly #controller = new SessionController(
    this,
    () => (this.#settings ??= this.#makeSettings()),
    (change) => this.#announce(change),
  );

  constructor() {
    super();
    try {
      this.#internals = this.attachInternals();
    } catch {
      // No ElementInternals: the attribute alone tells the state.
    }
    upgradeProperty(this, 'backend');
  }

  /**
   * The backend in use, the same object until a setting attribute changes. Set a string
   * (`"parse"`, `"memory"`) to change the `backend` attribute, or any `AuthBackend` object.
   */
  get backend(): AuthBackend {
    return (
      this.#backendObject ??
      this.#resolver.resolve({
        name: this.getAttribute('backend'),
        serverURL: this.serverUrl,
        appId: this.appId,
        clientKey: this.clientKey,
        storage: toStorageMode(this.storage),
        issuer: this.issuer,
        clientId: this.clientId,
        redirectUri: this.redirectUri,
        postLogoutRedirectUri: this.postLogoutRedirectUri,
        scopes: this.scopes,
      })
    );
  }
  set backend(value: AuthBackend | string | null) {
    if (typeof value === 'string' || value === null) {
      this.#backendObject = null;
      if (value === null) this.removeAttribute('backend');
      else this.setAttribute('backend', value);
    } else {
      this.#backendObject = value;
      this.requestUpdate();
    }
  }

  /** Whether a user is signed in (the `authenticated` attribute). */
  get authenticated(): boolean {
    return this.#controller.user !== null;
  }
  /** A frozen copy of the signed-in user's public fields, or `null`. Never holds a secret. */
  get user(): PublicUser | null {
    return this.#controller.user;
  }
  /** The signed-in user's id, or `null`. */
  get userId(): string | null {
    return this.user?.id ?? null;
  }
  /** The signed-in user's `username`, or `null`. */
  get username(): string | null {
    return typeof this.user?.username === 'string' ? this.user.username : null;
  }
  /** The signed-in user's `email`, or `null`. */
  get email(): string | null {
    return typeof this.user?.email === 'string' ? this.user.email : null;
  }
  /** True while a request to the backend is in flight. */
  get pending(): boolean {
    return this.#controller.pending;
  }
  /**
   * Settles once the first check with the server after connecting has finished, whatever its
   * outcome (offline: the user stays signed in), with the user then (`null`: signed out); right
   * after the connecting task when there is nothing to check. Never rejects. For code that
   * attaches listeners late: `await session.ready`, then read `user` and follow the events.
   */
  get ready(): Promise<PublicUser | null> {
    return this.#controller.ready;
  }

  /** Every property or attribute change goes through here: the settings are made anew. */
  override requestUpdate(...args: Parameters<ReactiveElement['requestUpdate']>): void {
    // Also called by ReactiveElement's constructor, before this class's fields exist.
    if (#settings in this) this.#settings = null;
    super.requestUpdate(...args);
  }

  /** No shadow root: the children render as they are, and the element adds no box styles of its own. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    // Properties set before the element was upgraded are applied by its first update: run it
    // now, so the controller connects with them (storage, storage-key…), not the defaults.
    if (!this.hasUpdated) this.performUpdate();
    // What connecting finds (`logged-in` "restored"…) shows in the attribute at once, before first
    // paint, and is announced after this task: frameworks attach listeners while they insert the
    // element (React's commit, Angular's creation pass) and count a component as mounted after.
    this.#held.holdForThisTask();
    super.connectedCallback();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'authenticated') this.#reflect();
    else if (name === 'backend' && old !== value) this.requestUpdate();
  }

  /**
   * Signs in. Over an active session, that one is signed out first (revoked, or queued).
   * Resolves to the user; rejects with an `AuthError` (`invalid-credentials`, `network`…).
   * With `backend="oidc"`, call it without arguments: the browser goes to the provider's
   * sign-in page (the promise stays pending), and on its return `logged-in` fires (reason
   * `log-in`), or `failure`.
   */
  logIn(username?: string, password?: string): Promise<PublicUser> {
    return this.#release().logIn(username, password);
  }

  /** Creates an account and signs in. `extra` fields (email…) go to the new user. Rejects like `logIn`, and with `username-taken` when the name exists. */
  signUp(username: string, password: string, extra: Record<string, unknown> = {}): Promise<PublicUser> {
    return this.#release().signUp(username, password, extra);
  }

  /**
   * Asks the server to mail a password-reset link to `email` (Parse: `POST /requestPasswordReset`).
   * Resolves the same whether or not an account has that address; rejects with an `AuthError`
   * (`bad-request` for an empty or malformed address, before any request; `misconfigured` when
   * the backend cannot, like `backend="memory"`; `network`…). No session needed, none changes.
   */
  requestPasswordReset(email: string): Promise<void> {
    return this.#use(Feature.mail, (f: Mail) => f.requestPasswordReset(email));
  }

  /**
   * Asks the server to mail (again) the link that verifies `email` (Parse: `POST
   * /verificationEmailRequest`). Resolves and rejects like `requestPasswordReset`.
   */
  requestVerificationEmail(email: string): Promise<void> {
    return this.#use(Feature.mail, (f: Mail) => f.requestVerificationEmail(email));
  }

  /**
   * Signs out, local first: the revocation request leaves, and in the same task the stored
   * session is removed and `logged-out` fires. `scope`: `current` (default), `local`, `others`
   * or `all` (trimmed, case-insensitive; an unknown one signs out here only and fails with
   * `bad-request`). Never rejects: resolves to a `LogOutResult`
   * `{ ok, scope, revoked, error?, signedOutLocally, revocationPending }`. Honoured even if the
   * element is removed meanwhile. `endSession: true` (OpenID Connect): then the browser goes to
   * the provider's `end_session_endpoint` to end its own session too (a task after the result).
   */
  logOut(options: { scope?: LogOutScope; endSession?: boolean } = {}): Promise<LogOutResult> {
    return this.#release().logOut(options);
  }

  /**
   * Checks the stored session with the server (Parse: `GET /users/me`) and takes the user's current fields.
   * Resolves to the user, or `null` when signed out (an invalid session signs out with reason
   * `session-lost`). Rejects with an `AuthError` when the server cannot tell (offline keeps the user signed in).
   */
  refresh(): Promise<PublicUser | null> {
    return this.#release().refresh();
  }

  /**
   * Sets fields of the signed-in user (Parse: `PUT /users/<id>` with the session): `email` and
   * custom fields, as plain JSON values. Reserved and server-private names (`username`,
   * `password`, `emailVerified`, `objectId`, `ACL`, names starting with `_`…) are refused with
   * `bad-request` before any request. Resolves to the user as the server now has it (a changed
   * email shows `emailVerified: false`); `user-change` fires here and in every tab. Rejects with
   * an `AuthError`; `invalid-session` signs out with reason `session-lost`; a backend without
   * capability `update-user` (OpenID Connect) fails with `misconfigured`.
   */
  updateUser(fields: Record<string, unknown>): Promise<PublicUser> {
    return this.#release().updateUser(fields);
  }

  /**
   * The signed-in user's sessions on every device (capability `list-sessions`; Parse: `GET
   * /sessions`): frozen `SessionInfo`s `{ id, current, createdAt?, lastActiveAt?, expiresAt?,
   * userAgent? }`, this browser's first (`current: true`), then newest first. Never a token.
   * Rejects with an `AuthError`: `bad-request` when signed out, `misconfigured` when the backend
   * cannot list sessions (OpenID Connect), `invalid-session` when the server refuses the session
   * (which signs out with reason `session-lost`), `network`… `signal` cancels it (code `aborted`).
   */
  listSessions(options: { signal?: AbortSignal } = {}): Promise<readonly SessionInfo[]> {
    return this.#use(Feature.sessions, (f: SessionManagement) => f.listSessions(options?.signal));
  }

  /**
   * Ends one session of the signed-in user, by its `SessionInfo.id` (capability `revoke-session`;
   * Parse: `DELETE /sessions/<id>`). This browser's own id logs out here, as `logOut()` does. An
   * id that is not one of the user's sessions (or has ended already) resolves with nothing done.
   * Then `sessions-change` fires here and in every tab. Rejects with an `AuthError`: `bad-request`
   * for an empty id or when signed out, `misconfigured` when the backend cannot, `invalid-session`
   * (signed out with reason `session-lost`), `network`…
   */
  revokeSession(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#use(Feature.sessions, (f: SessionManagement) => f.revokeSession(id, options?.signal));
  }

  /**
   * The access token to call your own API with (`Authorization: Bearer …`), renewed first when
   * it is about to expire; `null` when signed out or with a backend that has none (Parse). Keep
   * it in a variable for the request only: the kit never puts it in attributes, events or logs.
   */
  accessToken(): Promise<string | null> {
    // A backend without access tokens (Parse) needs no feature to say `null`.
    if (typeof this.backend.accessToken !== 'function') return (this.#release(), Promise.resolve(null));
    return this.#use(Feature.redirectSignIn, (f: RedirectSignIn) => f.accessToken());
  }

  /** Reflects a change of the signed-in state, then fires its event (after the held ones). */
  #announce(change: SessionChange): void {
    const { type, ...detail } = change;
    // News about the list of sessions changes nothing here.
    if (type !== 'sessions-change') this.#reflect();
    // `failure` does not bubble, as the actions' own `failure`: a listener on an ancestor hears neither.
    this.#held.dispatch(new CustomEvent(type, { detail, bubbles: type !== 'failure', composed: false }));
  }

  /** Every method releases the held events first: a page that acts has its listeners, and gets each event in order. */
  #release(): SessionController {
    this.#held.release();
    return this.#controller;
  }

  /** Runs a method of a feature (loaded first if the page did not import it). */
  #use<F extends SessionFeature, T>(name: Feature, run: (feature: F) => Promise<T>): Promise<T> {
    return this.#release().use(name, run);
  }

  /** Puts the `authenticated` attribute and custom state back to the truth. */
  #reflect(): void {
    const on = this.authenticated;
    if (this.hasAttribute('authenticated') !== on) this.toggleAttribute('authenticated', on);
    try {
      const states = this.#internals?.states;
      if (on) states?.add('authenticated');
      else states?.delete('authenticated');
    } catch {
      // Older engines only accept `--authenticated`; the attribute still tells.
    }
  }

  #makeSettings(): SessionSettings {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below reads the element
    const element = this;
    return {
      // Read each time (the resolver keeps it the same object until a setting changes), so a
      // backend registered after this element connected is picked up.
      get backend() {
        return element.backend;
      },
      storage: toStorageMode(this.storage),
      // Read each time too: it may come from a backend registered after the connect.
      get storageKey() {
        return element.#storageKey();
      },
      timeout: this.timeout,
      // The settings of features (`watch`: `revalidate`, `idle-timeout`, `idle-warning`), by attribute name.
      option: (name) => {
        const value = element[
          (featureOptions as Record<string, (typeof featureOptions)[keyof typeof featureOptions]>)[name]
        ] as unknown;
        return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
      },
    };
  }

  #storageKey(): string {
    if (this.storageKey) return this.storageKey;
    const own = this.backend.defaultStorageKey;
    if (typeof own === 'string' && own) return own;
    return this.appId ? `Parse/${this.appId}/currentUser` : 'user-session/currentUser';
  }
}
Object.defineProperty(UserSessionElement.prototype, sessionBrand, { value: true });

export interface UserSessionElement {
  addEventListener<K extends keyof UserSessionEventMap>(
    type: K,
    listener: (this: UserSessionElement, event: UserSessionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof UserSessionEventMap>(
    type: K,
    listener: (this: UserSessionElement, event: UserSessionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'user-session': UserSessionElement;
  }
}
