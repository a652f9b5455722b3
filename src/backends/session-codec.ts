import { isRecord, nonEmptyString, parseJson } from '../internal/guards.js';
import type { AuthBackend, PublicUser, SessionInfo, StoredSession } from './backend.js';

/** Secrets that must never reach `user`, events or storage copies of the user. */
const secretFields = new Set(['sessionToken', 'password', 'token', 'authData']);

/**
 * A copy of `fields` that is safe to show, with `id` set (SPEC §7.11): no session token, no
 * password, no `authData` (third-party tokens), and no server-private field (names starting
 * with `_`, such as Parse's `_hashed_password`, `_sessionToken`).
 */
export function toPublicUser(fields: Record<string, unknown>, id: string): PublicUser {
  const user: PublicUser = { id };
  for (const [name, value] of Object.entries(fields)) {
    if (!secretFields.has(name) && !name.startsWith('_') && name !== 'id') user[name] = value;
  }
  return user;
}

/** `value` as a session with a safe public user, or `null` if it is not one (no token or user id). */
export function asStoredSession(value: unknown): StoredSession | null {
  if (!isRecord(value) || !nonEmptyString(value.token) || !isRecord(value.user) || !nonEmptyString(value.user.id)) return null;
  return { token: value.token, user: toPublicUser(value.user, value.user.id) };
}

/** Reads the default storage format (`encodeWith`); `null` for corrupt JSON or a value of the wrong shape. */
export function deserializeSession(raw: string): StoredSession | null {
  return asStoredSession(parseJson(raw));
}

/** The order `listSessions` gives: this browser's session first, then newest first (unknown times last). */
export function bySessionOrder(a: SessionInfo, b: SessionInfo): number {
  return Number(b.current) - Number(a.current) || (b.createdAt ?? 0) - (a.createdAt ?? 0);
}

/** A session as `backend` stores it: its own format, or the default, JSON of `StoredSession`. */
export function encodeWith(backend: AuthBackend, session: StoredSession): string {
  return backend.serialize ? backend.serialize(session) : JSON.stringify({ token: session.token, user: session.user });
}

/**
 * Reads stored values with a backend, remembering the last one read and with what: every flow
 * reads storage, and most find it unchanged. A throwing custom deserializer reads as "no session".
 */
export class CachedDecoder {
  /** The backend of the last read (`null` before any). */
  backend: AuthBackend | null = null;
  #raw: string | null = null;
  #session: StoredSession | null = null;

  decode(raw: string | null, backend: AuthBackend): StoredSession | null {
    if (raw === this.#raw && backend === this.backend) return this.#session;
    this.#raw = raw;
    this.backend = backend;
    return (this.#session = decodeWith(backend, raw));
  }
}

/** A stored value as `backend` reads it (its own format, or the default), or `null`: nothing, or no session of its. */
export function decodeWith(backend: AuthBackend, raw: string | null): StoredSession | null {
  try {
    // The default format is JSON; asStoredSession checks the shape of either.
    return raw === null ? null : asStoredSession(backend.deserialize ? backend.deserialize(raw) : parseJson(raw));
  } catch {
    return null; // unreadable: no session
  }
}

/** Compares two users field by field, whatever the key order. */
export function sameUserFields(a: PublicUser, b: PublicUser): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
