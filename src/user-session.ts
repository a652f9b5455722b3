import { ReactiveElement, type PropertyValues } from '@lit/reactive-element';
import type { AuthBackend, PublicUser, StoredSession } from './backends/backend.js';
import { AuthError, toAuthError } from './errors.js';
import type {
  LoggedInReason,
  LoggedOutReason,
  LogOutResult,
  LogOutScope,
  UserSessionEventMap,
} from './events.js';
import { callWithTimeout } from './internal/call-with-timeout.js';
import { resolveBackend } from './internal/resolve-backend.js';
import { upgradeProperty } from './internal/upgrade-property.js';
import { deserializeSession, isRecord, nonEmptyString, serializeSession } from './internal/session-codec.js';
import { SharedSession, type ChangeReason } from './session/shared-session.js';
import { storeId, toStorageMode } from './session/store.js';

const defaultTimeout = 10_000;
const loggedInReasons: readonly string[] = ['log-in', 'sign-up', 'restored', 'other-tab'];
const loggedOutReasons: readonly string[] = ['log-out', 'other-tab', 'session-lost'];
const scopes: readonly string[] = ['current', 'local', 'all'];

/**
 * Owns the signed-in state of a page: reads the stored session when connected, so the
 * `authenticated` attribute is right before first paint, checks it with the server in the
 * background, and keeps every `<user-session>` on the same storage key in step, in this tab
 * and the others.
 *
 * @tagname user-session
 * @summary The signed-in state of the page, as an element.
 *
 * @attr {boolean} authenticated - Present while a user is signed in. Output only: page code that sets or removes it is reverted.
 * @attr {string} backend - `parse` (default) or `memory`. The `backend` property also takes any `AuthBackend` object.
 * @attr {string} server-url - Where Parse Server is mounted: an http(s) URL such as `http://localhost:1337/parse`, or a path on this origin such as `/parse`.
 * @attr {string} app-id - Parse application id.
 * @attr {string} client-key - Optional Parse JavaScript key, sent with every request.
 * @attr {string} storage - `local` (default), `session` or `memory`. Falls back to memory where Web Storage fails.
 * @attr {string} storage-key - Defaults to `Parse/<app-id>/currentUser`, the Parse SDK's key.
 * @attr {number} timeout - Limit in ms for each server request (default 10000).
 *
 * @fires {CustomEvent<LoggedInDetail>} logged-in - A user is now signed in. `detail: { user, reason }`, reason `log-in`, `sign-up`, `restored` or `other-tab`. Bubbles, not composed.
 * @fires {CustomEvent<LoggedOutDetail>} logged-out - Signed in → signed out, once per transition, after the `authenticated` attribute is removed. `detail: { reason }`, reason `log-out`, `other-tab` or `session-lost`. Bubbles, not composed.
 * @fires {CustomEvent<UserChangeDetail>} user-change - The signed-in user's public fields changed. `detail: { user }`. Bubbles, not composed.
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
  /** `local` (default), `session` or `memory`. Falls back to memory where Web Storage is blocked or full. */
  storage: string | null = null;
  /** Defaults to `Parse/<app-id>/currentUser`: the Parse JS SDK's key and JSON shape, so both see the same user. */
  storageKey: string | null = null;
  /** Limit in ms for each server request (default 10000); a slower request fails with `AuthError` code `timeout`. */
  timeout: number = defaultTimeout;

  #backendObject: AuthBackend | null = null;
  #shared: SharedSession | null = null;
  #session: StoredSession | null = null;
  #user: PublicUser | null = null;
  /** Bumped whenever the session token changes: late answers compare it and stand down. */
  #generation = 0;
  #inFlight = 0;
  #signInCall: AbortController | null = null;
  #validation: AbortController | null = null;
  #internals: ElementInternals | null = null;

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
   * The backend in use. Set a string (`"parse"`, `"memory"`) to change the `backend`
   * attribute, or any `AuthBackend` object.
   */
  get backend(): AuthBackend {
    return (
      this.#backendObject ??
      resolveBackend({
        name: this.getAttribute('backend'),
        serverURL: this.serverUrl,
        appId: this.appId,
        clientKey: this.clientKey,
        storage: toStorageMode(this.storage),
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
      this.#redecode();
    }
  }

  /** Whether a user is signed in (the `authenticated` attribute). */
  get authenticated(): boolean {
    return this.#session !== null;
  }
  /** A frozen copy of the signed-in user's public fields, or `null`. Never holds the token. */
  get user(): PublicUser | null {
    return this.#user;
  }
  /** The signed-in user's id, or `null`. */
  get userId(): string | null {
    return this.#user?.id ?? null;
  }
  /** The signed-in user's `username`, or `null`. */
  get username(): string | null {
    return typeof this.#user?.username === 'string' ? this.#user.username : null;
  }
  /** The signed-in user's `email`, or `null`. */
  get email(): string | null {
    return typeof this.#user?.email === 'string' ? this.#user.email : null;
  }
  /** True while a request to the backend is in flight. */
  get pending(): boolean {
    return this.#inFlight > 0;
  }

  /** No shadow root: the children render as they are, and the element adds no box styles of its own. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#attach();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#detach();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'authenticated') this.#reflect();
    else if (name === 'backend' && old !== value) this.#redecode();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // A new storage area or key means another stored session.
    if (this.#shared && this.#shared.id !== this.#storageId()) {
      this.#detach();
      this.#attach();
    }
  }

  /** Signs in. Resolves to the user; rejects with an `AuthError` (`invalid-credentials`, `network`…). */
  logIn(username: string, password: string): Promise<PublicUser> {
    return this.#signIn('log-in', username, password, (backend, signal) => backend.logIn(username, password, { signal }));
  }

  /** Creates an account and signs in. `extra` fields (email…) go to the new user. Rejects like `logIn`, and with `username-taken` when the name exists. */
  signUp(username: string, password: string, extra: Record<string, unknown> = {}): Promise<PublicUser> {
    const fields = isRecord(extra) ? extra : {};
    return this.#signIn('sign-up', username, password, (backend, signal) =>
      backend.signUp(username, password, fields, { signal }),
    );
  }

  /**
   * Signs out, local first: the stored session is removed and `logged-out` fires before the
   * server is asked to revoke the token. Never rejects: resolves to a `LogOutResult`
   * `{ ok, scope, revoked, error?, signedOutLocally, revocationPending }`.
   */
  async logOut({ scope = 'current' }: { scope?: LogOutScope } = {}): Promise<LogOutResult> {
    const result = (fields: Partial<LogOutResult>): LogOutResult => ({
      ok: true,
      scope,
      revoked: false,
      signedOutLocally: false,
      revocationPending: false,
      ...fields,
    });
    if (!scopes.includes(scope)) {
      return result({ ok: false, error: new AuthError('bad-request', `Unknown log-out scope "${scope}": use current, local or all.`) });
    }
    const shared = this.#shared;
    if (!shared) return result({ ok: false, error: notConnected() });
    this.#signInCall?.abort(superseded());
    const session = this.#session;
    if (!session) return result({});

    const backend = this.backend;
    shared.write(null, 'log-out');
    if (scope === 'local') return result({ signedOutLocally: true });
    try {
      await this.#revoke(backend)(session, scope);
    } catch (caught) {
      const error = toAuthError(caught, session.token);
      // Already invalid on the server: the goal is met.
      if (error.code === 'invalid-session') return result({ revoked: true, signedOutLocally: true });
      // The server could not be told: keep the token for a later try (never exposed).
      const revocationPending = error.code === 'network' || error.code === 'timeout' || error.code === 'server';
      if (revocationPending) shared.outbox.add(session, scope);
      return result({ ok: false, error, signedOutLocally: true, revocationPending });
    }
    return result({ revoked: true, signedOutLocally: true });
  }

  /**
   * Checks the stored session with the server (Parse: `GET /users/me`) and takes the user's current fields.
   * Resolves to the user, or `null` when signed out (an invalid session signs out with reason
   * `session-lost`). Rejects with an `AuthError` when the server cannot tell (offline keeps the user signed in).
   */
  refresh(): Promise<PublicUser | null> {
    return this.#refresh();
  }

  async #refresh(cancel?: AbortSignal): Promise<PublicUser | null> {
    const session = this.#session;
    if (!session) return null;
    const generation = this.#generation;
    const backend = this.backend;
    let fields: PublicUser;
    try {
      fields = await this.#call((signal) => backend.currentUser(session, { signal }), cancel);
    } catch (caught) {
      const error = toAuthError(caught, session.token);
      if (error.code !== 'invalid-session') throw error;
      if (generation === this.#generation) this.#shared?.write(null, 'session-lost');
      return this.user;
    }
    const shared = this.#shared;
    if (generation === this.#generation && shared && isRecord(fields)) {
      const user = { ...fields, id: nonEmptyString(fields.id) ? fields.id : session.user.id };
      shared.write(this.#encode(backend, { token: session.token, user }), 'restored');
      shared.validatedRaw = shared.raw;
    }
    return this.user;
  }

  async #signIn(
    reason: 'log-in' | 'sign-up',
    username: unknown,
    password: unknown,
    start: (backend: AuthBackend, signal: AbortSignal) => Promise<StoredSession>,
  ): Promise<PublicUser> {
    if (!nonEmptyString(username) || !nonEmptyString(password)) {
      throw new AuthError('bad-request', 'Enter a username and a password.');
    }
    if (!this.#shared) throw notConnected();
    // The newest sign-in wins: an older one still under way is cancelled.
    this.#signInCall?.abort(superseded());
    const call = (this.#signInCall = new AbortController());
    const backend = this.backend;
    let session: StoredSession;
    try {
      session = await this.#call((signal) => start(backend, signal), call.signal);
    } finally {
      if (this.#signInCall === call) this.#signInCall = null;
    }
    if (!isRecord(session) || !nonEmptyString(session.token) || !isRecord(session.user) || !nonEmptyString(session.user.id)) {
      throw new AuthError('server', 'The backend answered without a session token and user id.');
    }
    const shared = this.#shared;
    if (!shared) {
      // Disconnected meanwhile: do not leave this server session behind.
      backend.logOut(session, { scope: 'current', signal: new AbortController().signal }).catch(() => {});
      throw notConnected();
    }
    shared.write(this.#encode(backend, session), reason);
    shared.validatedRaw = shared.raw;
    if (!this.#user) throw new AuthError('server', 'The backend cannot read back the session it created.');
    return this.#user;
  }

  /** Runs one backend request with the element's timeout, counted in `pending`. */
  async #call<T>(task: (signal: AbortSignal) => Promise<T>, cancel?: AbortSignal): Promise<T> {
    this.#inFlight++;
    try {
      return await callWithTimeout(task, this.#timeoutMs(), cancel);
    } catch (caught) {
      throw toAuthError(caught);
    } finally {
      this.#inFlight--;
    }
  }

  #attach(): void {
    const shared = SharedSession.join(toStorageMode(this.storage), this.#storageKey(), this.#onStoredChange);
    this.#shared = shared;
    shared.reread('other-tab');
    this.#onStoredChange(shared.raw, shared.reason);
    this.#validateInBackground(shared);
    globalThis.addEventListener?.('online', this.#onOnline);
    if (!shared.outboxRetriedOnLoad) {
      shared.outboxRetriedOnLoad = true;
      this.#retryRevocations(false);
    }
  }

  #detach(): void {
    globalThis.removeEventListener?.('online', this.#onOnline);
    this.#shared?.leave(this.#onStoredChange);
    this.#shared = null;
    this.#validation?.abort(new AuthError('aborted', 'The element was disconnected.'));
    this.#validation = null;
  }

  /** Asks the backend to revoke a session, within the timeout. */
  #revoke(backend: AuthBackend) {
    return (session: StoredSession, scope: 'current' | 'all') =>
      this.#call((signal) => backend.logOut(session, { scope, signal }));
  }

  /** Retries the revocation outbox: due entries on page load, all of them when back online. */
  #retryRevocations(now: boolean): void {
    const shared = this.#shared;
    if (shared && shared.outbox.size > 0) void shared.outbox.flush(this.#revoke(this.backend), now);
  }

  #onOnline = (): void => this.#retryRevocations(true);

  /** Checks a restored session with the server once per stored value, whichever member connects first. */
  #validateInBackground(shared: SharedSession): void {
    const raw = shared.raw;
    if (!this.#session || shared.validatedRaw === raw) return;
    shared.validatedRaw = raw;
    const validation = (this.#validation = new AbortController());
    this.#refresh(validation.signal)
      .catch(() => {
        // Offline or server trouble: stay signed in, check again on the next connect.
        if (shared.validatedRaw === raw) shared.validatedRaw = null;
      })
      .finally(() => {
        if (this.#validation === validation) this.#validation = null;
      });
  }

  /** Takes a new stored value: updates state and attribute, then fires the matching event. */
  #onStoredChange = (raw: string | null, reason: ChangeReason): void => {
    // A deliberate sign-in or sign-out elsewhere outdates a sign-in still under way here.
    if (reason !== 'restored' && reason !== 'session-lost') this.#signInCall?.abort(superseded());
    const before = this.#session;
    const after = raw === null ? null : this.#decode(raw);
    if (!before && !after) return;
    if (before?.token !== after?.token) this.#generation++;
    this.#session = after;
    this.#user = after ? Object.freeze({ ...after.user }) : null;
    this.#reflect();
    if (!after) {
      // Only the server's word is "session-lost"; a change whose cause this page did not see
      // (storage changed while every element was away) counts as done elsewhere.
      this.#emit('logged-out', { reason: (loggedOutReasons.includes(reason) ? reason : 'other-tab') as LoggedOutReason });
    } else if (!before) {
      const inReason = (loggedInReasons.includes(reason) ? reason : 'restored') as LoggedInReason;
      this.#emit('logged-in', { user: this.#user!, reason: inReason });
    } else if (before.token !== after.token || !sameFields(before.user, after.user)) {
      this.#emit('user-change', { user: this.#user! });
    }
  };

  /** The backend changed: read the stored value again with its format. */
  #redecode(): void {
    if (this.#shared) this.#onStoredChange(this.#shared.raw, 'restored');
  }

  #decode(raw: string): StoredSession | null {
    const backend = this.backend;
    try {
      return backend.deserialize ? backend.deserialize(raw) : deserializeSession(raw);
    } catch {
      return null; // a throwing custom deserializer reads as "no session"
    }
  }

  #encode(backend: AuthBackend, session: StoredSession): string {
    return backend.serialize ? backend.serialize(session) : serializeSession(session);
  }

  #emit<K extends 'logged-in' | 'logged-out' | 'user-change'>(type: K, detail: UserSessionEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: false }));
  }

  /** Puts the `authenticated` attribute and custom state back to the truth. */
  #reflect(): void {
    const on = this.#session !== null;
    if (this.hasAttribute('authenticated') !== on) this.toggleAttribute('authenticated', on);
    try {
      const states = this.#internals?.states;
      if (on) states?.add('authenticated');
      else states?.delete('authenticated');
    } catch {
      // Older engines only accept `--authenticated`; the attribute still tells.
    }
  }

  #storageKey(): string {
    if (this.storageKey) return this.storageKey;
    return this.appId ? `Parse/${this.appId}/currentUser` : 'user-session/currentUser';
  }

  #storageId(): string {
    return storeId(toStorageMode(this.storage), this.#storageKey());
  }

  #timeoutMs(): number {
    const ms = Number(this.timeout);
    return Number.isFinite(ms) && ms > 0 ? ms : defaultTimeout;
  }
}

/** Compares two users field by field, whatever the key order. */
function sameFields(a: PublicUser, b: PublicUser): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

function superseded(): AuthError {
  return new AuthError('aborted', 'A newer sign-in or sign-out replaced this request.');
}

function notConnected(): AuthError {
  return new AuthError('misconfigured', 'The <user-session> element is not in the document.');
}

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
