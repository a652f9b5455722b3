import type { LogOutScope } from '../backends/backend.js';
import type { AuthError } from '../errors.js';

/** The goal is met: signed out here (unless `others`) and, unless `local`, revoked or already invalid. */
export interface LogOutSucceeded {
  ok: true;
  scope: LogOutScope;
  /** True when the server confirmed the revocation (or the session already was invalid). */
  revoked: boolean;
  /** True when this call removed the session from this browser. */
  signedOutLocally: boolean;
  revocationPending: false;
  error?: undefined;
}

/** Something failed; `signedOutLocally` and `revocationPending` say how far it got. */
export interface LogOutFailed {
  ok: false;
  scope: LogOutScope;
  revoked: boolean;
  error: AuthError;
  /** True when this call removed the session from this browser (a user is never left signed in by a server fault). */
  signedOutLocally: boolean;
  /** True when the revocation waits in the outbox for the server to be reachable. */
  revocationPending: boolean;
}

/** What `userSession.logOut()` resolves to: the facts the action's events carry. Branch on `ok`. */
export type LogOutResult = LogOutSucceeded | LogOutFailed;
