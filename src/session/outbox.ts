import type { RevokeScope, StoredSession } from '../backends/backend.js';
import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString, parseJson } from '../internal/guards.js';
import type { KeyStore } from '../storage/key-store.js';

/** A revocation the server could not be told of yet. Kept in storage, never exposed. */
interface PendingRevocation {
  token: string;
  userId: string;
  scope: RevokeScope;
  /** For `others` / `all`: the click time; sessions created later are not ended (SPEC §7.10). */
  createdBefore?: number;
  attempts: number;
  /** Not retried on page load before this time (ms since epoch); `online` retries at once. */
  retryAt: number;
}

export type Revoke = (session: StoredSession, scope: RevokeScope, createdBefore?: number) => Promise<void>;

/** Where the outbox of a session's storage key lives, next to it. */
export function outboxKey(key: string): string {
  return `${key}:pending-revocations`;
}

/** Codes worth another try later; anything else will not get better by waiting. */
const retryable = new Set<string>(['network', 'timeout', 'server']);
const maxAttempts = 50;
const backoffMs = (attempts: number) => Math.min(1000 * 2 ** attempts, 10 * 60_000);

/** Whether a failed revocation should wait in the outbox for another try. */
export function worthRetrying(error: AuthError): boolean {
  return retryable.has(error.code);
}

/**
 * The revocation outbox (SPEC §3.3): revocations that reached no server. Stored next to the
 * session, retried on `online` and on the next page load with backoff, and an entry is deleted
 * only once the server has revoked it or refused it for good.
 */
export class RevocationOutbox {
  readonly #store: KeyStore;
  #flushing: Promise<void> | null = null;

  constructor(store: KeyStore) {
    this.#store = store;
  }

  get size(): number {
    return this.#read().length;
  }

  /** Whether a queued revocation ends the session of this token (`current` or `all`). */
  ends(token: string): boolean {
    return this.#read().some((e) => e.token === token && e.scope !== 'others');
  }

  /** Queues a revocation; `createdBefore` (the click time) bounds `others` / `all`. */
  add(session: StoredSession, scope: RevokeScope, createdBefore: number): void {
    // Due at once: the next page load tries again; backoff starts with the retries that fail.
    const entry: PendingRevocation = { token: session.token, userId: session.user.id, scope, attempts: 1, retryAt: Date.now() };
    if (scope !== 'current') entry.createdBefore = createdBefore;
    this.#write([...this.#read().filter((e) => !sameEntry(e, entry)), entry]);
  }

  /** Retries due entries (all of them with `now`), one at a time; joins a flush under way. */
  flush(revoke: Revoke, now = false): Promise<void> {
    return (this.#flushing ??= this.#run(revoke, now).finally(() => (this.#flushing = null)));
  }

  async #run(revoke: Revoke, now: boolean): Promise<void> {
    for (const entry of this.#read()) {
      if (!now && entry.retryAt > Date.now()) continue;
      let done = true;
      try {
        await revoke({ token: entry.token, user: { id: entry.userId } }, entry.scope, entry.createdBefore);
      } catch (error) {
        done = !(error instanceof AuthError && worthRetrying(error)) || entry.attempts >= maxAttempts;
      }
      // Read again: another tab or call may have changed the list meanwhile.
      const rest = this.#read().filter((e) => !sameEntry(e, entry));
      const attempts = entry.attempts + 1;
      this.#write(done ? rest : [...rest, { ...entry, attempts, retryAt: Date.now() + backoffMs(attempts) }]);
    }
  }

  #read(): PendingRevocation[] {
    const list = parseJson(this.#store.read() ?? '[]');
    return Array.isArray(list) ? list.filter(isPendingRevocation) : [];
  }

  #write(list: PendingRevocation[]): void {
    this.#store.write(list.length > 0 ? JSON.stringify(list) : null);
  }
}

const scopes = new Set<unknown>(['current', 'others', 'all']);

/** One entry per token and scope: "others" queued, then "current", are both kept, in that order. */
function sameEntry(a: PendingRevocation, b: PendingRevocation): boolean {
  return a.token === b.token && a.scope === b.scope;
}

function isPendingRevocation(value: unknown): value is PendingRevocation {
  return (
    isRecord(value) &&
    nonEmptyString(value.token) &&
    nonEmptyString(value.userId) &&
    scopes.has(value.scope) &&
    (value.createdBefore === undefined || typeof value.createdBefore === 'number') &&
    typeof value.attempts === 'number' &&
    typeof value.retryAt === 'number'
  );
}
