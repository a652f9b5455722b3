import type { ReactiveController } from '@lit/reactive-element';
import type { SessionInfo } from '../backends/backend.js';
import { toAuthError, type AuthError } from '../errors.js';
import type { UserSessionElement } from '../elements/user-session.js';
import type { SessionListFailureDetail, SessionRevokedDetail } from '../events.js';

/** What the list controller needs from its element (which adds it as a controller: `addController`). */
export interface SessionListHost {
  /** Renders the element again. */
  requestUpdate(): void;
  /** The `<user-session>` to use, found afresh each time (throws or rejects `no-session`). */
  findSession(): UserSessionElement | Promise<UserSessionElement>;
  /** The readable name of a session's device, for messages ("Firefox on Linux"). */
  describe(info: SessionInfo): string;
  /** Fires `revoked` or `failure` on the element. */
  emit(type: 'revoked', detail: SessionRevokedDetail): void;
  emit(type: 'failure', detail: SessionListFailureDetail): void;
}

/** The session events that make the list out of date. */
const sessionEvents = ['logged-in', 'logged-out', 'user-change', 'sessions-change'] as const;

/**
 * The state and flows of `<session-list>`, with no DOM of its own: loads the signed-in user's
 * sessions when connected, again on the session's events and when the page becomes visible,
 * one load at a time (a newer one aborts the older, whose answer is ignored); revokes one
 * session or all the others. The host renders `sessions`, `loading`, `revoking`, `status`.
 */
export class SessionListController implements ReactiveController {
  /** The sessions last listed (empty when signed out). */
  sessions: readonly SessionInfo[] = [];
  /** A message for the live region: the last revocation's outcome, or why the list could not load. */
  status = '';
  readonly #host: SessionListHost;
  /** The session element whose events are followed. */
  #session: UserSessionElement | null = null;
  #load: AbortController | null = null;
  /** Counts loads: only the newest one's answer is shown. */
  #generation = 0;
  /** The user the current list was loaded (or is loading) for; `null` after a sign-out. */
  #loadedFor: string | null = null;
  /** A backend that cannot list sessions is reported once. */
  #misconfiguredReported = false;
  #connected = false;
  readonly #revoking = new Map<string, Promise<boolean>>();
  #revokingOthers: Promise<boolean> | null = null;

  constructor(host: SessionListHost) {
    this.#host = host;
  }

  /** Whether a load is in flight. */
  get loading(): boolean {
    return this.#load !== null;
  }

  /** Ids of the sessions being revoked now. */
  get revoking(): ReadonlySet<string> {
    return new Set(this.#revoking.keys());
  }

  /** Whether "sign out all other devices" is running. */
  get revokingOthers(): boolean {
    return this.#revokingOthers !== null;
  }

  /** Loading, or revoking anything. */
  get busy(): boolean {
    return this.loading || this.#revoking.size > 0 || this.revokingOthers;
  }

  hostConnected(): void {
    this.#connected = true;
    globalThis.document?.addEventListener('visibilitychange', this.#onVisibility);
    void this.refresh();
  }

  hostDisconnected(): void {
    this.#connected = false;
    globalThis.document?.removeEventListener('visibilitychange', this.#onVisibility);
    this.#follow(null);
    this.#generation++;
    this.#load?.abort();
    this.#load = null;
    this.#loadedFor = null;
  }

  /**
   * Lists the sessions again (the session element found afresh). Never rejects: a failure is
   * shown in `status` and fired as `failure`. Signed out: the list is emptied, no request.
   */
  refresh(): Promise<void> {
    if (!this.#connected) return Promise.resolve();
    let found: UserSessionElement | Promise<UserSessionElement>;
    try {
      found = this.#host.findSession();
    } catch (caught) {
      return Promise.resolve(this.#noSession(caught));
    }
    return found instanceof Promise
      ? found.then(
          (s) => this.#loadFrom(s),
          (e: unknown) => this.#noSession(e),
        )
      : this.#loadFrom(found);
  }

  /**
   * Ends the session of that id (this browser's own: a log-out here). A second call for the same
   * id while it runs joins it. Resolves to `true` after `revoked`, `false` after `failure`.
   */
  revoke(id: string): Promise<boolean> {
    const running = this.#revoking.get(id);
    if (running) return running;
    const info = this.sessions.find((s) => s.id === id) ?? Object.freeze({ id, current: false });
    const run = this.#revoke(info).finally(() => {
      this.#revoking.delete(id);
      this.#host.requestUpdate();
    });
    this.#revoking.set(id, run);
    this.#host.requestUpdate();
    return run;
  }

  /** Ends every other session of the user (`logOut({ scope: 'others' })`); joins one running. */
  revokeOthers(): Promise<boolean> {
    this.#revokingOthers ??= this.#revokeOthers().finally(() => {
      this.#revokingOthers = null;
      this.#host.requestUpdate();
    });
    this.#host.requestUpdate();
    return this.#revokingOthers;
  }

  async #revoke(info: SessionInfo): Promise<boolean> {
    const device = this.#host.describe(info);
    try {
      const session = await this.#host.findSession();
      await session.revokeSession(info.id);
      this.sessions = Object.freeze(this.sessions.filter((s) => s.id !== info.id));
      this.#say(`Signed out ${device}.`);
      this.#host.emit('revoked', { scope: 'session', session: info });
      return true;
    } catch (caught) {
      const error = toAuthError(caught);
      this.#say(`Could not sign out ${device}: ${error.message}`);
      this.#host.emit('failure', { error });
      return false;
    }
  }

