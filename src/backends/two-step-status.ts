import { AuthError, twoFactorNotLoaded } from '../errors.js';

// What the password backends say about two-step sign-in without the add-on: an account's state,
// and the refusal of a log-in that needs the add-on. The one-file bundles have no two-step add-on
// and leave this out (rollup.config.mjs): there both do nothing.

/** Parse's `mfa` adapter shows itself as a status only (the secret never reaches a client): `twoFactorEnabled`. */
export function readTwoFactorStatus(reply: Record<string, unknown>, fields: Record<string, unknown>): void {
  const mfa = (reply.authData as { mfa?: { status?: unknown } } | undefined)?.mfa;
  // Stored JSON already says (its kept `authData` may predate a change): a reply from Parse does not.
  if (mfa) fields.twoFactorEnabled ??= mfa.status === 'enabled';
}

/** Better Auth's answer to the password of an account with two-step sign-in, without the add-on. */
export function refuseCodeStep(reply: unknown): void {
  if ((reply as { twoFactorRedirect?: unknown } | null)?.twoFactorRedirect)
    throw new AuthError('misconfigured', twoFactorNotLoaded);
}
