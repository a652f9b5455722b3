import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { SessionInfo } from './backend.js';
import { bySessionOrder } from './session-codec.js';

/**
 * Parse's `GET /sessions` results as `SessionInfo`s, this browser's first (its `sessionToken` is
 * `token`), then newest first. Each entry's `sessionToken` is compared here and dropped: only
 * `objectId`, `createdAt` and `expiresAt` leave. (Loaded by `listSessions` on first use.)
 */
export function sessionInfos(results: unknown, token: string): SessionInfo[] {
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
