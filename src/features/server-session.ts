import { Capability, hasCapability, type StoredSession } from '../backends/backend.js';
import { asStoredSession } from '../backends/session-codec.js';
import type { SessionCore, SessionFeature } from '../session/feature.js';
import type { SharedSession } from '../session/shared-session.js';
import { KeyStore, StorageMode } from '../storage/key-store.js';

/** Stored sessions whose server session this page has asked for already (once per page and key). */
const asked = new WeakSet<SharedSession>();

/**
 * Where the marker of the cookie session this browser last signed out of is kept, under
 * `<key>:signed-out` (a marker, never a secret), so it is not taken up again: the store's area,
 * and sessionStorage when that refuses it (full), so this tab's reloads still see it.
 */
const markers = (shared: SharedSession) =>
  [shared.mode, StorageMode.session].map((mode) => new KeyStore(mode, `${shared.key}:signed-out`));

/**
 * The `server-session` feature (cookie sessions, Better Auth): nothing stored, but the server
 * may keep a session for this browser — a cookie the page signed in with outside the kit. Asked
 * once per page and key on connect; the session this browser last signed out of (its sign-out
 * queued, or `local`) is never taken up again. What it gives is stored over nothing as
 * `restored`. Offline: stays signed out.
 */
export function serverSessionTakeUp(core: SessionCore): SessionFeature {
  return {
    connected(shared, { raw, signingIn }) {
      const { backend } = core.settings;
      if (raw !== null || signingIn || !hasCapability(backend, Capability.serverSession) || asked.has(shared)) return null;
      asked.add(shared);
      let done = () => {};
      shared.takingUp = new Promise<void>((resolve) => (done = resolve));
      // A sign-in and log-out meanwhile leave nothing stored too: the answer, asked before them, is stale.
      const writes = shared.writes;
      return (async () => {
        try {
          let session: StoredSession | null;
          try {
            session = asStoredSession(await core.call((signal) => backend.serverSession!({ signal })));
          } catch {
            return;
          }
          // Signed out of here: by its marker, or by a revocation still queued (the marker may be gone).
          if (
            !session ||
            shared.writes !== writes ||
            markers(shared).some((marker) => marker.read() === session.token) ||
            shared.outbox.ends(session.token)
          )
            return;
          shared.replace(null, core.encode(backend, session), 'restored');
        } finally {
          shared.takingUp = null;
          done();
        }
      })();
    },
    // A cookie outlives a log-out that could not reach the server (or `local`): never taken up again.
    loggedOut(shared, session) {
      if (!hasCapability(core.settings.backend, Capability.serverSession)) return;
      const [marker, fallback] = markers(shared);
      marker.write(session.token);
      if (!marker.persists(session.token)) fallback.write(session.token);
    },
  };
}
