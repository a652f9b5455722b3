import { nonEmptyString } from '../internal/guards.js';
import type { SessionInfo } from './backend.js';
import { toTime, type ListedSession } from './better-auth.js';
import { bySessionOrder } from './session-codec.js';

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
