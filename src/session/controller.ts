import type { ReactiveController, ReactiveControllerHost } from '@lit/reactive-element';
import {
  Capability,
  capabilityForScope,
  hasCapability,
  methodOf,
  missingCapability,
  type MailCapability,
  toLogOutScope,
  type AuthBackend,
  type LogOutScope,
  type PublicUser,
  type RevokeScope,
  type SessionInfo,
  type StoredSession,
} from '../backends/backend.js';
import { onBackendRegistered } from '../backends/registrations.js';
import {
  asStoredSession,
  bySessionOrder,
  deserializeSession,
  serializeSession,
  toPublicUser,
} from '../backends/session-codec.js';
import { AuthError, toAuthError } from '../errors.js';
import { callWithTimeout } from '../internal/call-with-timeout.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import { storeId, type StorageMode } from '../storage/key-store.js';
import { worthRetrying, type Revoke } from './outbox.js';
import { asLoggedInReason, asLoggedOutReason, type ChangeReason, type LoggedInReason, type LoggedOutReason } from './reasons.js';
import { SharedSession, type ChangeListener } from './shared-session.js';
import { checkUserFields } from './user-fields.js';
import { logOutFailure, logOutSuccess, type LogOutResult } from './log-out-result.js';

/** What the controller reads from its host each time it acts. */
export interface SessionSettings {
  backend: AuthBackend;
  storage: StorageMode;
  storageKey: string;
  /** Limit in ms for each backend request. */
  timeout: number;
  /** Sends the browser to another page (redirect sign-in, end-session). Default: `location.assign`. */
  navigate?: (url: string) => void;
}

/** A change of the signed-in state, for the host to reflect and announce. */
export type SessionChange =
  | { type: 'logged-in'; user: PublicUser; reason: LoggedInReason }
  | { type: 'logged-out'; reason: LoggedOutReason }
  | { type: 'user-change'; user: PublicUser }
  /** The user's list of sessions on the server changed (one revoked, here or in another tab): list them again. */
  | { type: 'sessions-change' }
  /** A sign-in the page did not call for failed: the answer of a redirect sign-in (forged, refused, unreachable…). */
  | { type: 'failure'; error: AuthError };

const defaultTimeout = 10_000;

/**
 * One page's view of a stored session, and every flow on it (SPEC §3, §7), with no DOM:
 * storage is the truth — each flow reads it afresh when it starts, and a late answer writes
 * back only over the value it started from. The host supplies settings and turns changes
 * into attributes and events; `<user-session>` is such a host.
 */
export class SessionController implements ReactiveController {
  readonly #settings: () => SessionSettings;
  readonly #onChange: (change: SessionChange) => void;
  #shared: SharedSession | null = null;
  #session: StoredSession | null = null;
  #user: PublicUser | null = null;
  #inFlight = 0;
  /** The last stored value decoded, with what: every flow reads storage, most find it unchanged. */
  #lastDecoded: [string | null, AuthBackend | null, StoredSession | null] = [null, null, null];
  /** The sign-in under way: a newer sign-in or sign-out aborts it. */
  #signIn: AbortController | null = null;
  /** The background check started on connect: disconnecting aborts it. */
  #validation: AbortController | null = null;
  /** The redirect sign-in under way: a second call (a click during `logIn()`) joins it. */
  #redirecting: Promise<PublicUser> | null = null;
  /** Stops listening for backends registered while connected. */
  #stopListening: (() => void) | null = null;
  /** Counts connects and disconnects: work deferred at a connect runs only if none came since. */
  #connection = 0;
  #ready!: Promise<PublicUser | null>;
  /** Resolves `ready`; `null` once it has (the next connect makes a new promise). */
  #resolveReady: ((user: PublicUser | null) => void) | null = null;
  /** The server's id of this browser's session, as the last list said: `[token, id]` (never exposed). */
  #ownSessionId: [token: string, id: string] | null = null;

  constructor(host: ReactiveControllerHost, settings: () => SessionSettings, onChange: (change: SessionChange) => void) {
    this.#settings = settings;
    this.#onChange = onChange;
    this.#newReady();
    host.addController(this);
  }

  /**
   * Settles once the first check with the server after connecting has finished (the sign-in of
   * a provider's answer too), whatever its outcome, with the user then (`null`: signed out); at
   * once after the connecting task when there is nothing to check. A new promise per connect
   * after it settled.
   */
  get ready(): Promise<PublicUser | null> {
    return this.#ready;
  }

  #newReady(): void {
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  /** A frozen copy of the user's public fields, or `null`. */
  get user(): PublicUser | null {
    return this.#user;
  }

