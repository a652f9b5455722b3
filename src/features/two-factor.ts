import type { ReactiveControllerHost } from '@lit/reactive-element';
import {
  AddOnCapability,
  Capability,
  hasCapability,
  type AuthBackend,
  type PublicUser,
  type StoredSession,
} from '../backends/backend.js';
import type { BetterAuthBackend } from '../backends/better-auth.js';
import { betterAuthTwoFactor } from '../backends/better-auth-two-factor.js';
import type { ParseBackend } from '../backends/parse.js';
import { parseTwoFactor } from '../backends/parse-two-factor.js';
import type { TwoFactorEnabled, TwoFactorServer, TwoFactorSetup } from '../backends/two-factor-server.js';
import { AuthError } from '../errors.js';
import { nonEmptyString } from '../internal/guards.js';
import type { SecondFactor, SessionCore, SessionFeature } from '../session/feature.js';
import type { SharedSession } from '../session/shared-session.js';
import { onSession, signedIn } from './on-session.js';
import { requireCredentials } from './sign-in.js';
import { signInWith } from './sign-in-flow.js';

/** What the second step accepts: both backends take either kind in the one `code` field. */
const secondFactors: readonly SecondFactor[] = Object.freeze(['totp', 'recovery-code']);

/** Password log-in with its second step: what the `sign-in` feature hands `logIn()` to once the add-on is loaded. */
export interface TwoStepLogIn extends SessionFeature {
  logIn(username?: string, password?: string, code?: unknown): Promise<PublicUser>;
}

/** The authenticator app's view of a new secret: what `beginTwoFactor()` gives. */
export type TwoFactorSecret = Readonly<Pick<TwoFactorSetup, 'uri' | 'secret'>>;

/** Two-step sign-in (capability `two-factor`): `logIn` with a code, turning it on and off. */
export interface TwoFactor extends TwoStepLogIn {
  beginTwoFactor(password?: unknown, cancel?: AbortSignal): Promise<TwoFactorSecret>;
  enableTwoFactor(code: unknown, cancel?: AbortSignal): Promise<{ readonly recoveryCodes: readonly string[] }>;
  disableTwoFactor(password?: unknown, cancel?: AbortSignal): Promise<void>;
}

/**
 * The `two-factor` feature, an add-on: `user-session-elements/two-factor.js` (its tags import it).
 * Log-in keeps no state between the steps: the log-in with the code sends the password again, so
 * a code step left unused holds nothing here, and a new log-in starts over. A secret being set up
 * is held in memory for the session it began on, and dropped when that session goes.
 */
