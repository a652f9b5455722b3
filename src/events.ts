import type { LogOutScope, PublicUser, SessionInfo } from './backends/backend.js';
import type { AuthError } from './errors.js';
import type { LoggedInReason, LoggedOutReason } from './session/reasons.js';
import type { SecondFactor } from './session/feature.js';

export type { LogOutScope } from './backends/backend.js';
export type { LogOutResult, LogOutSucceeded, LogOutFailed } from './session/log-out-result.js';
export type { LoggedInReason, LoggedOutReason } from './session/reasons.js';
export type { LogInOptions, SecondFactor } from './session/feature.js';

export interface LoggedInDetail {
  /** Frozen public fields of the user (never a secret). */
  user: PublicUser;
  reason: LoggedInReason;
}
export interface LoggedOutDetail {
  reason: LoggedOutReason;
}
export interface UserChangeDetail {
  user: PublicUser;
}

export interface IdleWarningDetail {
  /** When the idle sign-out happens unless there is activity, in ms since the epoch. */
  logsOutAt: number;
}

/** `sessions-change` of `<user-session>`: no data (list the sessions again). */
export type SessionsChangeDetail = Record<string, never>;
/** `second-factor-required` of `<user-session>`: what the code step of a two-step sign-in accepts (both in the one `code` field). */
export interface SecondFactorRequiredDetail {
  methods: readonly SecondFactor[];
}
/** `setup` of `<enable-two-factor-action>`: the new secret, as the QR code shows it and as text. The only event that carries it. */
export interface TwoFactorSetupDetail {
  uri: string;
  secret: string;
}
/** `success` of `<enable-two-factor-action>`: the recovery codes, shown once. The only event that carries them. */
export interface EnableTwoFactorSuccessDetail {
  recoveryCodes: readonly string[];
}
/** `success` of `<disable-two-factor-action>`: no detail. */
export type DisableTwoFactorSuccessDetail = Record<string, never>;
/** `passkeys-change` (passkeys add-on): no detail; list the passkeys again. */
export type PasskeysChangeDetail = Record<string, never>;

export interface SessionFailureDetail {
  error: AuthError;
}

export interface LogOutSuccessDetail {
  scope: LogOutScope;
  revoked: boolean;
}
export interface LogOutFailureDetail {
  error: AuthError;
  signedOutLocally: boolean;
  revocationPending: boolean;
}
export interface SignInSuccessDetail {
  user: PublicUser;
}
export interface SignInFailureDetail {
  error: AuthError;
}

export interface SetUserPropertiesSuccessDetail {
  /** The user as `<user-session>` now shows it (frozen, never a secret). */
  user: PublicUser;
}
export interface SetUserPropertiesFailureDetail {
  error: AuthError;
}
/** `success` of `<request-password-reset-action>` and `<request-verification-email-action>`: never a token. */
export interface MailRequestSuccessDetail {
  /** The address asked for, trimmed. */
  email: string;
}
export interface MailRequestFailureDetail {
  error: AuthError;
}

/**
 * `revoked` of `<session-list>`: one session signed out (`scope: 'session'`, with its
 * `SessionInfo`), or every other session of the user (`scope: 'others'`). Never a token.
 */
export type SessionRevokedDetail = { scope: 'session'; session: SessionInfo } | { scope: 'others' };
export interface SessionListFailureDetail {
  error: AuthError;
}

export interface UserSessionEventMap extends HTMLElementEventMap {
  'logged-in': CustomEvent<LoggedInDetail>;
  'logged-out': CustomEvent<LoggedOutDetail>;
  'user-change': CustomEvent<UserChangeDetail>;
  /** Cancelable: `preventDefault()` keeps the user signed in. */
  'idle-warning': CustomEvent<IdleWarningDetail>;
  'sessions-change': CustomEvent<SessionsChangeDetail>;
  'second-factor-required': CustomEvent<SecondFactorRequiredDetail>;
  /** With the passkeys add-on: a passkey was added or removed through this session. */
  'passkeys-change': CustomEvent<PasskeysChangeDetail>;
  failure: CustomEvent<SessionFailureDetail>;
}
export interface LogOutActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<LogOutSuccessDetail>;
  failure: CustomEvent<LogOutFailureDetail>;
}
export interface SignInActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<SignInSuccessDetail>;
  failure: CustomEvent<SignInFailureDetail>;
}
export interface SetUserPropertiesActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<SetUserPropertiesSuccessDetail>;
  failure: CustomEvent<SetUserPropertiesFailureDetail>;
}
export interface SessionListEventMap extends HTMLElementEventMap {
  revoked: CustomEvent<SessionRevokedDetail>;
  failure: CustomEvent<SessionListFailureDetail>;
}
export interface MailActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<MailRequestSuccessDetail>;
  failure: CustomEvent<MailRequestFailureDetail>;
}

/** `<add-passkey-action>` `success`: the new passkey's public fields. */
export interface AddPasskeySuccessDetail {
  passkey: import('./backends/passkey-server.js').PasskeyInfo;
}
export interface AddPasskeyActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<AddPasskeySuccessDetail>;
  failure: CustomEvent<SignInFailureDetail>;
}
/** `<passkey-list>` `removed`: the passkey removed. */
export interface PasskeyRemovedDetail {
  passkey: import('./backends/passkey-server.js').PasskeyInfo;
}
export interface PasskeyListEventMap extends HTMLElementEventMap {
  removed: CustomEvent<PasskeyRemovedDetail>;
  failure: CustomEvent<SessionListFailureDetail>;
}
export interface EnableTwoFactorActionEventMap extends HTMLElementEventMap {
  setup: CustomEvent<TwoFactorSetupDetail>;
  success: CustomEvent<EnableTwoFactorSuccessDetail>;
  failure: CustomEvent<SignInFailureDetail>;
}
export interface DisableTwoFactorActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<DisableTwoFactorSuccessDetail>;
  failure: CustomEvent<SignInFailureDetail>;
}
