import { memberOf } from '../internal/guards.js';

/** Where `<user-session>` keeps the signed-in session. */
export const StorageMode = { local: 'local', session: 'session', memory: 'memory' } as const;
export type StorageMode = (typeof StorageMode)[keyof typeof StorageMode];
const storageModeOf = memberOf(StorageMode);
/** The mode a `storage` attribute names (trimmed, case-insensitive); `local` when unset or unknown. */
export function toStorageMode(value: unknown): StorageMode {
  return storageModeOf(value) ?? StorageMode.local;
}

/** Names one storage key in one mode: `storage="local"` and `storage="session"` on a key are different stores. */
export function storeId(mode: StorageMode, key: string): string {
  return `${mode}\n${key}`;
}

/**
 * Page-wide memory, per mode and key: the whole store of `storage="memory"`, and for Web
 * Storage the one value that could not be written there (quota, `SecurityError`).
 */
const memoryArea = new Map<string, string>();

/** The Web Storage area of a mode, or `null` (memory mode, or storage blocked). */
export function webStorage(mode: StorageMode): Storage | null {
  if (mode === StorageMode.memory) return null;
  try {
    // Reading the property itself throws a SecurityError where storage is blocked.
    return (mode === StorageMode.session ? globalThis.sessionStorage : globalThis.localStorage) ?? null;
  } catch {
    return null;
  }
}

/**
 * One storage key in one storage area, and the truth about it: every read goes to the area.
 * Never throws. A write that the area refuses (quota full, blocked) keeps that one value in
 * page memory and removes the area's older value, so a reload cannot bring back what was
 * replaced; the next write goes to the area again. It is never a one-way switch to memory.
 */
export class KeyStore {
  readonly mode: StorageMode;
  readonly key: string;
  readonly #memoryKey: string;

  constructor(mode: StorageMode, key: string) {
    this.mode = mode;
    this.key = key;
    this.#memoryKey = storeId(mode, key);
  }

  /** The Web Storage area of this mode right now, if any (for cross-tab sync). */
  get area(): Storage | null {
    return webStorage(this.mode);
  }

  /**
   * The stored value. A value the area holds wins (the Parse SDK or another tab may have
   * written it); else the value kept in memory after a refused write, if any.
   */
  read(): string | null {
    const fromArea = this.#readArea();
    if (fromArea != null) {
      // Someone wrote the area since our write failed: theirs is newer.
      memoryArea.delete(this.#memoryKey);
      return fromArea;
    }
    return memoryArea.get(this.#memoryKey) ?? null;
  }

  /**
   * Stores `raw`, or removes the key everywhere it may live with `null`. Returns whether the
   * value now read back is `raw`: `false` only when a removal failed and the old value stays.
   */
  write(raw: string | null): boolean {
    const area = this.area;
    if (area) {
      try {
        if (raw === null) area.removeItem(this.key);
        else area.setItem(this.key, raw);
        // Done, unless the area cannot give the value back (it throws on reading).
        if (raw === null || this.#readArea() === raw) {
          memoryArea.delete(this.#memoryKey);
          return true;
        }
      } catch {
        // QuotaExceededError, SecurityError…: the value lives in memory below; the area must
        // not keep an older one that a reload would read.
        try {
          area.removeItem(this.key);
        } catch {
          // still blocked: read() reports what is left
        }
      }
    }
    if (raw === null) memoryArea.delete(this.#memoryKey);
    else memoryArea.set(this.#memoryKey, raw);
    return this.read() === raw;
  }

  /** Whether the area itself holds `raw`, not only this page's memory: what a reload will read. */
  persists(raw: string): boolean {
    return this.#readArea() === raw;
  }

  /** The area's value; `undefined` when there is no area or it throws on reading. */
  #readArea(): string | null | undefined {
    try {
      return this.area?.getItem(this.key);
    } catch {
      return undefined;
    }
  }
}
