/** Where `<user-session>` keeps the signed-in session. */
export type StorageMode = 'local' | 'session' | 'memory';

export function toStorageMode(value: string | null | undefined): StorageMode {
  return value === 'session' || value === 'memory' ? value : 'local';
}

/** Names one storage key in one mode: `storage="local"` and `storage="session"` on a key are different stores. */
export function storeId(mode: StorageMode, key: string): string {
  return `${mode}\n${key}`;
}

/** Page-wide memory storage, per mode and key: used by `storage="memory"` and when Web Storage fails. */
const memoryArea = new Map<string, string>();

function webStorage(mode: StorageMode): Storage | null {
  if (mode === 'memory') return null;
  try {
    // Reading the property itself throws a SecurityError where storage is blocked.
    return (mode === 'session' ? globalThis.sessionStorage : globalThis.localStorage) ?? null;
  } catch {
    return null;
  }
}

/**
 * One storage key in one storage area. Never throws: where Web Storage is missing, blocked or
 * full, it falls back to page memory for this key and keeps working (the session then lasts
 * until the page is closed). Every value is mirrored in memory so the fallback starts from
 * the last known state.
 */
export class KeyStore {
  readonly mode: StorageMode;
  readonly key: string;
  readonly #memoryKey: string;
  #usingMemory: boolean;

  constructor(mode: StorageMode, key: string) {
    this.mode = mode;
    this.key = key;
    this.#memoryKey = storeId(mode, key);
    this.#usingMemory = webStorage(mode) === null;
  }

  /** The Web Storage area in use, if any (for cross-tab sync). */
  get area(): Storage | null {
    return this.#usingMemory ? null : webStorage(this.mode);
  }

  read(): string | null {
    const area = this.area;
    if (area) {
      try {
        return this.#remember(area.getItem(this.key));
      } catch {
        this.#usingMemory = true;
      }
    }
    return memoryArea.get(this.#memoryKey) ?? null;
  }

  write(raw: string | null): void {
    this.#remember(raw);
    const area = this.area;
    if (!area) return;
    try {
      if (raw === null) area.removeItem(this.key);
      else area.setItem(this.key, raw);
    } catch {
      // QuotaExceededError, SecurityError…: keep working from memory.
      this.#usingMemory = true;
    }
  }

  #remember(raw: string | null): string | null {
    if (raw === null) memoryArea.delete(this.#memoryKey);
    else memoryArea.set(this.#memoryKey, raw);
    return raw;
  }
}
