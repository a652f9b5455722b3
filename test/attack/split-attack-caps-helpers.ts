import type { AuthBackend, Capability, PublicUser, RevokeOptions, StoredSession } from '../../src/backends/backend.js';
import { RecordingBackend } from '../helpers/recording-backend.js';

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
