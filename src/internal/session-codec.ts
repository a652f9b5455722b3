import type { PublicUser, StoredSession } from '../backends/backend.js';

/** Fields that must never reach `user`, events or storage copies of the user. */
const secretFields = new Set(['sessionToken', '_sessionToken', 'password', 'token']);

/** A copy of `fields` without secrets, with `id` set: what `user` may safely show. */
export function toPublicUser(fields: Record<string, unknown>, id: string): PublicUser {
  const user: PublicUser = { id };
  for (const [name, value] of Object.entries(fields)) {
    if (!secretFields.has(name) && name !== 'id') user[name] = value;
  }
  return user;
}

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

/** The default storage format: JSON of `StoredSession`. */
export function serializeSession(session: StoredSession): string {
  return JSON.stringify({ token: session.token, user: session.user });
}

/** Reads what `serializeSession` wrote; `null` for corrupt JSON or a value of the wrong shape. */
export function deserializeSession(raw: string): StoredSession | null {
  const value = parseJson(raw);
  if (!isRecord(value) || !nonEmptyString(value.token) || !isRecord(value.user)) return null;
  if (!nonEmptyString(value.user.id)) return null;
  return { token: value.token, user: toPublicUser(value.user, value.user.id) };
}
