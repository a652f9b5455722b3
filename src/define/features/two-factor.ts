// Opting in to the `two-factor` add-on (SPEC §10, §11): importing this module attaches the feature
// to every `<user-session>` of the page (password log-ins then go through it, so an account with
// two-step sign-in is asked for its code) and gives the element its methods
// (`user-session-elements/features/two-factor.js`; the two-step tags import it).
import { AddOnCapability, hasCapability } from '../../backends/backend.js';
import { UserSessionElement } from '../../elements/user-session.js';
import { twoFactor, type TwoFactor, type TwoFactorSecret } from '../../features/two-factor.js';
import { AddOnFeature, registerFeature, type LogInOptions } from '../../session/feature.js';
import { addSessionMethods } from './session-methods.js';

registerFeature(AddOnFeature.twoFactor, twoFactor);

declare module '../../elements/user-session.js' {
  interface UserSessionElement {
    /**
     * Starts turning on two-step sign-in for the signed-in user (add-on `two-factor`): a new
     * secret for an authenticator app, as the `otpauth://` URI a QR code shows and as base32 text
     * for typing in. Not in force until `enableTwoFactor(code)`. Better Auth asks for the
     * `password` (`invalid-credentials` when wrong); Parse does not.
     */
    beginTwoFactor(options?: { password?: string; signal?: AbortSignal }): Promise<TwoFactorSecret>;
    /**
     * Puts the secret of `beginTwoFactor()` in force with a first code from the app: resolves to
     * the recovery codes (shown once: each signs in once in place of a code). `invalid-code` when
     * the code is wrong. The user then has `twoFactorEnabled: true` (`user-change`).
     */
    enableTwoFactor(code: string, options?: { signal?: AbortSignal }): Promise<{ readonly recoveryCodes: readonly string[] }>;
    /** Turns two-step sign-in off (Better Auth asks for the `password`). The user then has `twoFactorEnabled: false`. */
    disableTwoFactor(options?: { password?: string; signal?: AbortSignal }): Promise<void>;
  }
}

/** A log-out (even one that finds nobody signed in) ends a code step: the next log-in starts over. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
const coreLogOut = UserSessionElement.prototype.logOut;
UserSessionElement.prototype.logOut = function (options) {
  this.removeAttribute('second-factor');
  return coreLogOut.call(this, options);
};

const use = <T>(session: UserSessionElement, run: (feature: TwoFactor) => Promise<T>) => session.use(AddOnFeature.twoFactor, run);

/**
 * `<user-session>`'s `logIn`, extended: a password log-in goes through the add-on, so an account
 * with two-step sign-in is asked for its code, and `options.code` completes it. Without
 * credentials (OpenID Connect's redirect), or without a code for a backend without two-step
 * sign-in, it is the core's; a code for such a backend is `misconfigured`, saying why.
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
const coreLogIn = UserSessionElement.prototype.logIn;
UserSessionElement.prototype.logIn = function (username?: string, password?: string, options?: LogInOptions) {
  const twoStep = options?.code || hasCapability(this.backend, AddOnCapability.twoFactor);
  if ((!username && !password) || !twoStep) return coreLogIn.call(this, username, password, options);
  return use(this, (f) => f.logIn(username, password, options?.code));
};
const methods: Pick<UserSessionElement, 'beginTwoFactor' | 'enableTwoFactor' | 'disableTwoFactor'> &
  ThisType<UserSessionElement> = {
  beginTwoFactor(options) {
    return use(this, (f) => f.beginTwoFactor(options?.password, options?.signal));
  },
  enableTwoFactor(code, options) {
    return use(this, (f) => f.enableTwoFactor(code, options?.signal));
  },
  disableTwoFactor(options) {
    return use(this, (f) => f.disableTwoFactor(options?.password, options?.signal));
  },
};
addSessionMethods(methods);
