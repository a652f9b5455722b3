import { RevocationOutbox } from './outbox.js';
import { KeyStore, storeId, type StorageMode } from './store.js';
import { TabSync } from './sync.js';

/** Why the stored session changed; each element maps it onto its event's `reason`. */
export type ChangeReason = 'log-in' | 'sign-up' | 'log-out' | 'restored' | 'session-lost' | 'other-tab';

export type ChangeListener = (raw: string | null, reason: ChangeReason) => void;

const registry = new Map<string, SharedSession>();

/**
 * The stored session of one storage key, shared by every `<user-session>` of this page on that
 * key, so they stay in step: a write here reaches each of them once, and other tabs through
 * `TabSync`. Holds the raw stored string only; each element decodes it with its backend.
 */
export class SharedSession {
  /** Joins the shared state of `mode`/`key`, creating it for the first member. */
  static join(mode: StorageMode, key: string, listener: ChangeListener): SharedSession {
    const id = storeId(mode, key);
    let shared = registry.get(id);
    if (!shared) registry.set(id, (shared = new SharedSession(id, new KeyStore(mode, key))));
    shared.#listeners.add(listener);
    return shared;
  }

  readonly id: string;
  /** The raw value last read or written. */
  raw: string | null;
  /** Why `raw` last changed, for members that were away (disconnected) and catch up. */
  reason: ChangeReason = 'restored';
  /** The raw value whose server validation is under way or done, so members validate once. */
  validatedRaw: string | null = null;
  /** Tokens still to revoke on the server, stored under `<key>:pending-revocations`. */
  readonly outbox: RevocationOutbox;
  /** Whether this page already retried the outbox once (the "next page load" retry). */
  outboxRetriedOnLoad = false;

  readonly #store: KeyStore;
  readonly #listeners = new Set<ChangeListener>();
  readonly #tabs: TabSync | null;

  private constructor(id: string, store: KeyStore) {
    this.id = id;
    this.#store = store;
    this.raw = store.read();
    this.outbox = new RevocationOutbox(new KeyStore(store.mode, `${store.key}:pending-revocations`));
    const area = store.area;
    this.#tabs = area && store.mode === 'local' ? new TabSync(store.key, area, () => this.reread('other-tab')) : null;
  }

  leave(listener: ChangeListener): void {
    this.#listeners.delete(listener);
    if (this.#listeners.size > 0) return;
    this.#tabs?.close();
    registry.delete(this.id);
  }

  /**
   * Re-reads storage (on connect, or when another tab spoke) and tells members if it changed.
   * A change found this way was made outside this page's elements: another tab or a script.
   */
  reread(reason: ChangeReason): void {
    this.#publish(this.#store.read(), reason);
  }

  /** Stores a new value, tells every member of this page, then the other tabs. */
  write(raw: string | null, reason: ChangeReason): void {
    this.#store.write(raw);
    // Other tabs hear of it right after the current task: a log-out's request leaves first.
    if (this.#publish(raw, reason)) queueMicrotask(() => this.#tabs?.announce());
  }

  #publish(raw: string | null, reason: ChangeReason): boolean {
    if (raw === this.raw) return false;
    this.raw = raw;
    this.reason = reason;
    for (const listener of [...this.#listeners]) listener(raw, reason);
    return true;
  }
}
