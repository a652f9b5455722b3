/** Small type guards shared by every layer. No imports, no side effects. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Parses JSON, returning `undefined` instead of throwing. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * The guard of a closed set of names kept as a const object (`{ local: 'local', … } as const`):
 * the member `value` names once trimmed and lower-cased, else `null`. Attribute values are
 * read through it, so `" Memory "` and `"All"` mean what the author meant.
 */
export function memberOf<T extends Record<string, string>>(names: T): (value: unknown) => T[keyof T] | null {
  const members = new Set<string>(Object.values(names));
  return (value) => {
    const name = typeof value === 'string' ? value.trim().toLowerCase() : '';
    return members.has(name) ? (name as T[keyof T]) : null;
  };
}
