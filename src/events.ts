import type { PublicUser } from './backends/backend.js';
import type { AuthError } from './errors.js';

export type LoggedInReason = 'log-in' | 'sign-up' | 'restored' | 'other-tab';
export type LoggedOutReason = 'log-out' | 'other-tab' | 'session-lost';

export interface LoggedInDetail {
  /** Frozen public fields of the user (never the session token). */
  user: PublicUser;
  reason: LoggedInReason;
}
export interface LoggedOutDetail {
  reason: LoggedOutReason;
}
export interface UserChangeDetail {
  user: PublicUser;
}

/** `current`: this browser's session. `local`: forget it here only. `all`: every session of the user. */
export type LogOutScope = 'current' | 'local' | 'all';

/** What `userSession.logOut()` resolves to: the facts the action's events carry. */
export interface LogOutResult {
  /** True when the goal is met: signed out here and, unless `scope` is `local`, revoked or already invalid. */
  ok: boolean;
  scope: LogOutScope;
  /** True when the server confirmed the session is revoked (or already was invalid). */
  revoked: boolean;
  error?: AuthError;
  /** True when this call removed the session from this browser. */
  signedOutLocally: boolean;
  /** True when the token still waits to be revoked on the server. */
  revocationPending: boolean;
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

export interface UserSessionEventMap extends HTMLElementEventMap {
  'logged-in': CustomEvent<LoggedInDetail>;
  'logged-out': CustomEvent<LoggedOutDetail>;
  'user-change': CustomEvent<UserChangeDetail>;
}
export interface LogOutActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<LogOutSuccessDetail>;
  failure: CustomEvent<LogOutFailureDetail>;
}
export interface SignInActionEventMap extends HTMLElementEventMap {
  success: CustomEvent<SignInSuccessDetail>;
  failure: CustomEvent<SignInFailureDetail>;
}
