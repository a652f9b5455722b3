import type { AuthBackend } from '../backends/backend.js';
import { AuthError } from '../errors.js';
import type { SessionCore } from './feature.js';
import { sameEntry, serverOf, worthRetrying, type RevocationOutbox } from './outbox.js';
import { revoker } from './revocations.js';
import type { SharedSession } from './shared-session.js';

/**
 * What the revocation outbox reads on first use (SPEC §3.3): sending its entries again. A page
 * whose revocations all reached the server never downloads it.
 */

// No cap on attempts: a live session is never forgotten, only tried less often.
const backoffMs = (attempts: number) => Math.min(1000 * 2 ** attempts, 10 * 60_000);

/**
 * Sends the due entries of the server of `backend` (every one of them with `now`), one at a time. An entry is
 * deleted once the server revoked or refused it for good, else tried later, less often; one that
 * would also end the session signed in since is dropped, never sent (SPEC §3.4).
 */
export async function send(
  outbox: RevocationOutbox,
  core: SessionCore,
  shared: SharedSession,
  backend: AuthBackend,
  now: boolean,
): Promise<void> {
  // The backend asked to flush, whatever the settings say by now: each entry goes to its own server only.
  const server = serverOf(backend);
  const revoke = revoker(core, backend);
  for (const entry of outbox.list()) {
    if ((!now && entry.retryAt > Date.now()) || entry.server !== server) continue;
    let done = true;
    try {
      const queued = { token: entry.token, user: { id: entry.userId } };
      const current = core.decode(shared.read());
      if (!(current && backend.revocationWouldEnd?.(queued, current))) await revoke(queued, entry.scope, entry.createdBefore);
    } catch (error) {
      done = !(error instanceof AuthError && worthRetrying(error));
    }
    // Read again: another tab or call may have changed the list meanwhile.
    const rest = outbox.list().filter((e) => !sameEntry(e, entry));
    const attempts = entry.attempts + 1;
    // A try while offline does not count: the entry stays due for `online`.
    const later =
      globalThis.navigator?.onLine !== false ? { ...entry, attempts, retryAt: Date.now() + backoffMs(attempts) } : entry;
    outbox.save(done ? rest : [...rest, later]);
  }
}
