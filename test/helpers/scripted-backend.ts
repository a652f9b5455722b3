import { AuthError, type AuthErrorCode } from '../../src/errors.js';
import { MemoryBackend } from '../../src/backends/memory.js';
import type { AuthBackend, PublicUser, RevokeScope, StoredSession } from '../../src/backends/backend.js';
import { deferred, type Deferred } from './deferred.js';

export type Outcome = 'answer' | AuthErrorCode;

interface PendingCall {
  method: keyof AuthBackend;
  gate: Deferred<Outcome>;
}

/**
 * A backend whose every call waits until the test settles it, in any order: with the memory
 * backend's real answer, or with an `AuthError` of a given code. For model-based tests.
 */
export class ScriptedBackend implements AuthBackend {
  readonly memory = new MemoryBackend();
  readonly pending: PendingCall[] = [];
  readonly calls: Record<string, number> = {};

  settle(index: number, outcome: Outcome): void {
    const [call] = this.pending.splice(index % this.pending.length, 1);
    call?.gate.resolve(outcome);
  }

  settleAll(outcome: Outcome = 'answer'): void {
    while (this.pending.length > 0) this.settle(0, outcome);
  }

  async #wait(method: keyof AuthBackend): Promise<void> {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    const gate = deferred<Outcome>();
    this.pending.push({ method, gate });
    const outcome = await gate.promise;
    if (outcome !== 'answer') throw new AuthError(outcome);
  }

  async logIn(username: string, password: string): Promise<StoredSession> {
    await this.#wait('logIn');
    return this.memory.logIn(username, password);
  }
  async signUp(username: string, password: string, extra: Record<string, unknown>): Promise<StoredSession> {
    await this.#wait('signUp');
    return this.memory.signUp(username, password, extra);
  }
  async logOut(session: StoredSession, o: { scope: RevokeScope; signal: AbortSignal }): Promise<void> {
    await this.#wait('logOut');
    return this.memory.logOut(session, o);
  }
  async currentUser(session: StoredSession): Promise<PublicUser> {
    await this.#wait('currentUser');
    return this.memory.currentUser(session);
  }
}
