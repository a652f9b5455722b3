/** Why a user is now signed in: a call on this page, read from storage on connect, or another tab. */
export const LoggedInReason = {
  logIn: 'log-in',
  signUp: 'sign-up',
  /** Signed in with a passkey on this page. */
  passkey: 'passkey',
  restored: 'restored',
  otherTab: 'other-tab',
} as const;
export type LoggedInReason = (typeof LoggedInReason)[keyof typeof LoggedInReason];

/** Why a user is now signed out: a log-out on this page, another tab, the server refusing the session (or the page pointing at another server), or no activity for `idle-timeout`. */
export const LoggedOutReason = { logOut: 'log-out', otherTab: 'other-tab', sessionLost: 'session-lost', idle: 'idle' } as const;
export type LoggedOutReason = (typeof LoggedOutReason)[keyof typeof LoggedOutReason];

/** Why the stored session changed; each controller maps it onto its event's `reason`. */
export type ChangeReason = LoggedInReason | LoggedOutReason;

/**
 * The `logged-out` reason for a change. Only the server's word is `session-lost`; a change
 * whose cause this page did not see (storage changed while every element was away) counts as
 * made elsewhere: `other-tab`.
 */
export function asLoggedOutReason(reason: ChangeReason): LoggedOutReason {
  return reason === 'log-out' || reason === 'session-lost' || reason === 'idle' ? reason : 'other-tab';
}

/** The `logged-in` reason for a change (a session appears only by log-in, sign-up, restore or another tab). */
export function asLoggedInReason(reason: ChangeReason): LoggedInReason {
  return reason === 'log-out' || reason === 'session-lost' || reason === 'idle' ? 'restored' : reason;
}
