import { AuthError } from '../errors.js';
import { isRecord } from '../internal/guards.js';

/** Names the server keeps for itself, and why a page cannot set them as user properties. */
const reserved = new Map([
  ['password', 'change the password with a password-change or reset flow'],
  ['username', 'the username is how the user logs in; this sets email and custom properties (as Noodl)'],
  ['emailVerified', 'only the server marks an email verified'],
]);
const serverOwned = ['objectId', 'id', 'createdAt', 'updatedAt', 'sessionToken', 'authData', 'ACL'];

/**
 * The fields to set on the signed-in user, checked before any request: plain JSON values
 * (string, finite number, boolean, null, arrays and plain objects of them) under names that are
 * identifiers starting with a letter, none of them reserved or server-private. Throws an
 * `AuthError` of code `bad-request` that names the first field refused.
 */
export function checkUserFields(fields: unknown): Record<string, unknown> {
  const names = isRecord(fields) ? Object.keys(fields) : [];
  if (!names.length) throw refused('Nothing to set: give at least one field.');
  for (const name of names) {
    const why = !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)
      ? 'not a field name (letters, digits and _, starting with a letter)'
      : serverOwned.includes(name)
        ? 'kept by the server'
        : (reserved.get(name) ?? (plain((fields as Record<string, unknown>)[name], 0) ? '' : 'not a plain JSON value'));
    if (why) throw refused(`Field "${name}" cannot be set: ${why}.`);
  }
  return { ...(fields as Record<string, unknown>) };
}

/** A JSON value with no operator keys (`__op`, `__type`, `$…`) and no cycles (depth-capped). */
function plain(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 16) return false;
  if (Array.isArray(value)) return value.every((item) => plain(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  return (
    (proto === Object.prototype || proto === null) &&
    Object.entries(value).every(([key, item]) => !/^[_$]/.test(key) && plain(item, depth + 1))
  );
}

function refused(message: string): AuthError {
  return new AuthError('bad-request', message);
}
