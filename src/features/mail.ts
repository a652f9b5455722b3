import { Capability, hasCapability, missingCapability, methodOf, type MailCapability } from '../backends/backend.js';
import { AuthError, toAuthError } from '../errors.js';
import type { SessionCore, SessionFeature } from '../session/feature.js';

/** Mail the server sends on request (capabilities `password-reset`, `verification-email`). */
export interface Mail extends SessionFeature {
  /** Asks the server to mail a password-reset link to `email` (no session involved, nothing stored changes). */
  requestPasswordReset(email: unknown): Promise<void>;
  /** Asks the server to mail (again) the link that verifies `email`. */
  requestVerificationEmail(email: unknown): Promise<void>;
}

/** The `mail` feature: what the mail actions need. */
export function mail(core: SessionCore): Mail {
  /**
   * A mail request: the address is checked first (`bad-request`, no request), then the
   * capability (`misconfigured`); the answer is the same for a known and an unknown address.
   */
  const send = async (capability: MailCapability, email: unknown): Promise<void> => {
    const address = typeof email === 'string' ? email.trim() : '';
    if (!/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/.test(address))
      throw new AuthError('bad-request', 'Enter an email address.');
    const { backend } = core.settings;
    if (!hasCapability(backend, capability)) throw missingCapability(capability);
    await core
      .call((signal) => backend[methodOf[capability]]!(address, { signal }))
      .catch((caught: unknown) => {
        throw toAuthError(caught);
      });
  };
  return {
    requestPasswordReset: (email) => send(Capability.passwordReset, email),
    requestVerificationEmail: (email) => send(Capability.verificationEmail, email),
  };
}
