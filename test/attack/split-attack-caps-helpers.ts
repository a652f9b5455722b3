import { fixture, html } from '@open-wc/testing';
import type { AuthBackend, Capability, PublicUser, RevokeOptions, StoredSession } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { key, recordEvents } from './split-attack-helpers.js';

/** A custom AuthBackend object (not a class of the kit) over a RecordingBackend, with the capabilities given and `extra` methods. */
export function customBackend(
  capabilities: Capability[],
  extra: Partial<AuthBackend> = {},
): AuthBackend & { memory: RecordingBackend; calls: string[] } {
  const memory = new RecordingBackend();
  const calls: string[] = [];
  return {
    memory,
    calls,
    capabilities: ['password-log-in', ...capabilities] as Capability[],
    logIn: (u: string, p: string, o: { signal: AbortSignal }) => memory.logIn(u, p, o),
    logOut: (s: StoredSession, o: RevokeOptions) => memory.logOut(s, o),
    currentUser: (s: StoredSession, o: { signal: AbortSignal }): Promise<PublicUser> => memory.currentUser(s, o),
    ...extra,
  };
}

/** A backend with `refresh`: a session is due until renewed (its token then ends in `:renewed`). */
export function renewingBackend(calls: string[]): ReturnType<typeof customBackend> {
  return customBackend(['refresh'], {
    refreshAt: (s: StoredSession) => (s.token.endsWith(':renewed') ? Date.now() + 3_600_000 : Date.now() - 1000),
    refreshSession: async (s: StoredSession) => {
      calls.push('refreshSession');
      return { ...s, token: `${s.token}:renewed` };
    },
  });
}

/** A backend with `server-session`: `server.session` is what the server keeps for this browser; `server.asked` counts the questions. */
export function cookieBackend() {
  const server = { session: null as StoredSession | null, asked: 0 };
  const backend = customBackend(['server-session'], { serverSession: async () => (server.asked++, server.session) });
  return { backend, server };
}

/**
 * A `<user-session>` on `backend` and the page's key, its `logged-in` / `logged-out` recorded,
 * appended to the document last: the connecting task is still this one when it resolves.
 */
export async function appendSession(backend: AuthBackend): Promise<{ session: UserSessionElement; events: CustomEvent[] }> {
  const holder = await fixture<HTMLDivElement>(html`<div></div>`);
  const session = document.createElement('user-session') as UserSessionElement;
  session.setAttribute('storage-key', key);
  session.backend = backend;
  const events = recordEvents(session, ['logged-in', 'logged-out']);
  holder.append(session);
  return { session, events };
}
