// The package entry: the whole public API, every tag defined (skipping tags already defined),
// and `backend="memory"` and `backend="better-auth"` registered. Import the class modules (`user-session-elements/user-session.js`, …)
// to define tags yourself, or `user-session-elements/define/<tag>.js` to define one tag: a page
// that way loads only the Parse backend.
// First: a `<user-session backend="memory">` already in the page is upgraded by the define below.
import './define/parse-backend.js';
import './define/memory-backend.js';
import './define/better-auth-backend.js';
import './define/user-session.js';
import './define/log-out-action.js';
import './define/log-in-action.js';
import './define/sign-up-action.js';
import './define/set-user-properties-action.js';
import './define/request-password-reset-action.js';
import './define/request-verification-email-action.js';
import './define/session-list.js';
// Every feature (SPEC §10): the tags above import theirs; these are the ones no tag needs.
// `redirect-sign-in` (OpenID Connect) loads on first use; the oidc entry imports it.
import './define/features/watch.js';
import './define/features/server-session.js';

export { UserSessionElement } from './elements/user-session.js';
export { LogOutActionElement } from './elements/log-out-action.js';
export { LogInActionElement } from './elements/log-in-action.js';
export { SignUpActionElement } from './elements/sign-up-action.js';
export { SetUserPropertiesActionElement } from './elements/set-user-properties-action.js';
export { SignInActionElement, type Credentials } from './elements/sign-in-action.js';
export { RequestPasswordResetActionElement } from './elements/request-password-reset-action.js';
export { RequestVerificationEmailActionElement } from './elements/request-verification-email-action.js';
export { MailActionElement } from './elements/mail-action.js';
export { SessionListElement } from './elements/session-list.js';
export { ActionElement, type ActionOutcome } from './elements/action-element.js';
export { AuthError, type AuthErrorCode, type AuthErrorOptions } from './errors.js';
export { MemoryBackend, type MemoryBackendOptions, type MemorySessionSeed, type MemoryUserSeed } from './backends/memory.js';
export { ParseBackend, type ParseBackendOptions } from './backends/parse.js';
export { Feature, registerFeature, type FeatureFactory, type SessionCore, type SessionFeature } from './session/feature.js';
export { BetterAuthBackend, type BetterAuthBackendOptions } from './backends/better-auth.js';
export { registerBackend, type BackendFactory, type BackendSettings } from './backends/resolve.js';
export { SessionController, type SessionChange, type SessionSettings } from './session/controller.js';
export {
  Capability,
  LogOutScope,
  hasCapability,
  type AuthBackend,
  type PublicUser,
  type RevokeOptions,
  type RevokeScope,
  type SessionInfo,
  type StoredSession,
} from './backends/backend.js';
export { LoggedInReason, LoggedOutReason } from './session/reasons.js';
export { StorageMode } from './storage/key-store.js';
export type * from './events.js';
export type * from './jsx.js';

// Add-ons (SPEC §10, §11): in the package entry, which imports everything; left out of the
// one-file bundles (rollup.config.mjs), whose pages import `user-session-elements/passkeys.js`
// and `user-session-elements/two-factor.js`.
export * from './passkeys.js';
export * from './two-factor.js';
