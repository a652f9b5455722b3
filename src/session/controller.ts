import type { ReactiveController, ReactiveControllerHost } from '@lit/reactive-element';
import { Capability, hasCapability, type AuthBackend, type PublicUser, type StoredSession } from '../backends/backend.js';
import { onBackendRegistered } from '../backends/registrations.js';
import { CachedDecoder, encodeWith, sameUserFields } from '../backends/session-codec.js';
import { AuthError, superseded } from '../errors.js';
import { callWithTimeout } from '../internal/call-with-timeout.js';
import { nonEmptyString } from '../internal/guards.js';
import { storeId } from '../storage/key-store.js';
import { clock, recheckGap } from './clock.js';
import {
  Feature,
  onFeatureRegistered,
  type FeatureName,
  type LogInOptions,
  type SessionChange,
  type SessionCore,
  type SessionFeature,
  type SessionSettings,
  type Usable,
} from './feature.js';
import { AttachedFeatures } from './attached-features.js';
import { loadFeature } from './load-feature.js';
import { logOutOf } from './log-out.js';
import { serverOf } from './outbox.js';
import type { LogOutResult } from './log-out-result.js';
import { refreshStored } from './refresh.js';
import { asLoggedInReason, asLoggedOutReason, type ChangeReason } from './reasons.js';
import { SharedSession, type ChangeListener } from './shared-session.js';
import type { PasswordSignIn } from '../features/sign-in.js';
import type { RedirectSignIn } from '../features/redirect-sign-in.js';
import type { UserUpdates } from '../features/update-user.js';

export type { SessionChange, SessionSettings } from './feature.js';

/**
 * The core of `<user-session>` (SPEC §3, §7, §10), with no DOM: one page's view of a stored
 * session. Storage is the truth — each flow reads it afresh when it starts, and a late answer
 * writes back only over the value it started from. It restores and validates the session, logs
 * out (`current`, `local`, `others`, `all`, with the outbox), keeps tabs in step and stores what
 * a sign-in gives; every other capability is a feature (`src/features/`) attached through
 * `SessionCore`. The host supplies settings and turns changes into attributes and events.
 */
