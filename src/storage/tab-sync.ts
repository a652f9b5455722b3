/**
 * What a tab says about a change: the server's word `session-lost`, or an `idle` sign-out; else
 * nothing. `sessions-changed` is news of another kind: the stored value is the same, but the
 * user's list of sessions on the server changed (one was revoked); receivers list them again.
 */
export type TabNews = 'session-lost' | 'idle' | 'sessions-changed' | null;

const news: readonly unknown[] = ['session-lost', 'idle', 'sessions-changed'];

/**
 * Tells other tabs of this origin that a storage key changed, and hears them. Messages carry
 * no data but `session-lost`, `idle` or `sessions-changed` (never a token): receivers re-read storage. BroadcastChannel
 * where it exists; the `storage` event too, which also catches writes by other code such as
 * the Parse SDK in another tab. Works whatever happened to writes: a full or blocked area still syncs.
 */
export class TabSync {
  readonly #key: string;
  readonly #onChange: (news?: TabNews) => void;
  /** `null` once closed (and where there is no BroadcastChannel). */
  #channel: BroadcastChannel | null;

  /**
   * `onChange(news)`: another tab told of a change (a message); `onChange()` (no argument): storage
   * changed under the key (a `storage` event), told or not.
   */
  constructor(key: string, onChange: (news?: TabNews) => void) {
    this.#key = key;
    this.#onChange = onChange;
    this.#channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`user-session:${key}`) : null;
    this.#channel?.addEventListener('message', this.#onMessage);
    globalThis.addEventListener?.('storage', this.#onStorage);
  }

  /** Wakes the other tabs; they re-read the key. Does nothing once closed. */
  announce(news: TabNews = null): void {
    this.#channel?.postMessage(news ?? 'changed');
  }

  close(): void {
    this.#channel?.removeEventListener('message', this.#onMessage);
    this.#channel?.close();
    this.#channel = null;
    globalThis.removeEventListener?.('storage', this.#onStorage);
  }

  #onMessage = ({ data }: MessageEvent<unknown>): void => this.#onChange(news.includes(data) ? (data as TabNews) : null);

  #onStorage = ({ key }: StorageEvent): void => {
    // The same change may also come as a message with its news, in either order: the message
    // is let through first, so the news is not lost to a plain re-read. On a busy machine the
    // message can trail the storage event by tens of ms (an idle sign-out then read as
    // other-tab); only changes made by other code (the Parse SDK) wait the whole gap.
    // Called with no argument (a storage event), never `null` (a message with no news): a
    // removal told by a message outdates sign-ins under way; heard again here, it must not.
    if (key === this.#key || key === null) setTimeout(this.#onChange, this.#channel ? 250 : 0);
  };
}
