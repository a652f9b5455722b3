export interface Filler {
  /** Removes every filler key. */
  release(): void;
}

/**
 * Fills localStorage for real, as a page near its quota is: values halving from 1 MB until
 * `setItem` throws even for one character. No stubbed `setItem`.
 */
export function fillStorage(area: Storage = localStorage): Filler {
  const keys: string[] = [];
  let size = 1 << 20;
  while (size >= 1) {
    const key = `filler/${keys.length}`;
    try {
      area.setItem(key, 'f'.repeat(size));
      keys.push(key);
    } catch {
      size = Math.floor(size / 2);
    }
  }
  return {
    release() {
      for (const key of keys) area.removeItem(key);
    },
  };
}
