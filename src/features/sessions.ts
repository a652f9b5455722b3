import { Capability, hasCapability, missingCapability, type SessionInfo } from '../backends/backend.js';
import { bySessionOrder } from '../backends/session-codec.js';
import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { SessionCore, SessionFeature } from '../session/feature.js';
import { onSession, signedIn } from './on-session.js';

/** The signed-in user's sessions on every device (capabilities `list-sessions`, `revoke-session`). */
export interface SessionManagement extends SessionFeature {
  /**
   * The signed-in user's sessions on every device, this browser's first, then newest first:
   * frozen, holding no secret. Rejects with `bad-request` when signed out; an invalid session
   * ends as `session-lost` and rejects with `invalid-session`.
   */
  listSessions(cancel?: AbortSignal): Promise<readonly SessionInfo[]>;
  /**
   * Ends one session of the user by its `SessionInfo.id`; this browser's own id logs out here
   * (`logOut({ scope: 'current' })`, rejecting with its error if that failed). Resolves once no
   * session of the user has that id (also when it was not one of theirs: nothing done); then
   * every member and tab hears `sessions-change`.
   */
  revokeSession(id: unknown, cancel?: AbortSignal): Promise<void>;
}

/** The `sessions` feature: what `<session-list>` needs. */
export function sessionManagement(core: SessionCore): SessionManagement {
  /** The server's id of this browser's session, as the last list said: `[token, id]` (never exposed). */
  let ownSessionId: [token: string, id: string] | null = null;
  const feature: SessionManagement = {
    listSessions: (cancel) =>
      core.withShared(async (shared) => {
        const { backend } = core.settings;
        if (!hasCapability(backend, Capability.listSessions)) throw missingCapability(Capability.listSessions);
        const session = await signedIn(core, shared, cancel);
        const list = await onSession(core, shared, session, (signal) => backend.listSessions!(session, { signal }), cancel);
        const sessions = toSessionInfos(list, session.token);
        const own = sessions.find((s) => s.current);
        if (own) ownSessionId = [session.token, own.id];
        return sessions;
      }),
    revokeSession: (id, cancel) =>
      core.withShared(async (shared) => {
        if (!nonEmptyString(id) || !id.trim()) throw new AuthError('bad-request', 'Name the session to end (its id).');
        const { backend } = core.settings;
        if (!hasCapability(backend, Capability.revokeSession)) throw missingCapability(Capability.revokeSession);
        const session = await signedIn(core, shared, cancel);
        // Which one is this browser's? Known from the last list of this session, else listed now.
        let own = ownSessionId?.[0] === session.token ? ownSessionId[1] : null;
        if (own === null && hasCapability(backend, Capability.listSessions)) {
          own = (await feature.listSessions(cancel)).find((s) => s.current)?.id ?? null;
        }
        if (id === own) {
          const result = await core.logOut({ scope: 'current' });
          if (!result.ok) throw result.error;
          return;
        }
        await onSession(core, shared, session, (signal) => backend.revokeSession!(session, id, { signal }), cancel);
        shared.announceSessionsChanged();
      }),
  };
  return feature;
}

/**
 * What a backend listed, as frozen `SessionInfo`s with only the known fields, this browser's
 * first, then newest first. An entry without an id, or with an id listed already, is dropped (a
 * list shows each session once); a field quoting the token is left out.
 */
function toSessionInfos(list: unknown, token: string): readonly SessionInfo[] {
  if (!Array.isArray(list)) throw new AuthError('server', 'No list of sessions in the answer.');
  // The token raw or URL-encoded (as a query string or cookie carries it) is left out.
  const forms = [token, encodeURIComponent(token)];
  const clean = (value: unknown) =>
    typeof value === 'string' && !forms.some((form) => value.includes(form)) ? value : undefined;
  const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const infos: SessionInfo[] = [];
  const ids = new Set<string>();
  for (const item of list as unknown[]) {
    if (!isRecord(item)) continue;
    const id = clean(item.id);
    if (!id || ids.has(id)) continue;
    ids.add(id);
    const info: SessionInfo = { id, current: item.current === true };
    const fields = {
      createdAt: time(item.createdAt),
      lastActiveAt: time(item.lastActiveAt),
      expiresAt: time(item.expiresAt),
      userAgent: clean(item.userAgent),
    };
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) Object.assign(info, { [name]: value });
    infos.push(Object.freeze(info));
  }
  // The order is the backend's promise, kept here too for a backend of the page's own.
  infos.sort(bySessionOrder);
  return Object.freeze(infos);
}
