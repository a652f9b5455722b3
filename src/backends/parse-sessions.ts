import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { SessionInfo } from './backend.js';
import type { ParseBackend } from './parse.js';
import { bySessionOrder } from './session-codec.js';

/**
 * What `ParseBackend` reads on first use for the user's other sessions: listing them, ending
 * one, ending every other (log-out `others` / `all`). A page that only signs in and out never
 * downloads it.
 */

/**
 * Deletes every other `_Session` of the user (`GET /sessions` with the user's token lists only
 * theirs); with `createdBefore`, only those created by then.
 */
export async function endOthers(
  backend: ParseBackend,
  token: string,
  signal: AbortSignal,
  createdBefore = Infinity,
): Promise<void> {
  const { results } = await backend.request('GET', '/sessions', { signal, token });
  const others = (Array.isArray(results) ? results : []).filter(
    (s: unknown): s is Record<string, unknown> =>
      isRecord(s) &&
      nonEmptyString(s.objectId) &&
      s.sessionToken !== token &&
      // Opened after the click (another device meanwhile): not ours to end (SPEC §7.10).
      !(Date.parse(String(s.createdAt)) > createdBefore),
  );
  await Promise.all(others.map((other) => endSession(backend, token, String(other.objectId), signal)));
}

/**
 * `DELETE /sessions/<objectId>` with the user's token. Parse answers code 101 (object not found)
 * for an id that is gone or not the user's (their ACL hides another user's sessions): resolved,
 * nothing done, as that is what was wanted.
 */
export async function endSession(backend: ParseBackend, token: string, id: string, signal: AbortSignal): Promise<void> {
  await backend.request('DELETE', `/sessions/${encodeURIComponent(id)}`, { signal, token }).catch((error: AuthError) => {
    if (error.serverCode !== 101) throw error;
  });
}

/**
 * `GET /sessions` with the user's token: Parse lists only that user's `_Session`s (their ACL), as
 * `SessionInfo`s, this browser's first (its `sessionToken` is `token`), then newest first. Each
 * entry's `sessionToken` is compared here and dropped: only `objectId`, `createdAt` and
 * `expiresAt` leave. Parse keeps no User-Agent and no last-use time (`createdWith` says only
 * `login`/`signup` and `password`), so those are absent.
 */
export async function sessionInfos(backend: ParseBackend, token: string, signal: AbortSignal): Promise<SessionInfo[]> {
  const { results } = await backend.request('GET', '/sessions', { signal, token });
  if (!Array.isArray(results)) throw new AuthError('server', 'No list of sessions in the answer.');
  const infos: SessionInfo[] = [];
  for (const entry of results as unknown[]) {
    if (!isRecord(entry) || !nonEmptyString(entry.objectId)) continue;
    const info: SessionInfo = { id: entry.objectId, current: entry.sessionToken === token };
    const createdAt = parseDate(entry.createdAt);
    const expiresAt = parseDate(entry.expiresAt);
    if (createdAt !== undefined) info.createdAt = createdAt;
    if (expiresAt !== undefined) info.expiresAt = expiresAt;
    infos.push(info);
  }
  return infos.sort(bySessionOrder);
}

/** A Parse date (an ISO string, or `{ __type: 'Date', iso }`) in ms since the epoch; `undefined` if unreadable. */
function parseDate(value: unknown): number | undefined {
  const iso = isRecord(value) ? value.iso : value;
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}
