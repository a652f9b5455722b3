import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { SessionInfo } from './backend.js';
import type { BetterAuthBackend } from './better-auth.js';
import { bySessionOrder } from './session-codec.js';

// What `BetterAuthBackend` reads on first use: the user's list of sessions, and ending sessions
// other than this browser's. A page that only signs in and out never downloads it.

/** One of the user's sessions as Better Auth lists it: `token` is its credential, used in memory only. */
export interface ListedSession {
  id: string;
  token: string;
  createdAt?: unknown;
  updatedAt?: unknown;
  expiresAt?: unknown;
  userAgent?: unknown;
}

/** `/list-sessions`: the entries with an id and a token. */
export async function listed(backend: BetterAuthBackend, signal: AbortSignal): Promise<ListedSession[]> {
  const reply = await backend.request('GET', '/list-sessions', signal).catch((error: AuthError) => {
    // Its one refusal ("Session is not fresh", code SESSION_NOT_FRESH): Better Auth lists sessions
    // only for a session younger than its `session.freshAge`.
    if (/not fresh/.test(error.message)) error.message += ' Sign in again.';
    throw error;
  });
  if (!Array.isArray(reply)) throw new AuthError('server', 'list-sessions answered without a list.');
  return reply.filter((s: unknown): s is ListedSession => isRecord(s) && nonEmptyString(s.id) && nonEmptyString(s.token));
}

/** `/revoke-session` with the token the list gives for `id` (read here, sent back, never kept); an id not listed: nothing done. */
export async function revokeById(backend: BetterAuthBackend, id: string, signal: AbortSignal): Promise<void> {
  const target = (await listed(backend, signal)).find((s) => s.id === id);
  if (target) await backend.request('POST', '/revoke-session', signal, { token: target.token });
}

/**
 * The user's sessions other than this browser's (`mine`) and the one the cookie names: with the
 * cookie on this session, `/revoke-other-sessions`; else (or for an outbox replay, `createdBefore`)
 * one revocation per listed session opened before the click. `/revoke-sessions` is never used:
 * it would also end a session signed in here meanwhile.
 */
export async function revokeOthers(
  backend: BetterAuthBackend,
  mine: string,
  cookie: string,
  createdBefore: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (createdBefore === undefined && cookie === mine) {
    await backend.request('POST', '/revoke-other-sessions', signal, {});
    return;
  }
  const all = await listed(backend, signal);
  // The cookie names another user now: the queued user's other sessions are out of reach.
  if (cookie !== mine && !all.some((s) => s.id === mine)) throw new AuthError('invalid-session');
  const ended = all.filter((s) => s.id !== cookie && s.id !== mine && !(toTime(s.createdAt)! > (createdBefore ?? Infinity)));
  await Promise.all(ended.map((s) => backend.request('POST', '/revoke-session', signal, { token: s.token })));
}

/** A date as Better Auth sends it (ISO string), in ms; `undefined` if it is none. */
function toTime(value: unknown): number | undefined {
  const time = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
  return Number.isFinite(time) ? time : undefined;
}

/**
 * Better Auth's list of the user's sessions as `SessionInfo`s, this browser's (`mine`) first,
 * then newest first. Nothing shown may quote a token of the list: such an entry goes, such a
 * user agent is dropped. (Loaded by `listSessions` on first use.)
 */
export function sessionInfos(listed: ListedSession[], mine: string): SessionInfo[] {
  const quotesToken = (text: string) => listed.some((s) => text.includes(s.token));
  return listed
    .filter((s) => !quotesToken(s.id))
    .map((s): SessionInfo => {
      const info: SessionInfo = { id: s.id, current: s.id === mine };
      const times = { createdAt: toTime(s.createdAt), lastActiveAt: toTime(s.updatedAt), expiresAt: toTime(s.expiresAt) };
      for (const [name, time] of Object.entries(times)) if (time !== undefined) info[name as 'createdAt'] = time;
      if (nonEmptyString(s.userAgent) && !quotesToken(s.userAgent)) info.userAgent = s.userAgent;
      return info;
    })
    .sort(bySessionOrder);
}
