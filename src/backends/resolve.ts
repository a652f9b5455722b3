import { AuthError } from '../errors.js';
import type { StorageMode } from '../storage/key-store.js';
import { Capability, type AuthBackend } from './backend.js';
import { backendRegistry } from './registrations.js';

/** What a `<user-session>`'s attributes say about its backend. */
export interface BackendSettings {
  /** The `backend` attribute: `parse` (default), or a name an entry point registered (`memory`…). */
  name: string | null;
  serverURL: string | null;
  appId: string | null;
  clientKey: string | null;
  /** The `storage` attribute: where ParseBackend keeps the installation id too. */
  storage: StorageMode;
  /** OpenID Connect: `issuer`, `client-id`, `redirect-uri`, `post-logout-redirect-uri`, `scopes`. */
  issuer?: string | null;
  clientId?: string | null;
  redirectUri?: string | null;
  postLogoutRedirectUri?: string | null;
  scopes?: string | null;
}

export type BackendFactory = (settings: BackendSettings) => AuthBackend;

/**
 * Backends by name, each registered by the module that ships it (`define/user-session.js`
 * registers `parse`, the default; `oidc.js`, `better-auth.js` and the package entry the others):
 * this module imports none, so a page downloads only the backends it names. Shared by every
 * copy of the kit on the page (`registrations.ts`).
 */
const { factories, listeners } = backendRegistry;

/** Makes `backend="<name>"` available (names are trimmed and case-insensitive). Later wins. */
export function registerBackend(name: string, factory: BackendFactory): void {
  factories.set(name.trim().toLowerCase(), factory);
  for (const listener of [...listeners]) listener();
}

/**
 * What the kit's define modules register: a name already taken stays as it is, whether the
 * page registered it or another copy of the kit did (its `memory` keeps its users).
 */
export function registerKitBackend(name: string, factory: BackendFactory): void {
  if (!factories.has(name)) registerBackend(name, factory);
}

/**
 * The backend named by a `<user-session>`'s attributes, the same object until one of them
 * changes. Never throws: an unknown name gives a backend whose every call rejects with a
 * `misconfigured` error saying what to fix.
 */
export class BackendResolver {
  #key = '';
  #backend: AuthBackend | null = null;

  resolve(settings: BackendSettings): AuthBackend {
    const name = (settings.name ?? '').trim().toLowerCase() || 'parse';
    const factory = factories.get(name);
    // An unknown name is kept only until a new name is registered (a script loaded after the markup).
    const key = JSON.stringify([name, { ...settings, name: null }, factory ? '' : factories.size]);
    if (this.#backend && key === this.#key) return this.#backend;
    this.#key = key;
    return (this.#backend = factory ? factory(settings) : unknownBackend(settings.name ?? ''));
  }
}

/** A backend whose every call fails with one error: what an unknown `backend` name gets. */
function unknownBackend(name: string): AuthBackend {
  const known = [...factories.keys()].join(', ');
  // `memory` is registered by the package entry only: say so to pages that import define modules.
  const error = new AuthError(
    'misconfigured',
    `Unknown backend "${name}": use ${known} (memory: import the package entry), or an AuthBackend object.`,
  );
  const fail = () => Promise.reject(error);
  // Both ways of signing in fail with it: `logIn()` without credentials too (a typo in backend="oidc").
  return {
    capabilities: Object.values(Capability),
    logIn: fail,
    signUp: fail,
    logOut: fail,
    currentUser: fail,
    beginLogIn: fail,
    finishLogIn: () => null,
  };
}
