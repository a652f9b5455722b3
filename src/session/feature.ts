import type { ReactiveControllerHost } from '@lit/reactive-element';
import type { AuthBackend, LogOutScope, PublicUser, StoredSession } from '../backends/backend.js';
import type { AuthError } from '../errors.js';
import type { LoggedInReason, LoggedOutReason } from './reasons.js';
import type { LogOutResult } from './log-out-result.js';
import type { SharedSession } from './shared-session.js';

/**
 * The features a page can opt into (SPEC §10), by name. Each lives in `src/features/<name>.ts`;
 * `src/define/<name>.ts` registers it. A page gets one by importing its define module (the
 * define module of a tag imports what the tag needs), or, used without that, it loads itself
 * on first use (`loadFeature`).
 */
export const Feature = {
  /** `logIn(username, password)` and `signUp()`: password sign-in (`<log-in-action>`, `<sign-up-action>`). */
  signIn: 'sign-in',
  /** OpenID Connect: sign-in at the provider and back, token renewal, end-session, `accessToken()`. */
  redirectSignIn: 'redirect-sign-in',
  /** Cookie sessions: the server's session of this browser, signed in outside the kit, taken up on connect. */
  serverSession: 'server-session',
  /** `listSessions()`, `revokeSession()` (`<session-list>`). */
  sessions: 'sessions',
  /** `updateUser()` (`<set-user-properties-action>`). */
  updateUser: 'update-user',
  /** `requestPasswordReset()`, `requestVerificationEmail()` (the mail actions). */
  mail: 'mail',
  /** `revalidate` on an interval and `idle-timeout` sign-out. */
  watch: 'watch',
} as const;
export type Feature = (typeof Feature)[keyof typeof Feature];

/**
 * Add-on features: never loaded on first use and not in the self-contained bundles, so the
 * pages that do not use them pay nothing, not even a loader. Their module (`user-session-elements/passkeys.js`)
 * registers the feature and adds its methods to `<user-session>`.
 */
export const AddOnFeature = {
  /** Passkeys: `logInWithPasskey()`, `addPasskey()`, `listPasskeys()`, `deletePasskey()`. */
  passkeys: 'passkeys',
  /** Two-step sign-in: password log-ins go through it (`logIn(…, { code })`), `beginTwoFactor()`, `enableTwoFactor()`, `disableTwoFactor()`. */
  twoFactor: 'two-factor',
} as const;
export type AddOnFeature = (typeof AddOnFeature)[keyof typeof AddOnFeature];
/** Any feature's name. */
export type FeatureName = Feature | AddOnFeature;

/** A change of the signed-in state, for the host to reflect and announce. */
export type SessionChange =
  | { type: 'logged-in'; user: PublicUser; reason: LoggedInReason }
  | { type: 'logged-out'; reason: LoggedOutReason }
  | { type: 'user-change'; user: PublicUser }
  /** The user's list of sessions on the server changed (one revoked, here or in another tab): list them again. */
  | { type: 'sessions-change' }
  /** The user's passkeys changed (one added or removed here): list them again. */
  | { type: 'passkeys-change' }
  /** A log-in's password was right and the account has two-step sign-in: log in again with `code` (either kind of `methods`). */
  | { type: 'second-factor-required'; methods: readonly SecondFactor[] }
  /** A sign-in the page did not call for failed: the answer of a redirect sign-in (forged, refused, unreachable…). */
  | { type: 'failure'; error: AuthError };

/** What the second step of a sign-in accepts: a code from an authenticator app (TOTP), or a recovery code. */
export type SecondFactor = 'totp' | 'recovery-code';

/** Options of `logIn()`. */
export interface LogInOptions {
  /** The second step of a two-step sign-in: the authenticator app's code, or a recovery code. */
  code?: string;
}

/** What a sign-in call does with the session the server gives. */
export type SignInReason = 'log-in' | 'sign-up' | 'passkey';

/** A stored value and its session, ready for use. */
export type Usable = [raw: string | null, session: StoredSession | null];

/** What `<user-session>` sets on its controller, read afresh each time a flow starts. */
export interface SessionSettings {
  backend: AuthBackend;
  storage: import('../storage/key-store.js').StorageMode;
  storageKey: string;
  /** Limit in ms for each backend request. */
  timeout: number;
  /** Sends the browser to another page (redirect sign-in, end-session). Default: `location.assign`. */
  navigate?: (url: string) => void;
  /** The host's other settings, by attribute name (`revalidate`, `idle-timeout`…): a feature reads its own. */
  option?(name: string): string | null;
}

