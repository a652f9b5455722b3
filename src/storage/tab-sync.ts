/**
 * Tells other tabs of this origin that a storage key changed, and hears them. Messages carry
 * no data (never a token): receivers re-read storage. BroadcastChannel where it exists; the
 * `storage` event too, which also catches writes by other code such as the Parse SDK in
 * another tab. Works whatever happened to writes: a full or blocked area still syncs.
 */
export class TabSync {
  readonly #key: string;
  readonly #onChange: () => void;
  readonly #channel: BroadcastChannel | null;
  #closed = false;

  constructor(key: string, onChange: () => void) {
    this.#key = key;
    this.#onChange = onChange;
    this.#channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`user-session:${key}`) : null;
    this.#channel?.addEventListener('message', this.#onChange);
    globalThis.addEventListener?.('storage', this.#onStorage);
  }

  /** Wakes the other tabs; they re-read the key. Does nothing once closed. */
  announce(): void {
    if (!this.#closed) this.#channel?.postMessage('changed');
  }

  close(): void {
    this.#closed = true;
    this.#channel?.removeEventListener('message', this.#onChange);
    this.#channel?.close();
    globalThis.removeEventListener?.('storage', this.#onStorage);
  }

  #onStorage = (event: StorageEvent): void => {
    if (event.key === this.#key || event.key === null) this.#onChange();
  };
}
