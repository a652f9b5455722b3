import { MemoryBackend, type MemoryBackendOptions } from '../../src/backends/memory.js';
import type { PublicUser, RevokeOptions, RevokeScope, SessionInfo, StoredSession } from '../../src/backends/backend.js';
import { deferred, type Deferred } from './deferred.js';

type Method = 'logIn' | 'signUp' | 'logOut' | 'currentUser' | 'updateUser' | 'listSessions' | 'revokeSession';

/**
 * A MemoryBackend that records every call and can hold the next call of a method until the
 * test settles it: resolve → the memory backend answers; reject → the call fails with that reason.
 */
export class RecordingBackend extends MemoryBackend {
  readonly calls: { method: Method; scope?: RevokeScope; signal: AbortSignal }[] = [];
  readonly #gates = new Map<Method, Deferred<void>[]>();

  constructor(options: MemoryBackendOptions = { users: [{ username: 'ada', password: 'secret-pw', email: 'ada@example.com' }] }) {
    super(options);
  }

  /** Count of calls of one method. */
  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  /** The next call of `method` waits for the returned deferred. */
  hold(method: Method): Deferred<void> {
    const gate = deferred();
    // Rejected before its call comes (the answer set in advance, e.g. of a retry that loads its
    // code first): not an unhandled rejection of the page; the call still gets it.
    gate.promise.catch(() => {});
    const queue = this.#gates.get(method) ?? [];
    queue.push(gate);
    this.#gates.set(method, queue);
    return gate;
  }

  override async logIn(username: string, password: string, o: { signal: AbortSignal }): Promise<StoredSession> {
    await this.#enter('logIn', o.signal);
    return super.logIn(username, password);
  }
  override async signUp(
    username: string,
    password: string,
    extra: Record<string, unknown>,
    o: { signal: AbortSignal },
  ): Promise<StoredSession> {
    await this.#enter('signUp', o.signal);
    return super.signUp(username, password, extra);
  }
  override async logOut(session: StoredSession, o: RevokeOptions): Promise<void> {
    await this.#enter('logOut', o.signal, o.scope);
    return super.logOut(session, o);
  }
  override async currentUser(session: StoredSession, o: { signal: AbortSignal }): Promise<PublicUser> {
    await this.#enter('currentUser', o.signal);
    return super.currentUser(session);
  }

  override async updateUser(
    session: StoredSession,
    fields: Record<string, unknown>,
    o: { signal: AbortSignal },
  ): Promise<PublicUser> {
    await this.#enter('updateUser', o.signal);
    return super.updateUser(session, fields);
  }

  override async listSessions(session: StoredSession, o: { signal: AbortSignal }): Promise<SessionInfo[]> {
    await this.#enter('listSessions', o.signal);
    return super.listSessions(session);
  }

  override async revokeSession(session: StoredSession, id: string, o: { signal: AbortSignal }): Promise<void> {
    await this.#enter('revokeSession', o.signal);
    return super.revokeSession(session, id);
  }

  async #enter(method: Method, signal: AbortSignal, scope?: RevokeScope): Promise<void> {
    this.calls.push({ method, signal, ...(scope ? { scope } : {}) });
    const gate = this.#gates.get(method)?.shift();
    if (gate) await gate.promise;
  }
}
