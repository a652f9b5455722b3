import { isRecord } from './internal/guards.js';

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
  /** Wrong username or password (Parse code 101 on log-in). */
  | 'invalid-credentials'
  /** Sign-up with a username that is already taken (Parse code 202). */
  | 'username-taken'
  /** The server could not be reached. */
  | 'network'
  /** The server did not answer within the session's `timeout`. */
  | 'timeout'
  /** The server failed (5xx), answered something that is not the expected JSON, or the backend threw. */
  | 'server'
  /** The settings cannot work (unknown backend, bad `server-url`, a redirect, keys refused, a capability the backend lacks…). */
  | 'misconfigured'
  /** The request itself is wrong (empty username, unknown `scope`…). */
  | 'bad-request'
  /** The call was cancelled: a newer sign-in or sign-out made it moot. */
  | 'aborted'
  /** The person cancelled a browser dialog (a passkey prompt), or had no passkey for this site. */
  | 'cancelled'
  /** This browser (or page: not a secure context) cannot do what was asked, such as passkeys. */
  | 'unsupported'
  /** The password was right, and the account has two-step sign-in: log in again with a `code` (from the authenticator app, or a recovery code). */
  | 'second-factor-required'
  /** The one-time code (or recovery code) was wrong, expired or already used. */
  | 'invalid-code';

export interface AuthErrorOptions {
  status?: number;
  serverCode?: number;
  cause?: unknown;
}

/** What a page without the two-step add-on is told by an account (or a `code`) that needs it. */
export const twoFactorNotLoaded = "Two-step sign-in: import 'user-session-elements/two-factor.js'.";

/** A sign-in or sign-out overtaken by a newer one. */
export const superseded = (): AuthError => new AuthError('aborted', 'Replaced by a newer sign-in or sign-out.');

/** A sign-in asked of a `<user-session>` that has left the page. */
export const notInDocument = (): AuthError => new AuthError('misconfigured', 'The <user-session> is not in the document.');

/** Shared by every copy of the kit on a page, so `instanceof AuthError` holds across copies. */
const brand = Symbol.for('user-session-elements.AuthError');

export class AuthError extends Error {
  /** True for an `AuthError` of any copy of the kit (two bundles on one page, say). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isRecord(value) && (value as { [brand]?: unknown })[brand] === true;
  }

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
Object.defineProperty(AuthError.prototype, brand, { value: true });

// The codes of add-on features always come with their own message.
const defaultMessages: Partial<Record<AuthErrorCode, string>> = {
  'no-session': 'No <user-session> for this action.',
  'invalid-session': 'The session is no longer valid.',
  'invalid-credentials': 'Wrong username or password.',
  'username-taken': 'This username is taken.',
  network: 'The server is unreachable.',
  timeout: 'The server did not answer in time.',
  server: 'The server failed.',
  misconfigured: 'Misconfigured.',
  'bad-request': 'Invalid request.',
  aborted: 'Cancelled.',
};

/**
 * Turns anything thrown by a backend into an `AuthError` (code `server`, original as `cause`).
 * With `secret` (a session token, or several: an OAuth token set), the result quotes none of
 * them anywhere (SPEC §7.9): not raw, URL-encoded or JSON-escaped, not in `message` or `stack`;
 * a `cause` chain that quotes one anywhere is dropped.
 */
export function toAuthError(error: unknown, secret?: string | readonly (string | undefined)[]): AuthError {
  const authError =
    error instanceof AuthError ? error : new AuthError('server', `The backend failed: ${describe(error)}`, { cause: error });
  const secrets = [secret].flat().filter((s): s is string => !!s);
  if (secrets.length === 0) return authError;
  const forms = secrets.flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);
  // What cannot be read as text cannot be shown to be clean: it counts as quoting.
  const quotes = (value: unknown) => {
    const text = textOf(value);
    return text === null || forms.some((form) => text.includes(form));
  };
  let causeQuotes = false;
  for (let cause = authError.cause, depth = 0; cause !== undefined && depth < 9 && !causeQuotes; depth++) {
    causeQuotes = quotes(cause);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (!causeQuotes && !quotes(authError)) return authError;
  const scrub = (text: string) => forms.reduce((out, form) => out.split(form).join('[redacted]'), text);
  const clean = new AuthError(authError.code, scrub(authError.message), {
    status: authError.status,
    serverCode: authError.serverCode,
    cause: causeQuotes ? undefined : authError.cause,
  });
  clean.stack = scrub(String(authError.stack));
  return clean;
}

/**
 * What an error or value holds, as text: message, stack and its own fields (an HTTP client's
 * error may carry the request headers), or `null` when it cannot be read (circular…).
 */
function textOf(value: unknown): string | null {
  try {
    return `${value instanceof Error ? `${value.message} ${value.stack}` : String(value)} ${JSON.stringify(value)}`;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}
