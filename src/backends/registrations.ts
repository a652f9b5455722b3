import type { BackendFactory } from './resolve.js';

/**
 * The backends registered by name (`registerBackend`), and who listens for new ones: one
 * registry for every copy of the kit on the page, as the custom-element registry is, so two
 * bundles each bringing theirs (the plain CDN file, then the OpenID Connect one) work in any
 * order. A `<user-session backend="oidc">` connected before `oidc.js` loaded takes up its
 * backend once it registers. No imports: the session controller listens without pulling in any
 * backend.
 */
interface BackendRegistry {
  readonly factories: Map<string, BackendFactory>;
  readonly listeners: Set<() => void>;
}

const key = Symbol.for('user-session-elements.backends');
export const backendRegistry: BackendRegistry = ((globalThis as { [key]?: BackendRegistry })[key] ??= {
  factories: new Map(),
  listeners: new Set(),
});

/** Calls `listener` after each registration; returns the function that stops it. */
export function onBackendRegistered(listener: () => void): () => void {
  backendRegistry.listeners.add(listener);
  return () => backendRegistry.listeners.delete(listener);
}
