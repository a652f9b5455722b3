import type { LogOutScope, PublicUser, SessionInfo } from '../backends/backend.js';
import type { Mail } from '../features/mail.js';
import type { RedirectSignIn } from '../features/redirect-sign-in.js';
import type { SessionManagement } from '../features/sessions.js';
import type { UserSessionEventMap } from '../events.js';
import { SessionController, type SessionChange } from '../session/controller.js';
import type { LogOutResult } from '../session/log-out-result.js';
import { Feature, type FeatureName, type LogInOptions, type SessionFeature } from '../session/feature.js';
import { HeldEvents } from './held-events.js';
import { sessionBrand } from './session-brand.js';
import { SessionSettingsElement } from './session-settings.js';

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
 * @attr {boolean} second-factor - Output only, with the two-step add-on (`two-factor.js`): present once a log-in's password was right and the account needs its second step, until a sign-in or wrong credentials. The page's CSS shows its `code` field with it.
 * @attr {string} backend - `parse` (default); `memory` with the package entry; `better-auth` with the package entry or `user-session-elements/better-auth.js`; `oidc` with `user-session-elements/oidc.js`. Trimmed, case-insensitive. The `backend` property also takes any `AuthBackend` object.
 * @attr {string} server-url - Where Parse Server is mounted (with `better-auth`: where Better Auth's handler answers, such as `/api/auth`): an http(s) URL such as `http://localhost:1337/parse`, or a path on this origin such as `/parse`.
 * @attr {string} app-id - Parse application id.
 * @attr {string} client-key - Optional Parse JavaScript key, sent with every request.
 * @attr {string} issuer - OpenID Connect (`backend="oidc"`): the provider's issuer URL, such as `https://idp.example/realms/main`.
 * @attr {string} client-id - OpenID Connect: this page's client id at the provider (a public client with PKCE).
 * @attr {string} redirect-uri - OpenID Connect: where the provider sends the browser back after sign-in (default: this page without query and hash). Register it at the provider.
 * @attr {string} post-logout-redirect-uri - OpenID Connect: where the provider sends the browser after ending its own session (default: `redirect-uri`).
 * @attr {string} scopes - OpenID Connect: the scopes asked for (default `openid profile email offline_access`).
 * @attr {string} storage - `local` (default), `session` or `memory`; trimmed, case-insensitive. A value that cannot be written to Web Storage waits in page memory.
 * @attr {string} storage-key - Defaults to `Parse/<app-id>/currentUser`, the Parse SDK's key; with `backend="oidc"`, `user-session/oidc/<client-id>@<issuer>`; with `backend="better-auth"`, `user-session/better-auth@<server-url>`.
 * @attr {number} timeout - Limit in ms for each server request (default 10000).
 * @attr {string} revalidate - Also re-check the session with the server on this interval while signed in: `90s`, `5m`, `1h` or ms (at least 30 s). Unset or unreadable: only when the page becomes visible again and on `online` (at most once per 30 s per stored session on a page).
 * @attr {string} idle-timeout - Sign out (reason `idle`, the session revoked as by `logOut()`) after this long without activity (pointer, keys, wheel, scroll, focus, the page shown again) in any tab of the session: `15m`, `90s`, `1h` or ms. Unset or unreadable: never.
 * @attr {string} idle-warning - With `idle-timeout`: fire `idle-warning` this long before the idle sign-out (`60s`…). Unset, unreadable or not shorter than the timeout: no warning.
 *
 * @fires {CustomEvent<LoggedInDetail>} logged-in - A user is now signed in. `detail: { user, reason }`, reason `log-in`, `sign-up`, `passkey` (with `passkeys.js`), `restored` (found on connect: dispatched after the connecting task) or `other-tab`. Bubbles, not composed.
 * @fires {CustomEvent<LoggedOutDetail>} logged-out - Signed in → signed out, once per transition, after the `authenticated` attribute is removed. `detail: { reason }`, reason `log-out`, `other-tab`, `session-lost` or `idle`. Bubbles, not composed.
 * @fires {CustomEvent<UserChangeDetail>} user-change - The signed-in user's public fields changed. `detail: { user }`. Bubbles, not composed.
 * @fires {CustomEvent<IdleWarningDetail>} idle-warning - The idle sign-out of `idle-timeout` is near: fired the `idle-warning` attribute's duration before it. `detail: { logsOutAt }` (ms since the epoch). Cancelable: `preventDefault()` counts as activity and keeps the user signed in ("stay signed in"), as does any activity in any tab. Bubbles, not composed.
 * @fires {CustomEvent<SessionsChangeDetail>} sessions-change - The signed-in user's list of sessions on the server changed: `revokeSession()` ended one, or `logOut({ scope: 'others' })` / `'all'` reached the server, in this tab or another tab on the same storage key. No detail (`{}`): call `listSessions()` again (`<session-list>` does). Fired while signed in, by every `<user-session>` on the key. Bubbles, not composed.
 * @fires {CustomEvent<SecondFactorRequiredDetail>} second-factor-required - A `logIn()` on this session had the right password, and the account has two-step sign-in: nothing is stored yet, and `logIn()` rejected with `second-factor-required`. Log in again with the `code` (`<log-in-action>` reads the form's `code` field). `detail: { methods }`: `totp` (the authenticator app's code) and `recovery-code`, both typed in the same field. Bubbles, not composed.
 * @fires {CustomEvent<SessionFailureDetail>} failure - A sign-in this page did not call for failed: the provider's answer after a redirect sign-in (refused, forged or replayed, unreachable). Nothing was stored. `detail: { error }`. Does not bubble.
 *
 * @cssstate authenticated - Matches `:state(authenticated)` while signed in, where the browser supports custom states.
 */
export class UserSessionElement extends SessionSettingsElement {
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'authenticated', 'backend'];
  }

  #internals: ElementInternals | null = null;
  /** Events of the connecting task, held until it ends. */
  readonly #held = new HeldEvents(this);
  readonly #controller = new SessionController(
    this,
    () => this.sessionSettings,
    (change) => this.#announce(change),
  );

  constructor() {
    super();
    try {
      this.#internals = this.attachInternals();
    } catch {
      // No ElementInternals: the attribute alone tells the state.
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
  }

  /**
   * Signs in. Over an active session, that one is signed out first (revoked, or queued).
   * Resolves to the user; rejects with an `AuthError` (`invalid-credentials`, `network`…).
   * With `backend="oidc"`, call it without arguments: the browser goes to the provider's
   * sign-in page (the promise stays pending), and on its return `logged-in` fires (reason
   * `log-in`), or `failure`.
   */
  logIn(username?: string, password?: string, options?: LogInOptions): Promise<PublicUser> {
    return this.#release().logIn(username, password, options);
  }

  /** Creates an account and signs in. `extra` fields (email…) go to the new user. Rejects like `logIn`, and with `username-taken` when the name exists. */
  signUp(username: string, password: string, extra: Record<string, unknown> = {}): Promise<PublicUser> {
    return this.#release().signUp(username, password, extra);
  }

  /**
   * Mails a password-reset link to `email` (feature `mail`). Resolves the same whether or not an
   * account has that address; rejects with an `AuthError` (`bad-request` for a malformed address,
   * before any request; `misconfigured` when the backend cannot, like `memory`; `network`…).
   */
  requestPasswordReset(email: string): Promise<void> {
    return this.use(Feature.mail, (f: Mail) => f.requestPasswordReset(email));
  }

  /** Mails (again) the link that verifies `email` (feature `mail`). Resolves and rejects like `requestPasswordReset`. */
  requestVerificationEmail(email: string): Promise<void> {
    return this.use(Feature.mail, (f: Mail) => f.requestVerificationEmail(email));
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
   * Checks the stored session with the server and takes the user's current fields: the user, or
   * `null` (an invalid session signs out, reason `session-lost`). Rejects when the server cannot tell.
   */
  refresh(): Promise<PublicUser | null> {
    return this.#release().refresh();
  }

  /**
   * Sets fields of the signed-in user (feature `update-user`): `email` and custom fields, plain
   * JSON. Reserved names (`username`, `password`, `emailVerified`, `ACL`, `_…`) fail with
   * `bad-request` before any request. Resolves to the user as the server has it; `user-change`
   * fires in every tab. `invalid-session` signs out (`session-lost`); OIDC: `misconfigured`.
   */
  updateUser(fields: Record<string, unknown>): Promise<PublicUser> {
    return this.#release().updateUser(fields);
  }

  /**
   * The user's sessions on every device (feature `sessions`): frozen `SessionInfo`s, this
   * browser's first, then newest first; never a token. Rejects: `bad-request` signed out,
   * `misconfigured` (OIDC), `invalid-session` (signs out), `network`…; `signal` aborts it.
   */
  listSessions(options: { signal?: AbortSignal } = {}): Promise<readonly SessionInfo[]> {
    return this.use(Feature.sessions, (f: SessionManagement) => f.listSessions(options?.signal));
  }

  /**
   * Ends one session of the user by its `SessionInfo.id` (feature `sessions`); this browser's own
   * id logs out here. An unknown id resolves, nothing done. Then `sessions-change` fires in every
   * tab. Rejects like `listSessions`, and `bad-request` for an empty id.
   */
  revokeSession(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.use(Feature.sessions, (f: SessionManagement) => f.revokeSession(id, options?.signal));
  }

  /**
   * The access token for your own API (`Authorization: Bearer …`), renewed first when due; `null`
   * when signed out or the backend has none (Parse). The kit never shows it anywhere.
   */
  accessToken(): Promise<string | null> {
    // A backend without access tokens (Parse) needs no feature to say `null`.
    if (typeof this.backend.accessToken !== 'function') return (this.#release(), Promise.resolve(null));
    return this.use(Feature.redirectSignIn, (f: RedirectSignIn) => f.accessToken());
  }

  /** Reflects a change of the signed-in state, then fires its event (after the held ones). */
  #announce(change: SessionChange): void {
    const { type, ...detail } = change;
    // News about the list of sessions changes nothing here.
    if (type !== 'sessions-change') this.#reflect();
    // `failure` does not bubble, as the actions' own `failure`: a listener on an ancestor hears neither.
    this.#held.dispatch(new CustomEvent(type, { detail, bubbles: type !== 'failure' }));
  }

  /** Every method releases the held events first: a page that acts has its listeners, and gets each event in order. */
  #release(): SessionController {
    this.#held.release();
    return this.#controller;
  }

  /**
   * Runs `run` with this session's feature `name` (loaded first if the page did not import it):
   * how the methods of a feature reach it; add-on modules (passkeys) add theirs this way.
   */
  use<F extends SessionFeature, T>(name: FeatureName, run: (feature: F) => Promise<T>): Promise<T> {
    return this.#release().use(name, run);
  }

  /** Puts the `authenticated` attribute and custom state back to the truth. */
  #reflect(): void {
    const on = this.authenticated;
    // With `on` given, a no-op (no attribute callback) when it already holds.
    this.toggleAttribute('authenticated', on);
    try {
      this.#internals?.states?.[on ? 'add' : 'delete']('authenticated');
    } catch {
      // Older engines only accept `--authenticated`; the attribute still tells.
    }
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