  async #revokeOthers(): Promise<boolean> {
    let error: AuthError;
    try {
      const session = await this.#host.findSession();
      const result = await session.logOut({ scope: 'others' });
      if (result.ok) {
        this.sessions = Object.freeze(this.sessions.filter((s) => s.current));
        this.#say('Signed out all other devices.');
        this.#host.emit('revoked', { scope: 'others' });
        return true;
      }
      error = result.error;
    } catch (caught) {
      error = toAuthError(caught);
    }
    this.#say(`Could not sign out the other devices: ${error.message}`);
    this.#host.emit('failure', { error });
    return false;
  }

  async #loadFrom(session: UserSessionElement): Promise<void> {
    if (!this.#connected) return;
    this.#follow(session);
    const generation = ++this.#generation;
    this.#load?.abort();
    this.#load = null;
    if (!session.authenticated) {
      this.#loadedFor = null;
      this.sessions = Object.freeze([]);
      this.#host.requestUpdate();
      return;
    }
    const load = (this.#load = new AbortController());
    this.#loadedFor = session.userId;
    this.#host.requestUpdate();
    try {
      // The session's first check after connect goes first: a session the server refuses ends
      // there (session-lost), without a list request refused too.
      await session.ready;
      if (generation !== this.#generation) return;
      if (!session.authenticated) {
        this.sessions = Object.freeze([]);
        return;
      }
      const sessions = await session.listSessions({ signal: load.signal });
      if (generation !== this.#generation) return;
      this.sessions = sessions;
      if (this.status.startsWith(couldNotList)) this.#say('');
    } catch (caught) {
      const error = toAuthError(caught);
      if (generation !== this.#generation || error.code === 'aborted') return;
      if (error.code === 'invalid-session' || error.code === 'bad-request') this.sessions = Object.freeze([]);
      this.#say(`${couldNotList}${error.message}`);
      if (error.code === 'misconfigured') {
        if (this.#misconfiguredReported) return;
        this.#misconfiguredReported = true;
      }
      this.#host.emit('failure', { error });
    } finally {
      if (this.#load === load) this.#load = null;
      this.#host.requestUpdate();
    }
  }

  #noSession(caught: unknown): void {
    this.#follow(null);
    this.sessions = Object.freeze([]);
    const error = toAuthError(caught);
    this.#say(`${couldNotList}${error.message}`);
    this.#host.emit('failure', { error });
    this.#host.requestUpdate();
  }

  #say(message: string): void {
    this.status = message;
    this.#host.requestUpdate();
  }

  /** Follows the events of `session` (and no other). */
  #follow(session: UserSessionElement | null): void {
    if (session === this.#session) return;
    for (const type of sessionEvents) this.#session?.removeEventListener(type, this.#onSessionEvent);
    this.#session = session;
    for (const type of sessionEvents) session?.addEventListener(type, this.#onSessionEvent);
  }

  #onSessionEvent = (event: Event): void => {
    // The list of this user is already loaded (or loading): `logged-in` "restored" after connect adds nothing.
    if (event.type === 'logged-in' && this.#loadedFor !== null && this.#loadedFor === this.#session?.userId) return;
    void this.refresh();
  };

  #onVisibility = (): void => {
    if (globalThis.document.visibilityState === 'visible' && this.#session?.authenticated) void this.refresh();
  };
}

const couldNotList = 'Could not list the sessions: ';