/**
 * What the core offers a feature: its settings, the shared stored session and the flows every
 * feature builds on. A feature calls these; it never reaches into the core's fields.
 */
export interface SessionCore {
  readonly host: ReactiveControllerHost;
  readonly settings: SessionSettings;
  /** The signed-in user, or `null`. */
  readonly user: PublicUser | null;
  /** The stored session of the connected host (`null` while disconnected). */
  readonly shared: SharedSession | null;
  /** Runs `flow` on the shared session; a disconnected host joins one for the flow alone. */
  withShared<T>(flow: (shared: SharedSession) => Promise<T>): Promise<T>;
  /** One backend request within the timeout, counted in `pending`; `onLate` gets an answer given up on. */
  call<T>(task: (signal: AbortSignal) => Promise<T>, cancel?: AbortSignal, onLate?: (value: T) => void): Promise<T>;
  decode(raw: string | null): StoredSession | null;
  encode(backend: AuthBackend, session: StoredSession): string;
  /** A sign-in starts: the one under way is aborted (a newer sign-in or a sign-out aborts this one too). */
  beginSignIn(): AbortController;
  /** The sign-in `call` has its answer. */
  endSignIn(call: AbortController): void;
  logOut(options?: { scope?: unknown; endSession?: unknown } | null, reason?: 'log-out' | 'idle'): Promise<LogOutResult>;
  /** Re-checks with the server, at most once per `gap` ms per key on this page (never rejects). */
  revalidate(now: number, gap: number): void;
  /** The stored value and its session, ready for use (a feature renews it first when due); at once when nothing is due. */
  usable(shared: SharedSession, raw: string | null, cancel?: AbortSignal): Usable | Promise<Usable>;
  /** Tells the host of a change it did not cause by storage: `failure`, `sessions-change`. */
  report(change: SessionChange): void;
}

/** What `connected` is told: the value stored when the host connected, and whether an earlier feature is signing in. */
export interface ConnectContext {
  raw: string | null;
  signingIn: Promise<unknown> | null;
}

/**
 * A feature attached to one `<user-session>`'s core. Every hook is optional; the core calls
 * them at these moments only.
 */
export interface SessionFeature {
  /**
   * The connect task (after the connecting task, with the settings then): `ready` waits for the
   * promise returned. Set `context.signingIn` when the task signs in (later features skip theirs).
   */
  connected?(shared: SharedSession, context: ConnectContext): Promise<unknown> | null;
  /**
   * Before a log-out removes `session` (the request to the server has left): work that needs the
   * session starts now. Returns what to run once the server's answer is in (`pending`: the
   * revocation waits in the outbox); its error, if any, is the log-out's.
   */
  loggingOut?(
    session: StoredSession,
    scope: LogOutScope,
    options: { endSession: boolean },
  ): ((pending: boolean) => Promise<AuthError | null>) | null;
  /** A log-out removed `session` from this browser. */
  loggedOut?(shared: SharedSession, session: StoredSession): void;
  /** The stored session made ready for use: renewed first when due (`null`: nothing to renew). */
  usable?(shared: SharedSession, raw: string | null, cancel?: AbortSignal): Usable | Promise<Usable> | null;
  /** The signed-in state changed (`fresh`: a sign-in on this page). */
  changed?(fresh: boolean): void;
}

/** Makes a feature for one core; `core.host` may take it as a `ReactiveController`. */
export type FeatureFactory = (core: SessionCore) => SessionFeature;

const factories = new Map<FeatureName, FeatureFactory>();
const loaded = new Set<() => void>();

/** Makes a feature available to every `<user-session>` (what `src/define/<feature>.ts` does). */
export function registerFeature(name: FeatureName, factory: FeatureFactory): void {
  if (factories.has(name)) return; // a second copy of the module: the first one stays
  factories.set(name, factory);
  for (const listener of [...loaded]) listener();
}

/** The registered features, in registration order. */
export function registeredFeatures(): ReadonlyMap<FeatureName, FeatureFactory> {
  return factories;
}

/** Calls `listener` after each registration; returns the function that stops it. */
export function onFeatureRegistered(listener: () => void): () => void {
  loaded.add(listener);
  return () => loaded.delete(listener);
}
