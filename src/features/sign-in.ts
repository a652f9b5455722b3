import { Capability, hasCapability, missingCapability, type PublicUser } from '../backends/backend.js';
import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import { AddOnFeature, registeredFeatures, type SessionCore, type SessionFeature } from '../session/feature.js';
import { signInWith } from './sign-in-flow.js';
import type { TwoStepLogIn } from './two-factor.js';

/** Password sign-in and sign-up (capabilities `password-log-in`, `sign-up`). */
export interface PasswordSignIn extends SessionFeature {
  /**
   * Signs in; over an active session, that one is signed out first (SPEC §7.12). With the
   * two-step add-on loaded, through it (any account may ask for a `code`); a `code` without it
   * is `misconfigured`, never ignored.
   */
  logIn(username?: string, password?: string, code?: unknown): Promise<PublicUser>;
  /** Creates an account and signs in; `extra` fields go to the new user. */
  signUp(username: string, password: string, extra?: Record<string, unknown>): Promise<PublicUser>;
}

/** The `sign-in` feature: what `<log-in-action>` and `<sign-up-action>` need. */
export function passwordSignIn(core: SessionCore): PasswordSignIn {
  return {
    async logIn(username, password, code) {
      // The add-on's log-in is stateless: made for this call, on this core.
      const twoStep = registeredFeatures().get(AddOnFeature.twoFactor) as ((core: SessionCore) => TwoStepLogIn) | undefined;
      if (twoStep) return twoStep(core).logIn(username, password, code);
      if (code) throw new AuthError('misconfigured', "A code for two-step sign-in: import 'user-session-elements/two-factor.js'.");
      return logInWithPassword(core, username, password);
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

/** Password log-in without a second step (the `sign-in` feature's, and the two-step add-on's for backends without one). */
export function logInWithPassword(core: SessionCore, username: unknown, password: unknown): Promise<PublicUser> {
  const { backend } = core.settings;
  if (hasCapability(backend, Capability.redirectLogIn) && !hasCapability(backend, Capability.passwordLogIn))
    throw new AuthError('misconfigured', 'This backend signs in at the provider: leave out the username and password (no form fields).');
  requireCredentials(username, password);
  if (!hasCapability(backend, Capability.passwordLogIn)) throw missingCapability(Capability.passwordLogIn);
  return signInWith(core, 'log-in', (signal) => backend.logIn!(username, password as string, { signal }));
}

/** `bad-request` unless both are non-empty strings. */
export function requireCredentials(username: unknown, password: unknown): asserts username is string {
  if (!nonEmptyString(username) || !nonEmptyString(password))
    throw new AuthError('bad-request', 'Enter a username and a password.');
}