export class SessionController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #settings: () => SessionSettings;
  readonly #onChange: (change: SessionChange) => void;
  #shared: SharedSession | null = null;
  #session: StoredSession | null = null;
  #user: PublicUser | null = null;
  #inFlight = 0;
  readonly #decoder = new CachedDecoder();
  /** The sign-in under way: a newer sign-in or sign-out aborts it. */
  #signIn: AbortController | null | undefined;
  /** The background check started on connect: disconnecting aborts it. */
  #validation: AbortController | null | undefined;
  /** Stops listening for backends and features registered while connected. */
  #stopListening: (() => void)[] = [];
  /** Counts connects and disconnects: work deferred at a connect runs only if none came since. */
  #connection = 0;
  #ready!: Promise<PublicUser | null>;
  /** Resolves `ready`; `null` once it has (the next connect makes a new promise). */
  #resolveReady: ((user: PublicUser | null) => void) | null = null;
  /** The features attached to this core. */
  readonly #features: AttachedFeatures;
  /** Counts log-outs, disconnects and changes of the stored session: what a call waiting for its feature checks. */
  #changes = 0;
  /** What features see of this core (`SessionCore`): its flows, never its fields. */
  readonly #core: SessionCore;

  constructor(host: ReactiveControllerHost, settings: () => SessionSettings, onChange: (change: SessionChange) => void) {
    this.#host = host;
    this.#settings = settings;
    this.#onChange = onChange;
    this.#newReady();
    host.addController(this);
    this.#core = this.#makeCore();
    this.#features = new AttachedFeatures(this.#core);
    this.#features.attach();
  }

  /** Settles with the user (or `null`) once the first check after connecting ends, whatever its outcome; anew per connect. */
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
    globalThis.document?.addEventListener('visibilitychange', this.#onVisible);
    this.#features.attach();
    this.#stopListening.push(
      onBackendRegistered(this.#onBackendRegistered),
      onFeatureRegistered(() => this.#features.attach()),
    );
    // The server is asked after this task, with the settings as they are then: a framework may
    // set them right after it inserts the host (Angular binds `[backend]` after the connect).
    const connection = ++this.#connection;
    const raw = shared.raw;
    setTimeout(() => {
      if (connection !== this.#connection) return;
      this.#withNeededFeatures(() => {
        if (connection === this.#connection) this.#connectTask(shared, raw);
      });
    });
  }

  /** Runs `run` once the features the backend and settings need are here (loaded first if missing; a failure is reported). */
  #withNeededFeatures(run: () => void): void {
    const missing = this.#features.missing();
    if (missing.length === 0) return run();
    void Promise.all(missing.map(loadFeature))
      .catch((error: AuthError) => this.#onChange({ type: 'failure', error }))
      .then(run);
  }

  #connectTask(shared: SharedSession, raw: string | null): void {
    const connection = this.#connection;
    const context = { raw, signingIn: null as Promise<unknown> | null };
    const work = this.#features.each((f) => f.connected?.(shared, context));
    const checking = shared.raw === raw ? this.#validateInBackground(shared) : null;
    void Promise.all([...work, checking]).then(() => {
      // Moved in the page meanwhile (a check cut short by the disconnect): the new connect's check settles `ready`.
      if (connection !== this.#connection && this.#shared) return;
      this.#resolveReady?.(this.#user);
      this.#resolveReady = null;
    });
    // On the provider's return, queued revocations wait for the sign-in: sent before it, one
    // could end the grant the new session is about to share.
    void Promise.resolve(context.signingIn).then(() => shared.retryOutbox(this.#core, this.#settings().backend, true));
  }

  hostDisconnected(): void {
    this.#connection++;
    this.#changes++;
    for (const stop of this.#stopListening.splice(0)) stop();
    globalThis.removeEventListener?.('online', this.#onOnline);
    globalThis.document?.removeEventListener('visibilitychange', this.#onVisible);
    this.#shared?.unwatchSessions(this.#onSessionsChanged);
    this.#shared?.leave(this.#onStoredChange);
    this.#shared = null;
    this.#validation?.abort(); // its rejection is never shown: the next connect checks again
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
    } else if (backend !== this.#decoder.backend) {
      // Pointed at another server: a sign-in under way at the old one is not this page's, and the
      // session is ended at its own server, never sent to the new one.
      this.#signIn?.abort(superseded());
      const before = this.#decoder.backend;
      const server = before && serverOf(before);
      if (this.#session && server !== undefined && server !== serverOf(backend)) void this.logOut(null, 'session-lost', before!);
      this.#onStoredChange(shared.raw, 'restored');
    }
    // A setting of a feature not imported (`idle-timeout`…) loads it.
    this.#withNeededFeatures(() => {});
  }

  /**
   * Runs `run` with the feature `name` attached to this core, loading its module first when
   * the page did not import it (SPEC §10: never a silent no-op). At once when it is attached,
   * so the request starts in this task. A call that waited for the module is moot (`aborted`)
   * when, meanwhile, the session it was made on changed: a log-out, another user, a disconnect.
   */
  use<F extends SessionFeature, T>(name: FeatureName, run: (feature: F) => Promise<T>): Promise<T> {
    const attached = this.#features.get(name);
    if (attached) return run(attached as F);
    const changes = this.#changes;
    this.#inFlight++; // loading the feature is part of the call: `pending` says so
    return loadFeature(name)
      .finally(() => this.#inFlight--)
      .then(() => {
        if (changes !== this.#changes) throw superseded();
        return run(this.#features.get(name) as F);
      });
  }

  /** Signs in (feature `sign-in`); with a redirect backend and no credentials, at the provider (feature `redirect-sign-in`). */
  logIn(username?: string, password?: string, options?: LogInOptions): Promise<PublicUser> {
    const redirect =
      hasCapability(this.#settings().backend, Capability.redirectLogIn) && !nonEmptyString(username) && !nonEmptyString(password);
    if (redirect) return this.use(Feature.redirectSignIn, (f: RedirectSignIn) => f.logIn());
    return this.use(Feature.signIn, (f: PasswordSignIn) => f.logIn(username, password, options));
  }

  /** Creates an account and signs in (feature `sign-in`); `extra` fields go to the new user. */
  signUp(username: string, password: string, extra: Record<string, unknown> = {}): Promise<PublicUser> {
    return this.use(Feature.signIn, (f: PasswordSignIn) => f.signUp(username, password, extra));
  }

  /** Sets fields of the signed-in user (feature `update-user`). */
  updateUser(fields: unknown): Promise<PublicUser> {
    return this.use(Feature.updateUser, (f: UserUpdates) => f.updateUser(fields));
  }

  /** Signs out, local first (SPEC §3, `session/log-out.ts`), also on a disconnected host (SPEC §7.8). Never rejects. */
  logOut(
    options?: { scope?: unknown; endSession?: unknown } | null,
    reason: 'log-out' | 'idle' | 'session-lost' = 'log-out',
    backend?: AuthBackend,
  ): Promise<LogOutResult> {
    this.#changes++;
    return this.#withShared((shared) =>
      logOutOf(shared, this.#core, this.#features, () => this.#signIn?.abort(superseded()), options, reason, backend),
    );
  }

  /** Checks the stored session with the server (`session/refresh.ts`): the user, or `null`. */
  refresh(cancel?: AbortSignal): Promise<PublicUser | null> {
    return this.#withShared((shared) => refreshStored(this.#core, shared, cancel));
  }

  /** Checks again (page shown, online, an interval) while signed in, at most once per `gap` ms per key on this page. */
  revalidate(now = clock.now(), gap = recheckGap): void {
    const shared = this.#shared;
    if (shared && this.#session && shared.claimRecheck(now, gap)) void this.refresh().catch(() => {});
  }

  /** The core as features see it. */
  #makeCore(): SessionCore {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read the controller
    const core = this;
    return {
      host: this.#host,
      get settings() {
        return core.#settings();
      },
      get user() {
        return core.#user;
      },
      get shared() {
        return core.#shared;
      },
      withShared: (flow) => this.#withShared(flow),
      call: (task, cancel, onLate) => this.#call(task, cancel, onLate),
      decode: (raw) => this.#decode(raw),
      encode: encodeWith,
      beginSignIn: () => {
        this.#signIn?.abort(superseded());
        return (this.#signIn = new AbortController());
      },
      endSignIn: (call) => {
        if (this.#signIn === call) this.#signIn = null;
      },
      logOut: (options, reason) => this.logOut(options, reason),
      revalidate: (now, gap) => this.revalidate(now, gap),
      usable: (shared, raw, cancel) => this.#usable(shared, raw, cancel),
      report: (change) => this.#onChange(change),
    };
  }

  /** The stored session ready for use: a feature renews credentials that are due (`redirect-sign-in`). */
  #usable(shared: SharedSession, raw: string | null, cancel?: AbortSignal): Usable | Promise<Usable> {
    return this.#features.each((f) => f.usable?.(shared, raw, cancel))[0] ?? [raw, this.#decode(raw)];
  }

  /** Runs `flow` on the joined shared session, or (disconnected) on one joined for the flow alone. */
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
      return await callWithTimeout(task, this.#settings().timeout, cancel, onLate);
    } finally {
      this.#inFlight--;
    }
  }

  /** A backend registered after connecting may be this host's: the stored value is read with it, the connect task rerun. */
  #onBackendRegistered = (): void => {
    const shared = this.#shared;
    if (!shared || this.#settings().backend === this.#decoder.backend) return;
    // Its default storage key may differ (a reconnect there), else the stored value is read anew.
    this.hostUpdated();
    if (this.#shared !== shared) return;
    this.#withNeededFeatures(() => {
      if (this.#shared === shared) this.#connectTask(shared, shared.raw);
    });
  };

  #onSessionsChanged = (): void => {
    if (this.#session) this.#onChange({ type: 'sessions-change' });
  };

  #onOnline = (): void => {
    const shared = this.#shared;
    shared?.retryOutbox(this.#core, this.#settings().backend);
    this.revalidate();
  };

  /** The page shown again: the session may have ended meanwhile (SPEC §9). */
  #onVisible = (): void => {
    if (globalThis.document?.visibilityState !== 'hidden') this.revalidate();
  };

  /** Checks a restored session with the server once per stored value, whichever member connects first. */
  #validateInBackground(shared: SharedSession): Promise<unknown> | null {
    const raw = shared.raw;
    if (raw === null || !this.#session) return null;
    // Offline or server trouble: stay signed in, check again later.
    return shared.validateOnce(raw, () => {
      const validation = (this.#validation = new AbortController());
      return this.refresh(validation.signal).finally(() => {
        if (this.#validation === validation) this.#validation = null;
      });
    });
  }

  /** Takes a new stored value: updates the state, then tells the features and the host what changed. */
  #onStoredChange = (raw: string | null, reason: ChangeReason): void => {
    // A deliberate sign-in or sign-out elsewhere outdates a sign-in still under way here.
    if (reason !== 'restored' && reason !== 'session-lost') this.#signIn?.abort(superseded());
    const before = this.#session;
    const after = this.#decode(raw);
    this.#session = after;
    if (before?.token !== after?.token) this.#changes++;
    if (!before && !after) return;
    this.#user = after ? Object.freeze({ ...after.user }) : null;
    let change: SessionChange | null = null;
    if (!after) change = { type: 'logged-out', reason: asLoggedOutReason(reason) };
    else if (!before) change = { type: 'logged-in', user: this.#user!, reason: asLoggedInReason(reason) };
    // Renewed credentials of the same user (a refreshed token) are no change to announce.
    else if (!sameUserFields(before.user, after.user)) change = { type: 'user-change', user: this.#user! };
    // A sign-in on this page counts as activity (`idle-timeout`).
    const fresh = change?.type === 'logged-in' && change.reason !== 'restored' && change.reason !== 'other-tab';
    this.#features.each((f) => f.changed?.(fresh));
    if (change) this.#onChange(change);
  };

  #decode(raw: string | null): StoredSession | null {
    return this.#decoder.decode(raw, this.#settings().backend);
  }
}
