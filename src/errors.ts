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
  | 'aborted';

export interface AuthErrorOptions {
  status?: number;
  serverCode?: number;
  cause?: unknown;
}

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
 * Turns anything thrown by a backend into an `AuthError` (code `server`, original as `cause`).
 * With `secret` (a session token), the result quotes it nowhere — not raw, URL-encoded or
 * JSON-escaped, not in `message`, `stack` or down the `cause` chain: a cause that quotes it
 * is replaced by a redacted copy.
 */
export function toAuthError(error: unknown, secret?: string): AuthError {
  const authError =
    error instanceof AuthError
      ? (error as AuthError)
      : new AuthError('server', `The backend failed: ${describe(error)}`, { cause: error });
  return secret ? redact(authError, forms(secret)) : authError;
}

/** The ways a secret can be spelled in text. */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])].filter((s) => s.length > 0);
}

function quotes(text: unknown, secrets: string[]): boolean {
  return typeof text === 'string' && secrets.some((s) => text.includes(s));
}

function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((out, s) => out.split(s).join('[redacted]'), text);
}

function redact(error: AuthError, secrets: string[], depth = 0): AuthError {
  const cause = redactCause(error.cause, secrets, depth + 1);
  if (!quotes(error.message, secrets) && !quotes(error.stack, secrets) && cause === error.cause) return error;
  const clean = new AuthError(error.code, scrub(error.message, secrets), {
    status: error.status,
    serverCode: error.serverCode,
    cause,
  });
  if (typeof error.stack === 'string') clean.stack = scrub(error.stack, secrets);
  return clean;
}

/** The cause as it may be kept: itself when it quotes no secret, a redacted copy, or nothing. */
function redactCause(cause: unknown, secrets: string[], depth: number): unknown {
  if (cause === undefined || depth > 8) return undefined;
  if (cause instanceof AuthError) return redact(cause as AuthError, secrets, depth);
  if (cause instanceof Error) {
    const inner = redactCause(cause.cause, secrets, depth + 1);
    if (!quotes(cause.message, secrets) && !quotes(cause.stack, secrets) && inner === cause.cause) return cause;
    const copy = new Error(scrub(cause.message, secrets), inner === undefined ? undefined : { cause: inner });
    copy.name = cause.name;
    copy.stack = scrub(String(cause.stack ?? ''), secrets);
    return copy;
  }
  // Anything else (a string, a reply object): kept only if no spelling of the secret is in it.
  return quotes(safeText(cause), secrets) ? undefined : cause;
}

function safeText(value: unknown): string {
  try {
    return typeof value === 'string' ? value : `${JSON.stringify(value)} ${String(value)}`;
  } catch {
    return '';
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
