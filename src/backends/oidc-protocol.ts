import {
  AuthorizationResponseError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
  type AuthorizationServer,
} from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { PublicUser } from './backend.js';
import { toPublicUser } from './session-codec.js';

// What OidcBackend keeps and what a provider's answers mean: the stored token set, the sign-in
// under way, the claims that are the user's, and provider failures as AuthErrors.

/** What `StoredSession.token` holds for this backend (as JSON): never shown, never logged. */
export interface TokenSet {
  /** Whose tokens: a set stored by another issuer's or client's session is not read as this one's. */
  issuer: string;
  client: string;
  access: string;
  refresh?: string;
  idToken?: string;
  /** When to renew (ms since the epoch), a little before the access token expires; absent: never. */
  refreshAt?: number;
}

/** A sign-in under way in this tab: what the return needs to prove it is the answer to it. */
export interface PendingLogIn {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  startedAt: number;
}

/** The authorization response's parameters (RFC 6749 §4.1.2, RFC 9207, OIDC session management). */
export const responseParams = ['code', 'state', 'iss', 'session_state', 'error', 'error_description', 'error_uri'];
/** ID token claims about the token itself, not the user: kept out of `user`. */
const protocolClaims = new Set([
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'at_hash',
  'c_hash',
  's_hash',
  'sid',
  'auth_time',
  'azp',
  'acr',
  'amr',
  'jti',
]);
/** A sign-in not finished within this time is void (the user walked away from the provider's page). */
export const pendingLifetimeMs = 30 * 60_000;

/**
 * An oauth4webapi or fetch failure as an `AuthError`. Never with the original as `cause`: its
 * fields can hold the authorization code or the answer's body.
 */
export function toOidcError(error: unknown, issuer: string, during: 'exchange' | 'session' = 'session'): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof ResponseBodyError) {
    const said = `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
    if (error.error === 'invalid_grant' && during === 'exchange') {
      return new AuthError('bad-request', `The provider refused this sign-in answer: ${said}. Sign in again.`, {
        status: error.status,
      });
    }
    if (error.error === 'invalid_grant')
      return new AuthError('invalid-session', `The provider no longer honours this session: ${said}.`, { status: error.status });
    if (['invalid_client', 'unauthorized_client', 'invalid_scope', 'unsupported_grant_type'].includes(error.error)) {
      return new AuthError('misconfigured', `The provider refused this client's settings: ${said}.`, { status: error.status });
    }
    return new AuthError('server', `The provider refused: ${said}.`, { status: error.status });
  }
  if (error instanceof AuthorizationResponseError) {
    const said = `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
    const declined = ['access_denied', 'login_required', 'consent_required', 'interaction_required'].includes(error.error);
    return new AuthError(declined ? 'invalid-credentials' : 'misconfigured', `The provider did not sign you in: ${said}.`);
  }
  if (error instanceof WWWAuthenticateChallengeError) {
    return new AuthError('invalid-session', 'The provider refused the access token.', { status: error.status });
  }
  if (error instanceof TypeError) return new AuthError('network', `Cannot reach the provider at ${safeOrigin(issuer)}.`);
  if (error instanceof DOMException && error.name === 'AbortError') return new AuthError('aborted');
  const status = isRecord(error) && error.cause instanceof Response ? error.cause.status : undefined;
  if (status !== undefined && status >= 500) return new AuthError('server', `The provider failed (HTTP ${status}).`, { status });
  const message = error instanceof Error ? error.message : String(error);
  return new AuthError('server', `The provider's answer failed a check: ${message}.`, status === undefined ? {} : { status });
}

/** The tokens of a set, for scrubbing them out of error messages. */
export function secretsOf(tokens: TokenSet): string[] {
  return [tokens.access, tokens.refresh ?? '', tokens.idToken ?? ''];
}

/** The user from ID-token or userinfo claims: `id` is `sub`, `username` the preferred username. */
export function userFrom(claims: Record<string, unknown>): PublicUser {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) if (!protocolClaims.has(name) && name !== 'sub') fields[name] = value;
  if (nonEmptyString(claims.preferred_username)) fields.username = claims.preferred_username;
  return toPublicUser(fields, String(claims.sub));
}

/** The provider's endpoint `name` with `query` added (empty values left out); none: `misconfigured`. */
export function withQuery(
  server: AuthorizationServer,
  name: 'authorization_endpoint' | 'end_session_endpoint',
  query: Record<string, string | undefined>,
): string {
  // The browser is sent there: only to http(s), never a `javascript:` URL (script in this page) or `data:`.
  const url = urlOf(server[name]);
  if (!url || !/^https?:$/.test(url.protocol)) throw misconfigured(`The provider names no http(s) ${name}.`);
  for (const [key, value] of Object.entries(query)) if (value) url.searchParams.set(key, value);
  return url.href;
}

export function samePage(url: URL, page: string): boolean {
  const expected = urlOf(page);
  return url.origin === expected?.origin && url.pathname === expected.pathname;
}

/** `text` parsed as a URL (against `base`), or `null` when it is none. */
export function urlOf(text: unknown, base?: string): URL | null {
  try {
    return new URL(text as string, base);
  } catch {
    return null;
  }
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function safeOrigin(issuer: string): string {
  return urlOf(issuer)?.origin ?? 'its issuer URL';
}

export function misconfigured(message: string): AuthError {
  return new AuthError('misconfigured', message);
}
