import {
  Capability,
  capabilityForScope,
  hasCapability,
  missingCapability,
  toLogOutScope,
  type LogOutScope,
  type RevokeScope,
} from '../backends/backend.js';
import { decodeWith } from '../backends/session-codec.js';
import { AuthError } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import type { AttachedFeatures } from './attached-features.js';
import type { SessionCore } from './feature.js';
import type { LogOutResult } from './log-out-result.js';
import { worthRetrying } from './outbox.js';
import { revoker, settle } from './revocations.js';
import type { SharedSession } from './shared-session.js';

/**
 * Signs out of the session stored in `shared`, local first (SPEC §3): the revocation request
 * starts, then in the same task the stored session is removed and `logged-out` fires; then the
 * answer is awaited. A revocation the server could not be told of waits in the outbox. An
 * unknown scope signs out here (like `local`) and fails with `bad-request`. `endSession`
 * (capability `end-session`, feature `redirect-sign-in`): once the result is delivered, the
 * browser goes to the provider to end its own session too. Never rejects.
 */
export async function logOutOf(
  shared: SharedSession,
  core: SessionCore,
  features: AttachedFeatures,
  /** Outdates a sign-in under way. */
  abortSignIn: () => void,
  options: { scope?: unknown; endSession?: unknown } | null | undefined,
  reason: 'log-out' | 'idle' | 'session-lost',
  /** Another than the one in use: the server the session belongs to (the settings changed). */
  backend = core.settings.backend,
): Promise<LogOutResult> {
  const scope = isRecord(options) ? options.scope : undefined;
  const endSession = isRecord(options) && options.endSession === true;
  const asked = scope == null ? 'current' : toLogOutScope(scope);
  const effective: LogOutScope = asked ?? 'local';
  // Nothing stored yet, but the server's session is being taken up: that is the one to sign out of.
  if (shared.takingUp && shared.raw === null) await shared.takingUp;
  // An idle sign-out that finds the session gone (another tab's idle sign-out got there first) is one too.
  const raw = shared.read(reason === 'idle' ? reason : undefined);
  // Read by the backend it belongs to: one pointed elsewhere may not read it (another kind, another issuer).
  const session = decodeWith(backend, raw);
  abortSignIn();
  const needed = effective === 'local' ? null : capabilityForScope(effective);
  const able = !needed || hasCapability(backend, needed);
  // `all` on a backend that cannot: this browser's session is still ended on the server.
  const serverScope: RevokeScope | null =
    !session || effective === 'local' ? null : able ? effective : effective === 'all' ? 'current' : null;
  const clickedAt = Date.now();
  // The request leaves first; the bookkeeping below overlaps the network wait.
  const revocation = serverScope && settle(revoker(core, backend)(session!, serverScope));
  // Features' work that needs the session (the provider's end-session URL) starts before it is removed.
  const after = session ? features.each((f) => f.loggingOut?.(session, effective, { endSession })) : [];
  const includesHere = !!session && effective !== 'others';
  // Written even when nothing is stored: a sign-in under way on the key, here or in another tab, is outdated.
  const removed = effective !== 'others' && shared.write(null, reason);
  let signedOutLocally = includesHere && removed;
  if (signedOutLocally) features.each((f) => f.loggedOut?.(shared, session!));

  let error: AuthError | null = null;
  let pending = false;
  const answer = revocation ? await revocation : null;
  // Already invalid on the server: this browser's session is over, the goal is met…
  const revoked = !!revocation && (!answer || answer.code === 'invalid-session');
  if (answer && effective === 'others' && revoked) {
    // …except for `others`, which could not be listed with it: forget it here too.
    signedOutLocally = shared.replace(raw, null, 'session-lost');
    error = answer;
  } else if (answer && !revoked) {
    // The server could not be told: the revocation waits in the outbox (never exposed).
    pending = worthRetrying(answer);
    if (pending) shared.outbox.add(session!, serverScope!, clickedAt, backend);
    error = answer;
  }
  // Other sessions ended on the server: every tab's lists of sessions are out of date.
  if (revocation && !answer && (serverScope === 'others' || serverScope === 'all')) shared.announceSessionsChanged();
  const featureErrors = after.length ? await Promise.all(after.map((finish) => finish(pending))) : [];
  if (includesHere && !signedOutLocally)
    error = new AuthError('misconfigured', 'Storage refused to remove the session: still signed in here.');
  else if (!asked)
    error = new AuthError('bad-request', `Unknown scope "${String(scope)}" (current, local, others, all): signed out here only.`);
  else if (session && !able) error = missingCapability(needed, 'bad-request');
  else if (endSession && session && !hasCapability(backend, Capability.endSession))
    error = missingCapability(Capability.endSession);
  else error ??= featureErrors.find((e) => e) ?? null;
  return error
    ? { ok: false, scope: effective, revoked, error, signedOutLocally, revocationPending: pending }
    : { ok: true, scope: effective, revoked, signedOutLocally, revocationPending: false };
}
