import type { SessionInfo } from '../backends/backend.js';
import { toAuthError, type AuthError } from '../errors.js';
import type { SessionListFailureDetail, SessionRevokedDetail } from '../events.js';
import { ListLoader, type ListHost } from './list-loader.js';

/** What the list controller needs from its element (which adds it as a controller: `addController`). */
export interface SessionListHost extends ListHost {
  /** The readable name of a session's device, for messages ("Firefox on Linux"). */
  describe(info: SessionInfo): string;
  /** Fires `revoked` or `failure` on the element. */
  emit(type: 'revoked', detail: SessionRevokedDetail): void;
  emit(type: 'failure', detail: SessionListFailureDetail): void;
}

/**
 * The state and flows of `<session-list>`, with no DOM of its own: the user's sessions, loaded
 * as `ListLoader` does (again on `sessions-change` too); revokes one session or all the others.
 * The host renders `items` (the sessions), `loading`, `revoking`, `status`.
 */
export class SessionListController extends ListLoader<SessionInfo> {
  readonly #host: SessionListHost;
  readonly #revoking = new Map<string, Promise<boolean>>();
  #revokingOthers: Promise<boolean> | null = null;

  constructor(host: SessionListHost) {
    super(host, {
      fetch: (session, signal) => session.listSessions({ signal }),
      events: ['logged-in', 'logged-out', 'user-change', 'sessions-change'],
      failed: 'Could not list the sessions: ',
    });
    this.#host = host;
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

  /**
   * Ends the session of that id (this browser's own: a log-out here). A second call for the same
   * id while it runs joins it. Resolves to `true` after `revoked`, `false` after `failure`.
   */
  revoke(id: string): Promise<boolean> {
    const running = this.#revoking.get(id);
    if (running) return running;
    const info = this.items.find((s) => s.id === id) ?? Object.freeze({ id, current: false });
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
      this.items = Object.freeze(this.items.filter((s) => s.id !== info.id));
      this.say(`Signed out ${device}.`);
      this.#host.emit('revoked', { scope: 'session', session: info });
      return true;
    } catch (caught) {
      const error = toAuthError(caught);
      this.say(`Could not sign out ${device}: ${error.message}`);
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
        this.items = Object.freeze(this.items.filter((s) => s.current));
        this.say('Signed out all other devices.');
        this.#host.emit('revoked', { scope: 'others' });
        return true;
      }
      error = result.error;
    } catch (caught) {
      error = toAuthError(caught);
    }
    this.say(`Could not sign out the other devices: ${error.message}`);
    this.#host.emit('failure', { error });
    return false;
  }
}