  /** True while a request to the backend is in flight. */
  get pending(): boolean {
    return this.#inFlight > 0;
  }

  hostConnected(): void {
    const { storage, storageKey } = this.#settings();
    const shared = (this.#shared = SharedSession.join(storage, storageKey, this.#onStoredChange));
    if (!this.#resolveReady) this.#newReady();
    shared.read();
    shared.watchSessions(this.#onSessionsChanged);
    this.#onStoredChange(shared.raw, shared.reason);
    globalThis.addEventListener?.('online', this.#onOnline);
    this.#stopListening = onBackendRegistered(this.#onBackendRegistered);
    // The server is asked after this task, with the settings as they are then: a framework may
    // set them right after it inserts the host (Angular binds `[backend]` after the connect).
    const connection = ++this.#connection;
    const raw = shared.raw;
    setTimeout(() => {
      if (connection !== this.#connection) return;
      const finishing = this.#finishRedirectLogIn();
      const checking = shared.raw === raw ? this.#validateInBackground(shared) : null;
      const adopting = raw === null && !finishing ? this.#adoptServerSession(shared) : null;
      void Promise.all([finishing, checking, adopting]).then(() => {
        this.#resolveReady?.(this.#user);
        this.#resolveReady = null;
      });
      // On the provider's return, queued revocations wait for the sign-in: sent before it, one
      // could end the grant the new session is about to share.
      if (finishing) void finishing.then(() => shared.retryOutboxOnce(this.#outboxRevoker(shared)));
      else shared.retryOutboxOnce(this.#outboxRevoker(shared));
    });
  }

  hostDisconnected(): void {
    this.#connection++;
    this.#stopListening?.();
    this.#stopListening = null;
    globalThis.removeEventListener?.('online', this.#onOnline);
    this.#shared?.unwatchSessions(this.#onSessionsChanged);
    this.#shared?.leave(this.#onStoredChange);
    this.#shared = null;
    this.#validation?.abort(new AuthError('aborted', 'Disconnected.'));
    this.#validation = null;
  }

  /** After each host update: another storage key or backend means another stored session. */
  hostUpdated(): void {
    const shared = this.#shared;
    if (!shared) return;
    const { storage, storageKey, backend } = this.#settings();
    if (shared.id !== storeId(storage, storageKey)) {
      // Only the storage area changed: the session moves with it (written there, removed here),
      // so no copy stays behind where a log-out would not look.
      this.hostDisconnected();
      if (shared.key === storageKey) shared.moveTo(storage);
      this.hostConnected();
    } else if (backend !== this.#lastDecoded[1]) {
      this.#onStoredChange(shared.raw, 'restored');
    }
  }

  /**
   * Signs in (SPEC §5); over an active session, that one is signed out first (SPEC §7.12).
   * With a redirect backend (OpenID Connect) and no credentials, sends the browser to the
   * provider: the promise then stays pending while the page leaves.
   */
  async logIn(username?: string, password?: string): Promise<PublicUser> {
    const backend = this.#settings().backend;
    if (hasCapability(backend, Capability.redirectLogIn)) {
      const credentials = nonEmptyString(username) || nonEmptyString(password);
      if (!credentials) return (this.#redirecting ??= this.#redirectLogIn(backend).finally(() => (this.#redirecting = null)));
      if (!hasCapability(backend, Capability.passwordLogIn)) {
        throw new AuthError(
          'misconfigured',
          'This backend signs in at the provider: leave out the username and password (no form fields).',
        );
      }
    }
    requireCredentials(username, password);
    if (!hasCapability(backend, Capability.passwordLogIn)) throw missingCapability(Capability.passwordLogIn);
    return this.#signInWith('log-in', (signal) => backend.logIn!(username, password!, { signal }));
  }

  /** Creates an account and signs in; `extra` fields go to the new user. */
  async signUp(username: string, password: string, extra: Record<string, unknown> = {}): Promise<PublicUser> {
    const fields = isRecord(extra) ? extra : {};
    requireCredentials(username, password);
    const backend = this.#settings().backend;
    if (!hasCapability(backend, Capability.signUp)) throw missingCapability(Capability.signUp);
    return this.#signInWith('sign-up', (signal) => backend.signUp!(username, password, fields, { signal }));
  }

  /** Asks the server to mail a password-reset link to `email` (no session involved, nothing stored changes). */
  requestPasswordReset(email: unknown): Promise<void> {
    return this.#mail(Capability.passwordReset, email);
  }

  /** Asks the server to mail (again) the link that verifies `email`. */
  requestVerificationEmail(email: unknown): Promise<void> {
    return this.#mail(Capability.verificationEmail, email);
  }

  /**
   * A mail request: the address is checked first (`bad-request`, no request), then the
   * capability (`misconfigured`); the answer is the same for a known and an unknown address.
   */
  async #mail(capability: MailCapability, email: unknown): Promise<void> {
    const address = typeof email === 'string' ? email.trim() : '';
    if (!/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/.test(address))
      throw new AuthError('bad-request', 'Enter an email address.');
    const backend = this.#settings().backend;
    if (!hasCapability(backend, capability)) throw missingCapability(capability);
    await this.#call((signal) => backend[methodOf[capability]]!(address, { signal })).catch((caught: unknown) => {
      throw toAuthError(caught);
    });
  }

  /**
   * Signs out, local first (SPEC §3): the revocation request starts, then in the same task the
   * stored session is removed and `logged-out` fires; then the answer is awaited. An unknown
   * scope signs out here (like `local`) and fails with `bad-request`. Works on a disconnected
   * host too: a log-out an action started is always honoured (SPEC §7.8). Never rejects.
   * `endSession` (capability `end-session`): once the result is delivered, the browser goes to
   * the provider to end its own session too, unless the provider could not be reached.
   */
  async logOut(
    options?: { scope?: unknown; endSession?: unknown } | null,
    reason: 'log-out' | 'idle' = 'log-out',
  ): Promise<LogOutResult> {
    const scope = isRecord(options) ? options.scope : undefined;
    const endSession = isRecord(options) && options.endSession === true;
    return this.#withShared(async (shared) => {
      const asked = scope == null ? 'current' : toLogOutScope(scope);
      const effective: LogOutScope = asked ?? 'local';
      // Nothing stored yet, but the server's session is being taken up: that is the one to sign out of.
      if (shared.takingUp && shared.raw === null) await shared.takingUp;
      // An idle sign-out that finds the session gone (another tab's idle sign-out got there first) is one too.
      const raw = shared.read(reason === 'idle' ? reason : undefined);
      const session = this.#decode(raw);
      this.#signIn?.abort(superseded());
      const backend = this.#settings().backend;
      const needed = effective === 'local' ? null : capabilityForScope(effective);
      const able = !needed || hasCapability(backend, needed);
      // `all` on a backend that cannot: this browser's session is still ended on the server.
      const serverScope: RevokeScope | null =
        !session || effective === 'local' ? null : able ? effective : effective === 'all' ? 'current' : null;
      const clickedAt = Date.now();
      // The request leaves first; the bookkeeping below overlaps the network wait.
      const revocation = serverScope && this.#settle(this.#revoker(backend)(session!, serverScope));
      const canEnd = hasCapability(backend, Capability.endSession);
      // Asked for at once: the URL needs the session, which is about to be removed.
      const ending =
        endSession && session && canEnd && effective !== 'local' && effective !== 'others'
          ? this.#call((signal) => backend.endSessionUrl!(session, { signal })).then(
              (url) => [url, null] as const,
              (caught: unknown) => [null, toAuthError(caught, session.token)] as const,
            )
          : null;
      const includesHere = !!session && effective !== 'others';
      let signedOutLocally = includesHere && shared.write(null, reason);
      // A cookie outlives a log-out that could not reach the server (or `local`): never taken up again.
      if (signedOutLocally && hasCapability(backend, Capability.serverSession)) shared.rememberSignedOut(session!.token);

      let error: AuthError | null = null;
      let pending = false;
      const answer = revocation ? await revocation : null;
      // Already invalid on the server: this browser's session is over, the goal is met…
      const revoked = !!revocation && (!answer || answer.code === 'invalid-session');
      if (answer && effective === 'others' && revoked) {
        // …except for `others`, which could not be listed with it: forget it here too.
        signedOutLocally = shared.replace(raw, null, 'session-lost');
        error = answer;
      } else if (answer && !revoked) {
        // The server could not be told: the revocation waits in the outbox (never exposed).
        pending = worthRetrying(answer);
        if (pending) shared.outbox.add(session!, serverScope!, clickedAt);
        error = answer;
      }
      // Other sessions ended on the server: every tab's lists of sessions are out of date.
      if (revocation && !answer && (serverScope === 'others' || serverScope === 'all')) shared.announceSessionsChanged();
      const [endSessionUrl, endError] = ending ? await ending : [null, null];
      if (includesHere && !signedOutLocally) error = storageRefused();
      else if (!asked) error = unknownScope(scope);
      else if (session && !able) error = missingCapability(needed, 'bad-request');
      else if (endSession && session && !canEnd) error = missingCapability(Capability.endSession);
      else if (endError) error ??= endError;
      // After the caller has the result (and an action has fired `success`): a task later.
      if (endSessionUrl && !pending) setTimeout(() => this.#navigate(endSessionUrl));
      return error
        ? logOutFailure(effective, error, signedOutLocally, pending, revoked)
        : logOutSuccess(effective, revoked, signedOutLocally);
    });
  }

  /**
   * Checks the stored session with the server and takes the user's current fields. Resolves
   * to the user, or `null` when signed out (an invalid session ends as `session-lost`).
   * Rejects with an `AuthError` when the server cannot tell (offline keeps the user signed in).
   */
  refresh(cancel?: AbortSignal): Promise<PublicUser | null> {
    return this.#withShared(async (shared) => {
      const usable = this.#usable(shared, shared.read(), cancel);
      const [raw, session] = Array.isArray(usable) ? usable : await usable;
      if (!session) return null;
      const backend = this.#settings().backend;
      let fields: PublicUser;
      try {
        fields = await this.#call((signal) => backend.currentUser(session, { signal }), cancel);
      } catch (caught) {
        const error = toAuthError(caught, session.token);
        if (error.code !== 'invalid-session') throw error;
        shared.replace(raw, null, 'session-lost');
        return this.#decode(shared.read())?.user ?? null;
      }
      if (!isRecord(fields)) throw new AuthError('server', 'No user in the answer.');
      const user = toPublicUser(fields, nonEmptyString(fields.id) ? fields.id : session.user.id);
      const fresh = this.#encode(backend, { token: session.token, user });
      // Only over the value it started from: a session removed meanwhile stays removed.
      if (shared.replace(raw, fresh, 'restored')) shared.trust(fresh);
      return this.#decode(shared.read())?.user ?? null;
    });
  }

  /**
   * Sets fields of the signed-in user (capability `update-user`): reserved and server-private
   * names are refused with `bad-request` before any request. The answer is stored over the
   * session it started from (compare-and-write), so every member on the key and every tab gets
   * `user-change`; an invalid session ends as `session-lost`. Resolves to the user.
   */
  updateUser(fields: unknown): Promise<PublicUser> {
    return this.#withShared(async (shared) => {
      const backend = this.#settings().backend;
      if (!hasCapability(backend, Capability.updateUser)) throw missingCapability(Capability.updateUser);
      const changes = checkUserFields(fields);
      const session = await this.#signedIn(shared, undefined, 'Not signed in: nobody to update.');
      let user = await this.#onSession(shared, session, (signal) => backend.updateUser!(session, changes, { signal }));
      if (!isRecord(user)) throw new AuthError('server', 'No user in the answer.');
      user = toPublicUser(user, session.user.id);
      // Still that session (its fields may have been re-read meanwhile): the answer is the newest word.
      const now = shared.read();
      if (this.#decode(now)?.token === session.token) {
        const fresh = this.#encode(backend, { token: session.token, user });
        if (shared.replace(now, fresh, 'restored')) shared.trust(fresh);
      }
      return Object.freeze(user);
    });
  }

  /**
   * The signed-in user's sessions on every device (capability `list-sessions`), this browser's
   * first, then newest first: frozen, holding no secret. Rejects with `bad-request` when signed
   * out; an invalid session ends as `session-lost` and rejects with `invalid-session`.
   */
  listSessions(cancel?: AbortSignal): Promise<readonly SessionInfo[]> {
    return this.#withShared(async (shared) => {
      const backend = this.#settings().backend;
      if (!hasCapability(backend, Capability.listSessions)) throw missingCapability(Capability.listSessions);
      const session = await this.#signedIn(shared, cancel);
      const list = await this.#onSession(shared, session, (signal) => backend.listSessions!(session, { signal }), cancel);
      const sessions = toSessionInfos(list, session.token);
      const own = sessions.find((s) => s.current);
      if (own) this.#ownSessionId = [session.token, own.id];
      return sessions;
    });
  }

  /**
   * Ends one session of the user by its `SessionInfo.id` (capability `revoke-session`); this
   * browser's own id logs out here (`logOut({ scope: 'current' })`, rejecting with its error if
   * that failed). Resolves once no session of the user has that id (also when it was not one of
   * theirs: nothing done); then every member and tab hears `sessions-change`. Rejects with
   * `bad-request` for an empty id or when signed out; an invalid session ends as `session-lost`.
   */
  revokeSession(id: unknown, cancel?: AbortSignal): Promise<void> {
    return this.#withShared(async (shared) => {
      if (!nonEmptyString(id) || !id.trim()) throw new AuthError('bad-request', 'Name the session to end (its id).');
      const backend = this.#settings().backend;
      if (!hasCapability(backend, Capability.revokeSession)) throw missingCapability(Capability.revokeSession);
      const session = await this.#signedIn(shared, cancel);
      // Which one is this browser's? Known from the last list of this session, else listed now.
      let own = this.#ownSessionId?.[0] === session.token ? this.#ownSessionId[1] : null;
      if (own === null && hasCapability(backend, Capability.listSessions)) {
        own = (await this.listSessions(cancel)).find((s) => s.current)?.id ?? null;
      }
      if (id === own) {
        const result = await this.logOut({ scope: 'current' });
        if (!result.ok) throw result.error;
        return;
      }
      await this.#onSession(shared, session, (signal) => backend.revokeSession!(session, id, { signal }), cancel);
      shared.announceSessionsChanged();
    });
  }

  /** The stored session, renewed if due; `bad-request` when signed out. */
  async #signedIn(shared: SharedSession, cancel?: AbortSignal, signedOut = 'Not signed in.'): Promise<StoredSession> {
    const usable = this.#usable(shared, shared.read(), cancel);
    const [, session] = Array.isArray(usable) ? usable : await usable;
    if (!session) throw new AuthError('bad-request', signedOut);
    return session;
  }

  /** A request on the user's session: errors redacted of the token; a refused session ends as `session-lost`. */
  async #onSession<T>(
    shared: SharedSession,
    session: StoredSession,
    task: (signal: AbortSignal) => Promise<T>,
    cancel?: AbortSignal,
  ): Promise<T> {
    const raw = shared.read();
    try {
      return await this.#call(task, cancel);
    } catch (caught) {
      const error = toAuthError(caught, session.token);
      // Only over that session: one signed in meanwhile is not ended by the old one's refusal.
      if (error.code === 'invalid-session' && this.#decode(raw)?.token === session.token)
        shared.replace(raw, null, 'session-lost');
      throw error;
    }
  }

  /**
   * Checks the session with the server again (the page visible again, back online, an
   * interval): only while signed in, and at most once per `gap` ms per storage key on this page,
   * whichever member asks first. Never rejects: offline or a server error keeps the user signed in.
   */
  revalidate(now: number, gap: number): void {
    const shared = this.#shared;
    if (shared && this.#session && shared.claimRecheck(now, gap)) void this.refresh().catch(() => {});
  }

  /** Sends the browser to the provider to sign in, the session held so far signed out first. */
  async #redirectLogIn(backend: AuthBackend): Promise<PublicUser> {
    const shared = this.#shared;
    if (!shared) throw notConnected();
    // Awaited: the page is about to leave, and the old session must be revoked or queued first…
    if (this.#decode(shared.read())) await this.logOut({ scope: 'current' });
    // …and what is queued is sent now, while no new session shares the provider's grant.
    await shared.outbox.flush(this.#outboxRevoker(shared), true);
    this.#signIn?.abort(superseded());
    const call = (this.#signIn = new AbortController());
    let url: string;
    try {
      url = await this.#call((signal) => backend.beginLogIn!({ signal }), call.signal);
    } finally {
      if (this.#signIn === call) this.#signIn = null;
    }
    this.#navigate(url);
    return new Promise<PublicUser>(() => {}); // the page is leaving for the provider
  }

  /**
   * On connect: when the address is the provider sending the browser back, takes the answer's
   * parameters out of the address bar at once (one member of the page sees them), then
   * finishes the sign-in; a failure is reported as a `failure` change, nothing stored.
   */
  #finishRedirectLogIn(): Promise<void> | null {
    const backend = this.#settings().backend;
    const href = globalThis.location?.href;
    if (!href || !hasCapability(backend, Capability.redirectLogIn)) return null;
    let answer: ReturnType<NonNullable<AuthBackend['finishLogIn']>>;
    try {
      answer = backend.finishLogIn!(new URL(href));
    } catch (caught) {
      this.#onChange({ type: 'failure', error: toAuthError(caught) });
      return null;
    }
    if (!answer) return null;
    try {
      globalThis.history.replaceState(globalThis.history.state, '', answer.cleanUrl);
    } catch {
      // no history (a sandboxed frame): the answer is void once used anyway
    }
    const returned = answer;
    // The session held so far is replaced only by a sign-in that worked: a forged answer in a
    // link signs nobody out.
    return this.#signInWith('log-in', (signal) => returned.finish({ signal }), false).then(
      () => {},
      (caught: unknown) => this.#onChange({ type: 'failure', error: toAuthError(caught) }),
    );
  }

  /**
   * The access token for the page's own API calls (backends that have one: OpenID Connect),
   * renewed first when due; `null` when signed out or the backend has none. Rejects like
   * `refresh` when it is due and the provider cannot be reached.
   */
  accessToken(): Promise<string | null> {
    return this.#withShared(async (shared) => {
      const [, session] = await this.#usable(shared, shared.read());
      const backend = this.#settings().backend;
      return session && typeof backend.accessToken === 'function' ? backend.accessToken(session) : null;
    });
  }

  async #signInWith(
    reason: 'log-in' | 'sign-up',
    start: (signal: AbortSignal) => Promise<StoredSession>,
    signOutFirst = true,
  ): Promise<PublicUser> {
    const shared = this.#shared;
    if (!shared) throw notConnected();
    const backend = this.#settings().backend;
    // Signing in over an active session signs that one out first (revoked, or queued).
    if (signOutFirst && this.#decode(shared.read())) void this.logOut({ scope: 'current' });
    this.#signIn?.abort(superseded());
    const call = (this.#signIn = new AbortController());
    // A session the server opens for a sign-in this page gave up on (a newer call, the
    // timeout, a disconnect) is ended, never left alive.
    const abandon = (answer: StoredSession) => {
      const orphan = asStoredSession(answer);
      if (orphan) void this.#revokeOrQueue(shared, backend, orphan);
    };
    let answer: StoredSession;
    try {
      answer = await this.#call(start, call.signal, abandon);
    } finally {
      if (this.#signIn === call) this.#signIn = null;
    }
    const fresh = asStoredSession(answer);
    if (!fresh) throw new AuthError('server', 'No session in the answer.');
    // Still connected to that key (possibly after a move in the document: another object, same key)?
    const now = this.#shared;
    if (now?.id !== shared.id) {
      abandon(fresh);
      throw notConnected();
    }
    // A session stored meanwhile by other code (the Parse SDK…) is replaced: signed out first.
    const other = this.#decode(now.read());
    if (other && other.token !== fresh.token) void this.#revokeOrQueue(now, backend, other);
    let raw: string;
    try {
      raw = this.#encode(backend, fresh);
    } catch (cause) {
      abandon(fresh);
      throw new AuthError('server', 'The backend cannot store its session.', { cause });
    }
    now.write(raw, reason);
    now.trust(raw);
    if (this.#session?.token !== fresh.token || !this.#user) {
      // Unreadable with this backend: neither kept nor left alive on the server.
      now.replace(raw, null, 'log-out');
      abandon(fresh);
      throw new AuthError('server', 'The new session cannot be read back.');
    }
    return this.#user;
  }

  /**
   * Runs `flow` on the joined shared session, or (host disconnected) on one joined for this
   * flow alone, whose changes still reach this controller.
   */
  async #withShared<T>(flow: (shared: SharedSession) => Promise<T>): Promise<T> {
    if (this.#shared) return flow(this.#shared);
    const { storage, storageKey } = this.#settings();
    const listener: ChangeListener = (raw, reason) => this.#onStoredChange(raw, reason);
    const shared = SharedSession.join(storage, storageKey, listener);
    try {
      return await flow(shared);
    } finally {
      shared.leave(listener);
    }
  }

  /** Runs one backend request within the timeout, counted in `pending`. */
  async #call<T>(task: (signal: AbortSignal) => Promise<T>, cancel?: AbortSignal, onLate?: (value: T) => void): Promise<T> {
    this.#inFlight++;
    try {
      return await callWithTimeout(task, this.#timeoutMs(), cancel, onLate);
    } finally {
      this.#inFlight--;
    }
  }

  /** Asks the backend to revoke, within the timeout; errors come redacted of the token. */
  #revoker(backend = this.#settings().backend) {
    return async (session: StoredSession, scope: RevokeScope, createdBefore?: number): Promise<void> => {
      try {
        await this.#call((signal) =>
          backend.logOut(session, createdBefore === undefined ? { scope, signal } : { scope, signal, createdBefore }),
        );
      } catch (caught) {
        throw toAuthError(caught, session.token);
      }
    };
  }

  /** Revokes a session this page no longer holds; one the server could not be told of waits in the outbox. */
  async #revokeOrQueue(shared: SharedSession, backend: AuthBackend, session: StoredSession): Promise<void> {
    const error = await this.#settle(this.#revoker(backend)(session, 'current'));
    if (error && worthRetrying(error)) shared.outbox.add(session, 'current', Date.now());
  }

  /** A promise's error as a value (`null`: it fulfilled), so it can start now and be awaited later. */
  #settle(work: Promise<unknown>): Promise<AuthError | null> {
    return work.then(
      () => null,
      (caught: unknown) => toAuthError(caught),
    );
  }

  /**
   * A backend registered after connecting (its entry point loaded late) may be this host's:
   * the stored session is read with it, and a provider's answer in the address bar is taken.
   */
  #onBackendRegistered = (): void => {
    const shared = this.#shared;
    if (!shared || this.#settings().backend === this.#lastDecoded[1]) return;
    // Its default storage key may differ (a reconnect there), else the stored value is read anew.
    this.hostUpdated();
    if (this.#shared !== shared) return;
    void this.#finishRedirectLogIn();
    void this.#validateInBackground(shared);
  };

  #onSessionsChanged = (): void => {
    if (this.#session) this.#onChange({ type: 'sessions-change' });
  };

  #onOnline = (): void => {
    const shared = this.#shared;
    shared?.retryOutbox(this.#outboxRevoker(shared), true);
  };

  /** Sends queued revocations, except one that would also end the session signed in since (SPEC §3.4). */
  #outboxRevoker(shared: SharedSession): Revoke {
    const revoke = this.#revoker();
    return async (queued, scope, createdBefore) => {
      const backend = this.#settings().backend;
      const current = this.#decode(shared.read());
      if (current && backend.revocationWouldEnd?.(queued, current)) return; // dropped, never sent
      return revoke(queued, scope, createdBefore);
    };
  }

  /**
   * Nothing stored, but the server may keep a session for this browser (capability
   * `server-session`: a cookie the page signed in with outside the kit). Asked once per page and
   * key; the session this browser last signed out of (its sign-out queued, or `local`) is never
   * taken up again. What it gives is stored over nothing as `restored`. Offline: stays signed out.
   */
  async #adoptServerSession(shared: SharedSession): Promise<void> {
    const backend = this.#settings().backend;
    if (!hasCapability(backend, Capability.serverSession) || !shared.claimServerSession()) return;
    let done = () => {};
    shared.takingUp = new Promise<void>((resolve) => (done = resolve));
    // A sign-in and log-out meanwhile leave nothing stored too: the answer, asked before them, is stale.
    const writes = shared.writes;
    try {
      let session: StoredSession | null;
      try {
        session = asStoredSession(await this.#call((signal) => backend.serverSession!({ signal })));
      } catch {
        return;
      }
      // Signed out of here: by its marker, or by a revocation still queued (the marker may be gone).
      if (!session || shared.writes !== writes || shared.signedOutOf(session.token) || shared.outbox.ends(session.token)) return;
      const fresh = this.#encode(backend, session);
      if (shared.replace(null, fresh, 'restored')) shared.trust(fresh);
    } finally {
      shared.takingUp = null;
      done();
    }
  }

  /** Checks a restored session with the server once per stored value, whichever member connects first. */
  #validateInBackground(shared: SharedSession): Promise<unknown> | null {
    const raw = shared.raw;
    if (raw === null || !this.#session) return null;
    // Another member checks it: wait for that one.
    if (!shared.claimValidation(raw)) return shared.checking;
    const validation = (this.#validation = new AbortController());
    const checking: Promise<unknown> = this.refresh(validation.signal)
      .catch(() => shared.releaseValidation(raw)) // offline or server trouble: stay signed in, check again later
      .finally(() => {
        if (this.#validation === validation) this.#validation = null;
        if (shared.checking === checking) shared.checking = null;
      });
    return (shared.checking = checking);
  }

  /** Takes a new stored value: updates the state, then tells the host what changed. */
  #onStoredChange = (raw: string | null, reason: ChangeReason): void => {
    // A deliberate sign-in or sign-out elsewhere outdates a sign-in still under way here.
    if (reason !== 'restored' && reason !== 'session-lost') this.#signIn?.abort(superseded());
    const before = this.#session;
    const after = this.#decode(raw);
    this.#session = after;
    if (!before && !after) return;
    this.#user = after ? Object.freeze({ ...after.user }) : null;
    if (!after) this.#onChange({ type: 'logged-out', reason: asLoggedOutReason(reason) });
    else if (!before) this.#onChange({ type: 'logged-in', user: this.#user!, reason: asLoggedInReason(reason) });
    // Renewed credentials of the same user (a refreshed token) are no change to announce.
    else if (!sameFields(before.user, after.user)) this.#onChange({ type: 'user-change', user: this.#user! });
  };

  #decode(raw: string | null): StoredSession | null {
    const backend = this.#settings().backend;
    const [lastRaw, lastBackend, lastSession] = this.#lastDecoded;
    if (raw === lastRaw && backend === lastBackend) return lastSession;
    if (raw === null) {
      this.#lastDecoded = [null, backend, null];
      return null;
    }
    let session: StoredSession | null;
    try {
      session = asStoredSession(backend.deserialize ? backend.deserialize(raw) : deserializeSession(raw));
    } catch {
      session = null; // a throwing custom deserializer reads as "no session"
    }
    this.#lastDecoded = [raw, backend, session];
    return session;
  }

  #encode(backend: AuthBackend, session: StoredSession): string {
    return backend.serialize ? backend.serialize(session) : serializeSession(session);
  }

  #navigate(url: string): void {
    const navigate = this.#settings().navigate ?? ((to: string) => globalThis.location.assign(to));
    navigate(url);
  }

  /**
   * The stored session ready for use: when the backend says its credentials are due, renewed
   * first — by one tab at a time (Web Locks), and a tab that waited takes what the other one
   * stored instead of renewing again (a second use of a rotated refresh token ends the grant).
   * A refusal ends the session as `session-lost`. Resolves to the value now stored and its session.
   */
  #usable(shared: SharedSession, raw: string | null, cancel?: AbortSignal): Usable | Promise<Usable> {
    const backend = this.#settings().backend;
    const session = this.#decode(raw);
    const due = session && hasCapability(backend, Capability.refresh) ? backend.refreshAt?.(session) : null;
    // Not due: at once, so the request that follows starts in this task (and `pending` says so).
    if (!session || typeof due !== 'number' || due > Date.now()) return [raw, session];
    const renew = async (): Promise<Usable> => {
      const now = shared.read();
      if (now !== raw) return [now, this.#decode(now)]; // renewed (or ended) meanwhile
      let renewed: StoredSession | null;
      try {
        renewed = asStoredSession(await this.#call((signal) => backend.refreshSession!(session, { signal }), cancel));
      } catch (caught) {
        const error = toAuthError(caught, session.token);
        if (error.code !== 'invalid-session') throw error;
        shared.replace(raw, null, 'session-lost');
        const after = shared.read();
        return [after, this.#decode(after)];
      }
      if (!renewed) throw new AuthError('server', 'No session in the answer.');
      const fresh = this.#encode(backend, renewed);
      if (shared.replace(raw, fresh, 'restored')) shared.trust(fresh);
      const after = shared.read();
      return [after, this.#decode(after)];
    };
    const locks = globalThis.navigator?.locks;
    return locks ? (async () => await locks.request(`user-session-elements refresh ${shared.id}`, renew))() : renew();
  }

  #timeoutMs(): number {
    const ms = Number(this.#settings().timeout);
    return Number.isFinite(ms) && ms > 0 ? ms : defaultTimeout;
  }
}

/** A stored value and its session, ready for use. */
type Usable = [raw: string | null, session: StoredSession | null];

/**
 * What a backend listed, as frozen `SessionInfo`s with only the known fields, this browser's
 * first, then newest first. An entry without an id, or with an id listed already, is dropped (a
 * list shows each session once); a field quoting the token is left out.
 */
function toSessionInfos(list: unknown, token: string): readonly SessionInfo[] {
  if (!Array.isArray(list)) throw new AuthError('server', 'No list of sessions in the answer.');
  const clean = (value: unknown) => (typeof value === 'string' && !value.includes(token) ? value : undefined);
  const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const infos: SessionInfo[] = [];
  const ids = new Set<string>();
  for (const item of list as unknown[]) {
    if (!isRecord(item)) continue;
    const id = clean(item.id);
    if (!id || ids.has(id)) continue;
    ids.add(id);
    const info: SessionInfo = { id, current: item.current === true };
    const fields = {
      createdAt: time(item.createdAt),
      lastActiveAt: time(item.lastActiveAt),
      expiresAt: time(item.expiresAt),
      userAgent: clean(item.userAgent),
    };
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) Object.assign(info, { [name]: value });
    infos.push(Object.freeze(info));
  }
  // The order is the backend's promise, kept here too for a backend of the page's own.
  infos.sort(bySessionOrder);
  return Object.freeze(infos);
}

/** Compares two users field by field, whatever the key order. */
function sameFields(a: PublicUser, b: PublicUser): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

function requireCredentials(username: unknown, password: unknown): asserts username is string {
  if (!nonEmptyString(username) || !nonEmptyString(password))
    throw new AuthError('bad-request', 'Enter a username and a password.');
}

function superseded(): AuthError {
  return new AuthError('aborted', 'Replaced by a newer sign-in or sign-out.');
}

function notConnected(): AuthError {
  return new AuthError('misconfigured', 'The <user-session> is not in the document.');
}

function unknownScope(scope: unknown): AuthError {
  return new AuthError('bad-request', `Unknown scope "${String(scope)}" (current, local, others, all): signed out here only.`);
}

function storageRefused(): AuthError {
  return new AuthError('misconfigured', 'Storage refused to remove the session: still signed in here.');
}
