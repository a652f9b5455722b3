/**
 * A property set on an element before its class was defined becomes an own property that
 * hides the class's accessor. Called from the constructor, this moves such a value onto the
 * accessor, so `el.backend = …` works whether the script runs before or after the definition.
 */
export function upgradeProperty(element: HTMLElement, name: string): void {
  if (!Object.prototype.hasOwnProperty.call(element, name)) return;
  const record = element as unknown as Record<string, unknown>;
  const value = record[name];
  delete record[name];
  record[name] = value;
}
