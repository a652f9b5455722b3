import type { AuthBackend } from '../backends/backend.js';
import { MemoryBackend } from '../backends/memory.js';
import { ParseBackend } from '../backends/parse.js';
import { AuthError } from '../errors.js';
import type { StorageMode } from '../session/store.js';

export interface BackendSettings {
  /** The `backend` attribute: `parse` (default) or `memory`. */
  name: string | null;
  serverURL: string | null;
  appId: string | null;
  clientKey: string | null;
  /** The `storage` attribute: where ParseBackend keeps the installation id too. */
  storage: StorageMode;
}

/**
 * The backend named by a `<user-session>`'s attributes. Never throws: an unknown name gives a
 * backend whose every call rejects with a `misconfigured` error saying what to fix.
 */
export function resolveBackend({ name, serverURL, appId, clientKey, storage }: BackendSettings): AuthBackend {
  const kind = (name ?? 'parse').trim().toLowerCase() || 'parse';
  if (kind === 'memory') return MemoryBackend.shared;
  if (kind === 'parse') {
    return new ParseBackend({ serverURL: serverURL ?? '', appId: appId ?? '', clientKey: clientKey ?? undefined, storage });
  }
  return failingBackend(
    new AuthError('misconfigured', `Unknown backend "${name}": use "parse" or "memory", or set the backend property to an AuthBackend object.`),
  );
}

function failingBackend(error: AuthError): AuthBackend {
  const fail = () => Promise.reject(error);
  return { logIn: fail, signUp: fail, logOut: fail, currentUser: fail };
}
