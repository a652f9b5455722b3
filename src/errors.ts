/**
 * Every failure the kit reports is an `AuthError`: a `code` to branch on, a message a person
 * can read, and the HTTP `status` / Parse `serverCode` when a server answered.
 * Messages never contain a session token.
 */
export type AuthErrorCode =
  /** No `<user-session>` could be found for an action. */
  | 'no-session'
  /** The server says the session token is not (or no longer) valid (Parse code 209). */
  | 'invalid-session'
  /** Wrong username or password (Parse code 101). */
  | 'invalid-credentials'
  /** Sign-up with a username that is already taken (Parse code 202). */
  | 'username-taken'
  /** The server could not be reached. */
  | 'network'
  /** The server did not answer within the session's `timeout`. */
  | 'timeout'
  /** The server failed (5xx), answered something that is not the expected JSON, or the backend threw. */
  | 'server'
  /** The element's settings cannot work (unknown backend, bad `server-url`, missing `app-id`, keys Parse refuses…). */
  | 'misconfigured'
  /** The request itself is wrong (empty username, unknown `scope`…). */
  | 'bad-request'
  /** The call was cancelled: a newer sign-in or sign-out made it moot. */
  | 'aborted';

export interface AuthErrorOptions {
  status?: number;
  serverCode?: number;
  cause?: unknown;
}

export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  /** HTTP status of the reply, when there was one. */
  readonly status?: number;
  /** The server's own error code (Parse's numeric `code`), when there was one. */
  readonly serverCode?: number;

  constructor(code: AuthErrorCode, message?: string, options: AuthErrorOptions = {}) {
    super(message || defaultMessages[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.serverCode !== undefined) this.serverCode = options.serverCode;
  }
}

const defaultMessages: Record<AuthErrorCode, string> = {
  'no-session': 'No <user-session> element found for this action.',
  'invalid-session': 'The session is no longer valid.',
  'invalid-credentials': 'Wrong username or password.',
  'username-taken': 'This username is already taken.',
  network: 'The server could not be reached.',
  timeout: 'The server did not answer in time.',
  server: 'The server failed to handle the request.',
  misconfigured: 'The session element is misconfigured.',
  'bad-request': 'The request is not valid.',
  aborted: 'The request was cancelled.',
};

/**
 * Turns anything thrown by a backend into an `AuthError` (code `server`, original as `cause`),
 * and removes `secret` (a session token) from the message if it slipped in.
 */
export function toAuthError(error: unknown, secret?: string): AuthError {
  const authError =
    error instanceof AuthError
      ? error
      : new AuthError('server', `The backend failed: ${describe(error)}`, { cause: error });
  if (secret && authError.message.includes(secret)) {
    return new AuthError(authError.code, authError.message.split(secret).join('[redacted]'), {
      status: authError.status,
      serverCode: authError.serverCode,
      cause: authError.cause,
    });
  }
  return authError;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}
