import { AuthError } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import type { StoredSession } from './backend.js';
import type { ParseBackend } from './parse.js';
import type { TwoFactorServer } from './two-factor-server.js';

/**
 * Parse Server's `mfa` auth adapter (TOTP) behind `TwoFactorServer`. Parse makes no secret: the
 * client does (with `otpauth`'s slim build, loaded only when someone turns it on) and saves it with a first
 * code as `authData.mfa` on the user; the answer carries the recovery codes. A log-in then sends
 * the code as `authData.mfa.token` beside the password. Parse turns it off for any request with
 * the user's session (`authData.mfa: null`): it asks for no code or password.
 */
export function parseTwoFactor(backend: ParseBackend): TwoFactorServer {
  const saveMfa = (session: StoredSession, mfa: unknown, signal: AbortSignal) =>
    backend.request('PUT', `/users/${encodeURIComponent(session.user.id)}`, {
      signal,
      token: session.token,
      body: { authData: { mfa } },
    });
  return {
    async logIn(username, password, code, { signal }) {
      const body = { username, password, ...(code && { authData: { mfa: { token: code } } }) };
      const reply = await backend.request('POST', '/login', { signal, body }).catch(codeErrors);
      const session = backend.deserialize(JSON.stringify(reply));
      if (!session) throw new AuthError('server', 'No user id and session token in the answer.');
      return session;
    },
    async begin(session) {
      // otpauth's secret alone (its slim build: no hash code, which only the server needs).
      const { Secret } = await import('otpauth/slim');
      const secret = new Secret({ size: 20 }).base32;
      const label = String(session.user.username ?? session.user.email ?? session.user.id);
      return { uri: keyUri(label, secret), secret };
    },
    async confirm(session, { secret }, code, { signal }) {
      const reply = await saveMfa(session, { secret, token: code }, signal).catch(codeErrors);
      const { authDataResponse } = reply;
      const recovery = isRecord(authDataResponse) && isRecord(authDataResponse.mfa) ? authDataResponse.mfa.recovery : undefined;
      return { recoveryCodes: typeof recovery === 'string' ? recovery.split(/,\s*/).filter(Boolean) : [] };
    },
    async disable(session, _password, { signal }) {
      await saveMfa(session, null, signal);
      return undefined;
    },
  };
}

/**
 * The Key URI an authenticator app scans (`otpauth://totp/<issuer>:<label>?secret=…`), with the
 * `mfa` adapter's defaults (SHA1, six digits, 30 s). The issuer is this site's host name.
 */
function keyUri(label: string, secret: string): string {
  const issuer = globalThis.location?.hostname || 'user-session-elements';
  const query = new URLSearchParams({ issuer, secret, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(label)}?${query}`;
}

/**
 * The `mfa` adapter's refusals: code -1 "Missing additional authData mfa" (the password was right,
 * a code is needed), 141 "Invalid MFA token" (wrong, expired or spent), "Invalid MFA data".
 */
function codeErrors(error: AuthError): never {
  const { message, status, serverCode } = error;
  if (/authData mfa/.test(message))
    throw new AuthError('second-factor-required', 'Enter the code from your authenticator app, or a recovery code.', {
      status,
      serverCode,
    });
  if (/MFA (token|data)/.test(message)) throw new AuthError('invalid-code', 'Wrong or expired code.', { status, serverCode });
  throw error;
}
