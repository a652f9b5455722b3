import type { ReactiveController } from '@lit/reactive-element';
import { toAuthError, type AuthError } from '../errors.js';
import type { UserSessionElement } from '../elements/user-session.js';

/** The list shown when there is none: one frozen empty array. */
const none: readonly never[] = Object.freeze([]);

/** What a list loader needs from its element (which adds it as a controller: `addController`). */
export interface ListHost {
  /** Renders the element again. */
  requestUpdate(): void;
  /** The `<user-session>` to use, found afresh each time (throws or rejects `no-session`). */
  findSession(): UserSessionElement | Promise<UserSessionElement>;
  /** Fires `failure` on the element. */
  emit(type: 'failure', detail: { error: AuthError }): void;
}

/** What one list shows: how to fetch it, which session events make it out of date, its name in messages. */
export interface ListSource<T> {
  fetch(session: UserSessionElement, signal: AbortSignal): Promise<readonly T[]>;
  /** Session events after which the list is fetched again (`logged-in`, `logged-out`, `user-change` and its own). */
  events: readonly string[];
  /** The status line's start when the list cannot load: "Could not list the sessions: ". */
  failed: string;
}

/**
 * The loading half of the kit's lists (`<session-list>`, `<passkey-list>`), with no DOM of its
 * own: fetches the signed-in user's items when connected, again on the session's events and
 * when the page becomes visible, one load at a time (a newer one aborts the older, whose answer
 * is ignored). Signed out: empty, no request. The host renders `items`, `loading`, `status`.
 */
export class ListLoader<T> implements ReactiveController {
  /** The items last listed (empty when signed out). */
  items: readonly T[] = none;
  /** A message for the live region: the last action's outcome, or why the list could not load. */
  status = '';
  readonly #host: ListHost;
  readonly #source: ListSource<T>;
  /** The session element whose events are followed. */
  #session: UserSessionElement | null = null;
  #load: AbortController | null = null;
  /** Counts loads: only the newest one's answer is shown. */
  #generation = 0;
  /** The user the current list was loaded (or is loading) for; `null` after a sign-out. */
  #loadedFor: string | null = null;
  /** A backend that cannot list is reported once. */
  #misconfiguredReported = false;
  #connected = false;

  constructor(host: ListHost, source: ListSource<T>) {
    this.#host = host;
    this.#source = source;
  }

  /** Whether a load is in flight. */
  get loading(): boolean {
    return this.#load !== null;
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
   * Lists the items again (the session element found afresh). Never rejects: a failure is
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

  async #loadFrom(session: UserSessionElement): Promise<void> {
    if (!this.#connected) return;
    this.#follow(session);
    const generation = ++this.#generation;
    this.#load?.abort();
    this.#load = null;
    if (!session.authenticated) {
      this.#loadedFor = null;
      this.items = none;
      this.#host.requestUpdate();
      return;
    }
    const load = (this.#load = new AbortController());
    this.#loadedFor = session.userId;
    this.#host.requestUpdate();
    const couldNotList = this.#source.failed;
    try {
      // The session's first check after connect goes first: a session the server refuses ends
      // there (session-lost), without a list request refused too.
      await session.ready;
      if (generation !== this.#generation) return;
      if (!session.authenticated) {
        this.items = none;
        return;
      }
      const items = await this.#source.fetch(session, load.signal);
      if (generation !== this.#generation) return;
      this.items = items;
      if (this.status.startsWith(couldNotList)) this.say('');
    } catch (caught) {
      const error = toAuthError(caught);
      if (generation !== this.#generation || error.code === 'aborted') return;
      if (error.code === 'invalid-session' || error.code === 'bad-request') this.items = none;
      this.say(`${couldNotList}${error.message}`);
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
    this.items = none;
    const error = toAuthError(caught);
    this.say(this.#source.failed + error.message);
    this.#host.emit('failure', { error });
    this.#host.requestUpdate();
  }

  /** Puts `message` in the live region. */
  protected say(message: string): void {
    this.status = message;
    this.#host.requestUpdate();
  }

  /** Follows the events of `session` (and no other). */
  #follow(session: UserSessionElement | null): void {
    if (session === this.#session) return;
    const { events } = this.#source;
    for (const type of events) this.#session?.removeEventListener(type, this.#onSessionEvent);
    this.#session = session;
    for (const type of events) session?.addEventListener(type, this.#onSessionEvent);
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
