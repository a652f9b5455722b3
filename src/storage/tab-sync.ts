/**
 * What a tab says about a change: the server's word `session-lost`, or an `idle` sign-out; else
 * nothing. `sessions-changed` is news of another kind: the stored value is the same, but the
 * user's list of sessions on the server changed (one was revoked); receivers list them again.
 */
export type TabNews = 'session-lost' | 'idle' | 'sessions-changed' | null;

/** Every `TabNews` but none, to check what comes from another tab (or is passed on to one). */
export const news: readonly unknown[] = ['session-lost', 'idle', 'sessions-changed'];

/**
 * Tells other tabs of this origin that a storage key changed, and hears them. Messages carry
 * no data but `session-lost`, `idle` or `sessions-changed` (never a token): receivers re-read
 * storage. BroadcastChannel where it exists; the `storage` event too, which also catches writes
 * by other code such as the Parse SDK in another tab. Works whatever happened to writes: a full
 * or blocked area still syncs.
 *
 * The news of a removal (`session-lost`, `idle`) also travels in storage: the writer puts it
 * under `<key>:news` just before the change and removes it just after. Storage events come
 * in the order of the writes; the message may come long after them on a loaded machine.
 */
export class TabSync {
  readonly #key: string;
  readonly #onChange: (news?: TabNews, told?: boolean) => void;
  /** `null` once closed (and where there is no BroadcastChannel). */
  #channel: BroadcastChannel | null;

  /**
   * `onChange(news, true)`: another tab told of a change (a message); `onChange(news)`: storage
   * changed under the key, with the news that came with it (none: no news, or other code).
   * `otherTabs: false` (sessionStorage, one tab's own): storage events only, which come from the
   * tab's other same-origin documents (frames); no channel, which would reach other tabs.
   */
  constructor(key: string, onChange: (news?: TabNews, told?: boolean) => void, otherTabs: boolean) {
    this.#key = key;
    this.#onChange = onChange;
    this.#channel = otherTabs && globalThis.BroadcastChannel ? new BroadcastChannel(`user-session:${key}`) : null;
    this.#channel?.addEventListener('message', this.#onMessage);
    globalThis.addEventListener?.('storage', this.#onStorage);
  }

  /** Wakes the other tabs; they re-read the key. Does nothing once closed. */
  announce(news?: TabNews): void {
    this.#channel?.postMessage(news ?? 'changed');
  }

  close(): void {
    this.#channel?.removeEventListener('message', this.#onMessage);
    this.#channel?.close();
    this.#channel = null;
    globalThis.removeEventListener?.('storage', this.#onStorage);
  }

  #onMessage = ({ data }: MessageEvent<unknown>): void => this.#onChange(news.includes(data) ? (data as TabNews) : null, true);

  #onStorage = ({ key, oldValue, newValue, storageArea }: StorageEvent): void => {
    // The news taken away after the change: the change, with its news.
    if (key === `${this.#key}:news`) {
      if (news.includes(oldValue)) this.#onChange(oldValue as TabNews);
    }
    // A change with no news beside it may still come as a message with news (a full storage
    // area keeps the news out of storage): the message is let through first, so the news is not
    // lost to a plain re-read. Only changes made by other code (the Parse SDK) wait the whole gap.
    // (sessionStorage has no channel: the same wait.) Then only if the key still holds what this
    // event brought: a newer change, its own events on their way with its news, is left to them.
    else if (key === this.#key || key === null)
      setTimeout(() => (key && storageArea?.getItem(key) !== newValue) || this.#onChange(), 250);
  };
}
