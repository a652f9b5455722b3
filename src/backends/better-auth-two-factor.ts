import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { BetterAuthBackend } from './better-auth.js';
import { signInRequest } from './better-auth-sign-in.js';
import type { TwoFactorServer } from './two-factor-server.js';

/**
 * Better Auth's `twoFactor` plugin behind `TwoFactorServer`. A log-in of an enrolled account
 * answers `twoFactorRedirect` with a short-lived cookie for the code step (ten minutes, five
 * tries; ten wrong codes in a row lock the account for fifteen): the code goes on to
 * `/two-factor/verify-totp`, or `/two-factor/verify-backup-code` for a recovery code. Each
 * log-in opens a code step of its own, so an unused one just expires. Turning it on or off
 * needs the password, and the server then replaces the session (a new cookie): the feature
 * stores the new one.
 */
export function betterAuthTwoFactor(backend: BetterAuthBackend): TwoFactorServer {
  return {
    logIn(username, password, code, { signal }) {
      const [path, body] = signInRequest(username, password);
      return backend.signedIn(signal, async () => {
        const reply = await backend.request('POST', path, signal, body);
        if (isRecord(reply) && reply.twoFactorRedirect) {
          if (!code)
            throw new AuthError('second-factor-required', 'Enter the code from your authenticator app, or a recovery code.');
          const kind = /^\d{6}$/.test(code) ? 'totp' : 'backup-code';
          await backend.request('POST', `/two-factor/verify-${kind}`, signal, { code }).catch(refusals);
        }
      });
    },
    async begin(_session, password, { signal }) {
      if (!password) throw new AuthError('bad-request', 'Enter your password to turn on two-step sign-in.');
      const reply = await backend.request('POST', '/two-factor/enable', signal, { password }).catch(refusals);
      const uri = isRecord(reply) && nonEmptyString(reply.totpURI) ? reply.totpURI : '';
      const secret = secretOf(uri);
      const codes = isRecord(reply) && Array.isArray(reply.backupCodes) ? reply.backupCodes : [];
      if (!secret) throw new AuthError('server', 'two-factor/enable answered without a TOTP URI.');
      return { uri, secret, recoveryCodes: codes.filter(nonEmptyString) };
    },
    async confirm(_session, setup, code, { signal }) {
      const session = await backend.signedIn(signal, () =>
        backend.request('POST', '/two-factor/verify-totp', signal, { code }).catch(refusals),
      );
      return { recoveryCodes: setup.recoveryCodes ?? [], session };
    },
    async disable(_session, password, { signal }) {
      if (!password) throw new AuthError('bad-request', 'Enter your password to turn off two-step sign-in.');
      return backend.signedIn(signal, () => backend.request('POST', '/two-factor/disable', signal, { password }).catch(refusals));
    },
  };
}

/** The base32 secret of an `otpauth://` URI, or `null`. */
function secretOf(uri: string): string | null {
  try {
    return new URL(uri).searchParams.get('secret');
  } catch {
    return null;
  }
}

/** The plugin's refusals, by the message `readReply` quotes: a wrong code, a wrong password. */
function refusals(error: AuthError): never {
  const { message, status } = error;
  if (/"Invalid (backup )?code"/.test(message)) throw new AuthError('invalid-code', 'Wrong or expired code.', { status });
  if (/"Invalid password"/.test(message)) throw new AuthError('invalid-credentials', 'Wrong password.', { status });
  throw error;
}
