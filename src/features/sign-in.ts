import { Capability, hasCapability, missingCapability, type PublicUser } from '../backends/backend.js';
import { AuthError, twoFactorNotLoaded } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { LogInOptions, SessionCore, SessionFeature } from '../session/feature.js';
import { signInWith } from './sign-in-flow.js';

/** Password sign-in and sign-up (capabilities `password-log-in`, `sign-up`). */
export interface PasswordSignIn extends SessionFeature {
  /**
   * Signs in; over an active session, that one is signed out first (SPEC §7.12). A `code` (the
   * second step of a two-step sign-in) is the two-step add-on's: here it is `misconfigured`.
   */
  logIn(username?: string, password?: string, options?: LogInOptions): Promise<PublicUser>;
  /** Creates an account and signs in; `extra` fields go to the new user. */
  signUp(username: string, password: string, extra?: Record<string, unknown>): Promise<PublicUser>;
}

/** The `sign-in` feature: what `<log-in-action>` and `<sign-up-action>` need. */
export function passwordSignIn(core: SessionCore): PasswordSignIn {
  return {
    async logIn(username, password, options) {
      // The two-step add-on gives `<user-session>` a `logIn` that takes the code; never ignored.
      if (options?.code) throw new AuthError('misconfigured', twoFactorNotLoaded);
      const { backend } = core.settings;
      const byPassword = hasCapability(backend, Capability.passwordLogIn);
      if (!byPassword && hasCapability(backend, Capability.redirectLogIn))
        throw new AuthError('misconfigured', 'This backend signs in at the provider: pass no username or password.');
      requireCredentials(username, password);
      if (!byPassword) throw missingCapability(Capability.passwordLogIn);
      return signInWith(core, 'log-in', (signal) => backend.logIn!(username, password!, { signal }));
    },
    async signUp(username, password, extra = {}) {
      const fields = isRecord(extra) ? extra : {};
      requireCredentials(username, password);
      const { backend } = core.settings;
      if (!hasCapability(backend, Capability.signUp)) throw missingCapability(Capability.signUp);
      return signInWith(core, 'sign-up', (signal) => backend.signUp!(username, password, fields, { signal }));
    },
  };
}

export function requireCredentials(username: unknown, password: unknown): asserts username is string {
  if (!nonEmptyString(username) || !nonEmptyString(password))
    throw new AuthError('bad-request', 'Enter a username and a password.');
}
