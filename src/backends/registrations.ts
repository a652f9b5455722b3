/**
 * Tells who cares that `registerBackend` made a new name available: a `<user-session
 * backend="oidc">` connected before `user-session-elements/oidc.js` loaded takes up its backend
 * then (its stored session, a provider's answer in the address bar). No imports: the session
 * controller listens without pulling in any backend.
 */
const listeners = new Set<() => void>();

/** Calls `listener` after each registration; returns the function that stops it. */
export function onBackendRegistered(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function backendRegistered(): void {
  for (const listener of [...listeners]) listener();
}
