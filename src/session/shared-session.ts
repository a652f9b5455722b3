import type { AuthBackend } from '../backends/backend.js';
import { KeyStore, StorageMode, storeId, webStorage } from '../storage/key-store.js';
import { TabSync, news } from '../storage/tab-sync.js';
import type { SessionCore } from './feature.js';
import { RevocationOutbox, outboxKey } from './outbox.js';
import type { ChangeReason } from './reasons.js';
import type { TabNews } from '../storage/tab-sync.js';

export type ChangeListener = (raw: string | null, reason: ChangeReason) => void;

const registry = new Map<string, SharedSession>();

/**
 * The stored session of one storage key, shared by every controller of this page on that key,
 * so they stay in step: a change reaches each of them once, and other tabs through `TabSync`.
 * Storage is the truth: `read()` goes to it every time, and `raw` is only the last value seen.
 * Holds the raw stored string; each controller decodes it with its backend.
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
  /** Tokens still to revoke on the server, stored under `<key>:pending-revocations`. */
  readonly outbox: RevocationOutbox;
  readonly #store: KeyStore;
  readonly #listeners = new Set<ChangeListener>();
  /** Members that follow the user's list of sessions (`sessions-changed`). */
  readonly #sessionWatchers = new Set<() => void>();
  readonly #tabs: TabSync | null;
  #raw: string | null;
  #reason: ChangeReason = 'restored';
  /** Stored values already checked with the server (or being checked), so members check once. */
  readonly #validated = new Set<string>();
  /** The backends whose queued revocations this page load retried (a few; not weak: a page may set a `backend` that is no object). */
  readonly #outboxRetried = new Set<AuthBackend>();
  #lastRecheck = -Infinity;
  /** The check with the server on connect, while one runs: members that connect meanwhile wait for it. */
  #checking: Promise<unknown> | null = null;

  private constructor(id: string, store: KeyStore) {
    this.id = id;
    this.#store = store;
    this.#raw = store.read();
    this.outbox = new RevocationOutbox(new KeyStore(store.mode, outboxKey(store.key)));
    // Web Storage only (memory has no other documents). sessionStorage is per tab, shared with
    // the tab's same-origin frames: their storage events, and no channel to other tabs.
    this.#tabs = webStorage(store.mode)
      ? // A removal told by another tab outdates sign-ins under way here, even when this tab had
        // nothing stored; a storage event for the same removal, heard afterwards, does not.
        new TabSync(
          store.key,
          (news, told) =>
            news === 'sessions-changed' ? this.#sessionsChanged() : this.#publish(store.read(), news ?? 'other-tab', told),
          store.mode === StorageMode.local,
        )
      : null;
  }

  /** The storage key. */
  get key(): string {
    return this.#store.key;
  }

  /** The storage area. */
  get mode(): StorageMode {
    return this.#store.mode;
  }

  /** The value last read or written (a cache: `read()` for the truth). */
  get raw(): string | null {
    return this.#raw;
  }

  /** Why `raw` last changed, for members that were away (disconnected) and catch up. */
  get reason(): ChangeReason {
    return this.#reason;
  }

  /** `watcher` is called when the user's list of sessions changed, here or in another tab. */
  watchSessions(watcher: () => void): void {
    this.#sessionWatchers.add(watcher);
  }

  unwatchSessions(watcher: () => void): void {
    this.#sessionWatchers.delete(watcher);
  }

  /**
   * The user's list of sessions changed on the server (one revoked here): every member of this
   * page hears it, then the other tabs (no data: they list the sessions again).
   */
  announceSessionsChanged(): void {
    this.#sessionsChanged();
    this.#tabs?.announce('sessions-changed');
  }

  #sessionsChanged(): void {
    for (const watcher of [...this.#sessionWatchers]) watcher();
  }

  leave(listener: ChangeListener): void {
    this.#listeners.delete(listener);
    if (this.#listeners.size > 0) return;
    this.#tabs?.close();
    // Only if still the registered one: a newer object on this key may have taken its place.
    if (registry.get(this.id) === this) registry.delete(this.id);
  }

  /**
   * Reads storage afresh and returns the value. If it changed since last seen, the change was
   * made outside this page's elements (another tab, the Parse SDK, page code): members hear
   * of it with reason `other-tab` (or the reason another tab passed on: `session-lost`, `idle`).
   */
  read(reason: Exclude<NonNullable<TabNews>, 'sessions-changed'> | 'other-tab' = 'other-tab'): string | null {
    this.#publish(this.#store.read(), reason);
    return this.#raw;
  }

  /**
   * Stores a new value (`null`: removes it everywhere it may live), tells every member of this
   * page, then the other tabs. Returns whether storage now holds `raw`. A removal is told even
   * when nothing was stored: a log-out outdates sign-ins under way on the key, in every tab.
   */
  write(raw: string | null, reason: ChangeReason): boolean {
    this.writes++;
    // `session-lost` and `idle` are news to other tabs (`sessions-changed` is no ChangeReason).
    const said = news.includes(reason) ? (reason as TabNews) : null;
    // For other tabs, the news goes just before the change and is taken away after it
    // (`TabSync`); never over a value already there (a key of that name someone else uses).
    const beside = new KeyStore(this.mode, `${this.key}:news`);
    const told = said && !beside.read() && beside.write(said);
    const stored = this.#store.write(raw);
    if (told) beside.write(null);
    if (this.#publish(stored ? raw : this.#store.read(), reason, true)) this.#tabs?.announce(said);
    return stored;
  }

  /**
   * Writes `raw` (what the server answered) only if storage still holds `expected` (read afresh):
   * a late answer never brings back a session that was removed or replaced meanwhile. Returns
   * whether it wrote; what it wrote counts as checked with the server.
   */
  replace(expected: string | null, raw: string | null, reason: ChangeReason): boolean {
    if (this.read() !== expected || !this.write(raw, reason)) return false;
    this.trust(raw);
    return true;
  }

  /**
   * Moves the stored value to another storage area of the same key (the `storage` setting
   * changed): written there unless that area already holds a session, then removed here.
   */
  moveTo(mode: StorageMode): void {
    const { key, mode: from } = this.#store;
    if (mode === from) return;
    // The revocations still to send go along.
    const oldOutbox = new KeyStore(from, outboxKey(key));
    const newOutbox = new KeyStore(mode, outboxKey(key));
    const pending = oldOutbox.read();
    if (pending !== null && newOutbox.read() === null && newOutbox.write(pending)) oldOutbox.write(null);
    const raw = this.read();
    if (raw === null) return;
    const target = new KeyStore(mode, key);
    if (target.read() === null) target.write(raw);
    this.write(null, 'other-tab');
  }

  /** Marks a stored value as checked with the server (a fresh sign-in, a finished check). */
  trust(raw: string | null): void {
    if (raw !== null) this.#validated.add(raw);
  }

  /**
   * Checks the stored value `raw` with the server once, whichever member connects first: `check`
   * runs unless it was checked (or is being checked, then that check is returned). A check that
   * fails (offline, server trouble) leaves it unchecked: the next member to connect tries again.
   */
  validateOnce(raw: string, check: () => Promise<unknown>): Promise<unknown> | null {
    if (this.#validated.has(raw)) return this.#checking;
    this.#validated.add(raw);
    const checking: Promise<unknown> = check()
      .catch(() => this.#validated.delete(raw))
      .finally(() => {
        if (this.#checking === checking) this.#checking = null;
      });
    return (this.#checking = checking);
  }

  /** The take-up of a session kept by the server (feature `server-session`), while it is under way. */
  takingUp: Promise<void> | null = null;
  /** How many writes this page made (only `write` counts them): a take-up started before one never lands after it. */
  writes = 0;

  /**
   * True at most once per `gap` ms (on the page's clock `now`): the caller re-checks the
   * session with the server (page visible again, back online, an interval), no other member.
   */
  claimRecheck(now: number, gap: number): boolean {
    if (now - this.#lastRecheck < gap && now >= this.#lastRecheck) return false;
    this.#lastRecheck = now;
    return true;
  }

  /**
   * Retries the due entries of the server of `backend` in the outbox, if it holds any; with
   * `once` (on connect), only the first time this page load for that backend.
   */
  retryOutbox(core: SessionCore, backend: AuthBackend, once?: boolean): void {
    if (once && this.#outboxRetried.has(backend)) return;
    this.#outboxRetried.add(backend);
    void this.outbox.flush(core, this, backend);
  }

  /** Tells the members of a new value; with `force`, of a removal even when nothing was stored. */
  #publish(raw: string | null, reason: ChangeReason, force?: boolean): boolean {
    if (raw === this.#raw && (raw !== null || !force)) return false;
    this.#raw = raw;
    this.#reason = reason;
    for (const listener of [...this.#listeners]) listener(raw, reason);
    return true;
  }
}