export function twoFactor(core: SessionCore): TwoFactor {
  /** The secret being set up, for the session it began on; `confirming`: its confirmation under way (a double submit joins it). */
  let pending: { token: string; setup: TwoFactorSetup; confirming?: Promise<TwoFactorEnabled> } | null = null;
  const storedToken = () => core.decode(core.shared?.read() ?? null)?.token;
  /** `work`'s answer, if the stored session is still the one it was asked on; else `aborted` (another user must not see it). */
  const onTheSameSession = async <T>(token: string, work: Promise<T>, gone: string): Promise<T> => {
    const answer = await work;
    if (storedToken() !== token) throw new AuthError('aborted', gone);
    return answer;
  };
  // The add-on reflects its state on `<user-session>` as the core reflects `authenticated`: the
  // page's CSS shows the code field while `second-factor` is there, for the server it was asked by.
  const host = core.host as unknown as Element & ReactiveControllerHost;
  let codeStepAt: AuthBackend | null = null;
  const codeStep = (on: boolean) => {
    codeStepAt = on ? core.settings.backend : null;
    host.toggleAttribute('second-factor', on);
  };
  // Pointed at another server (`server-url`, `backend`…): its log-in starts over.
  host.addController({
    hostUpdated: () => {
      if (codeStepAt && codeStepAt !== core.settings.backend) codeStep(false);
    },
  });
  return {
    changed() {
      const token = storedToken();
      if (pending && pending.token !== token) pending = null;
      if (token) codeStep(false);
    },
    async logIn(username, password, code) {
      const server = serverOf(core.settings.backend);
      requireCredentials(username, password);
      const second = nonEmptyString(code) ? withoutSpaces(code) : undefined;
      return signInWith(core, 'log-in', (signal) => server.logIn(username, password!, second, { signal })).catch(
        (error: AuthError) => {
          // The password was right: the page asks for the code (a field its CSS shows, or its own UI).
          if (error.code === 'second-factor-required') {
            codeStep(true);
            core.report({ type: error.code, methods: secondFactors });
          }
          // Wrong credentials start over; a wrong code (or the network) keeps the code step.
          if (error.code === 'invalid-credentials') codeStep(false);
          throw error;
        },
      );
    },
    beginTwoFactor: (password, cancel) =>
      core.withShared(async (shared) => {
        const server = serverOf(core.settings.backend);
        const session = await signedIn(core, shared, cancel, 'Sign in to turn on two-step sign-in.');
        const given = nonEmptyString(password) ? password : undefined;
        const setup = await onTheSameSession(
          session.token,
          onSession(core, shared, session, (signal) => server.begin(session, given, { signal }), cancel),
          'Signed out (or in as someone else) meanwhile: the new secret is not shown.',
        );
        pending = { token: session.token, setup };
        return Object.freeze({ uri: setup.uri, secret: setup.secret });
      }),
    enableTwoFactor: (code, cancel) =>
      core.withShared(async (shared) => {
        const server = serverOf(core.settings.backend);
        if (!nonEmptyString(code) || !code.trim())
          throw new AuthError('bad-request', 'Enter the code from your authenticator app.');
        const session = await signedIn(core, shared, cancel);
        const started = pending?.token === session.token ? pending : null;
        if (!started)
          throw new AuthError('bad-request', 'Start over: beginTwoFactor() first, then the code the app shows for it.');
        // One confirmation per secret: a second call while it runs (a double submit) gets its answer.
        const confirming = (started.confirming ??= onSession(
          core,
          shared,
          session,
          (signal) => server.confirm(session, started.setup, withoutSpaces(code), { signal }),
          cancel,
        ).finally(() => {
          started.confirming = undefined;
        }));
        const done = await onTheSameSession(
          session.token,
          confirming,
          'Signed out (or in as someone else) meanwhile: two-step sign-in is on for the account that started it, and its recovery codes are not shown here.',
        );
        if (pending === started) pending = null;
        storeOver(core, shared, session, done.session ?? session, true);
        return Object.freeze({ recoveryCodes: Object.freeze([...done.recoveryCodes]) });
      }),
    disableTwoFactor: (password, cancel) =>
      core.withShared(async (shared) => {
        const server = serverOf(core.settings.backend);
        const session = await signedIn(core, shared, cancel, 'Sign in to turn off two-step sign-in.');
        const given = nonEmptyString(password) ? password : undefined;
        const next = await onSession(core, shared, session, (signal) => server.disable(session, given, { signal }), cancel);
        pending = null;
        storeOver(core, shared, session, next ?? session, false);
      }),
  };
}

/** "123 456" as the app groups it is the code 123456. */
const withoutSpaces = (code: string) => code.replace(/\s+/g, '');

/**
 * The session after a change (the server may have replaced it: Better Auth), stored over the one
 * it was made on if that is still the stored one: every tab gets `user-change`.
 */
function storeOver(
  core: SessionCore,
  shared: SharedSession,
  old: StoredSession,
  next: StoredSession,
  twoFactorEnabled: boolean,
): void {
  const now = shared.read();
  if (core.decode(now)?.token !== old.token) return;
  const fresh = core.encode(core.settings.backend, { token: next.token, user: { ...next.user, twoFactorEnabled } });
  shared.replace(now, fresh, 'restored');
}

/** The backend's two-step endpoints; without them `misconfigured` saying why. */
function serverOf(backend: AuthBackend): TwoFactorServer {
  // The kit's two backends with the capability, told apart without importing either class.
  if (hasCapability(backend, AddOnCapability.twoFactor))
    return 'signedIn' in backend ? betterAuthTwoFactor(backend as BetterAuthBackend) : parseTwoFactor(backend as ParseBackend);
  throw new AuthError(
    'misconfigured',
    hasCapability(backend, Capability.redirectLogIn)
      ? "With OpenID Connect, the provider's own sign-in page asks for the second step: sign in there (logIn() without arguments)."
      : 'This backend has no two-step sign-in: use backend="parse" (its mfa adapter) or backend="better-auth" (its twoFactor plugin).',
  );
}
