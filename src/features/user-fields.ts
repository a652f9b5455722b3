import { AuthError } from '../errors.js';
import { isRecord } from '../internal/guards.js';

/** Names the server keeps for itself (`_…` names are refused by the name rule). */
const reserved = /^(objectId|id|createdAt|updatedAt|sessionToken|authData|ACL|emailVerified|username|password)$/;

/** Why a name is refused, where a hint helps. */
const hints: Record<string, string> = {
  password: 'use a password change or reset flow',
  username: 'it is how the user logs in (this sets email and custom properties)',
};

/**
 * The fields to set on the signed-in user, checked before any request: names that are
 * identifiers starting with a letter, none reserved or server-private (`username`, `password`,
 * `emailVerified`, `objectId`, `ACL`…), values that are plain JSON (string, finite number,
 * boolean, null, arrays and plain objects of them, no `_…` / `$…` keys such as Parse's `__op`).
 * Throws an `AuthError` of code `bad-request` that names the first field refused.
 */
export function checkUserFields(fields: unknown): Record<string, unknown> {
  let given: Record<string, unknown>;
  try {
    // One read of each field: what is checked is what is sent (a getter cannot change it after).
    given = structuredClone(isRecord(fields) ? fields : {});
  } catch {
    throw new AuthError('bad-request', 'The fields are not plain JSON (a value that cannot be read or copied).');
  }
  const names = Object.keys(given);
  // Names of Object.prototype members (`toString`, `hasOwnProperty`…) would shadow them on `user`.
  const bad = names.find(
    (name) => !/^[A-Za-z]\w*$/.test(name) || reserved.test(name) || name in Object.prototype || !plain(given[name], 0),
  );
  if (!names.length || bad !== undefined) {
    throw new AuthError(
      'bad-request',
      bad === undefined
        ? 'Nothing to set.'
        : `"${bad}" cannot be set: ${Object.hasOwn(hints, bad) ? hints[bad] : 'a reserved name or not plain JSON'}.`,
    );
  }
  return given;
}

function plain(value: unknown, depth: number): boolean {
  return typeof value === 'number'
    ? isFinite(value)
    : value === null ||
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'object' &&
          depth < 16 &&
          (Array.isArray(value)
            ? value.every((item) => plain(item, depth + 1))
            : [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null) &&
              Object.entries(value).every(([key, item]) => !/^[_$]/.test(key) && plain(item, depth + 1))));
}
