// What a page can read from a thrown value; no import of the kit, so pages of the core alone use it too.
/**
 * Everything a page can read from an error (or any thrown value): message, stack, `toString()`,
 * every own string property, its JSON, and the same for the whole `cause` chain.
 */
export function errorText(error: unknown, depth = 0): string {
  if (depth > 8 || error === null || error === undefined) return '';
  if (typeof error !== 'object') return typeof error === 'string' ? error : (JSON.stringify(error) ?? '');
  const parts: string[] = [];
  if (error instanceof Error) parts.push(error.toString(), error.stack ?? '');
  for (const name of Object.getOwnPropertyNames(error)) {
    if (name === 'cause') continue;
    try {
      const value: unknown = (error as Record<string, unknown>)[name];
      if (typeof value === 'string') parts.push(value);
    } catch {
      // a throwing getter hides nothing from the page either
    }
  }
  try {
    parts.push(JSON.stringify(error) ?? '');
  } catch {
    // cyclic: its string fields are already in
  }
  return `${parts.join('\n')}\n${errorText((error as { cause?: unknown }).cause, depth + 1)}`;
}
