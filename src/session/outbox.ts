import type { AuthBackend, RevokeScope, StoredSession } from '../backends/backend.js';
import type { AuthError } from '../errors.js';
import { isRecord, nonEmptyString, parseJson } from '../internal/guards.js';
import type { KeyStore } from '../storage/key-store.js';
import type { SessionCore } from './feature.js';
import type { SharedSession } from './shared-session.js';

/** A revocation the server could not be told of yet. Kept in storage, never exposed. */
export interface PendingRevocation {
  token: string;
  userId: string;
  scope: RevokeScope;
  /** For `others` / `all`: the click time; sessions created later are not ended (SPEC §7.10). */
  createdBefore?: number;
  attempts: number;
  /** Not retried before this time (ms since epoch), whatever the trigger (page load, `online`). */
  retryAt: number;
  /** The server it belongs to (`AuthBackend.server`; absent: none named): sent to no other. */
  server?: string;
}

export type Revoke = (session: StoredSession, scope: RevokeScope, createdBefore?: number) => Promise<void>;

/** Where the outbox of a session's storage key lives, next to it. */
export function outboxKey(key: string): string {
  return `${key}:pending-revocations`;
}

/** Codes worth another try later; anything else will not get better by waiting. */
const retryable = new Set<string>(['network', 'timeout', 'server']);

/** The server a backend names (`AuthBackend.server`); a getter that throws names none. */
export function serverOf(backend: AuthBackend): string | undefined {
  try {
    return backend.server;
  } catch {
    return undefined;
  }
}

/** Whether a failed revocation should wait in the outbox for another try. */
export function worthRetrying(error: AuthError): boolean {
  return retryable.has(error.code);
}

/**
 * The revocation outbox (SPEC §3.3): revocations that reached no server. Stored next to the
 * session, retried on `online` and on the next page load with one backoff for both, each only
 * with a backend of the server it belongs to; an entry is deleted only once that server has
 * revoked it or refused it for good.
 */
export class RevocationOutbox {
  readonly #store: KeyStore;
  /** The flushes, one after the other. */
  #flushing = Promise.resolve();

  constructor(store: KeyStore) {
    this.#store = store;
  }

  get size(): number {
    return this.list().length;
  }

  /** Whether a queued revocation ends the session of this token (`current` or `all`). */
  ends(token: string): boolean {
    return this.list().some((e) => e.token === token && e.scope !== 'others');
  }

  /** Queues a revocation for the server of `backend`; `createdBefore` (the click time) bounds `others` / `all`. */
  add(session: StoredSession, scope: RevokeScope, createdBefore: number, backend: AuthBackend): void {
    // Due at once: the next trigger tries again; backoff starts with the retries that fail.
    const entry: PendingRevocation = {
      token: session.token,
      userId: session.user.id,
      scope,
      attempts: 1,
      retryAt: Date.now(),
      server: serverOf(backend),
    };
    if (scope !== 'current') entry.createdBefore = createdBefore;
    this.save([...this.list().filter((e) => !sameEntry(e, entry)), entry]);
  }

  /**
   * Retries the due entries of the server of `backend` (every one of them with `now`: a sign-in
   * about to leave the page), one at a time, after the flushes already asked for: one for
   * another server waits its turn, it is not dropped. The sending is read on first use
   * (`outbox-sender.ts`): a page whose revocations all reached the server never downloads it.
   */
  flush(core: SessionCore, shared: SharedSession, backend: AuthBackend, now = false): Promise<void> {
    if (this.size === 0) return this.#flushing;
    const send = async () => (await import('./outbox-sender.js')).send(this, core, shared, backend, now);
    // Not loaded (offline): the entries wait for the next trigger.
    return (this.#flushing = this.#flushing.then(send).catch(() => {}));
  }

  /** The entries, read afresh (another tab or call may have changed them). */
  list(): PendingRevocation[] {
    const list = parseJson(this.#store.read() ?? '[]');
    return Array.isArray(list) ? list.filter(isPendingRevocation) : [];
  }

  /** Stores `list` as the entries. */
  save(list: PendingRevocation[]): void {
    this.#store.write(list.length > 0 ? JSON.stringify(list) : null);
  }
}

const scopes = new Set<unknown>(['current', 'others', 'all']);

/** One entry per token and scope: "others" queued, then "current", are both kept, in that order. */
export function sameEntry(a: PendingRevocation, b: PendingRevocation): boolean {
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
    typeof value.retryAt === 'number' &&
    (value.server === undefined || typeof value.server === 'string')
  );
}
