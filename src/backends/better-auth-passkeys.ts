import { AuthError } from '../errors.js';
import { isRecord, nonEmptyString } from '../internal/guards.js';
import type { BetterAuthBackend } from './better-auth.js';
import type { PasskeyInfo, PasskeyServer } from './passkey-server.js';

/**
 * Better Auth's passkey plugin (`@better-auth/passkey`) behind `PasskeyServer`. The plugin keeps
 * each challenge in an httpOnly cookie for five minutes and spends it on the first verification,
 * so a replayed assertion finds none. Its list carries credential ids and public keys: only the
 * public fields of `PasskeyInfo` leave this module.
 */
export function betterAuthPasskeys(backend: BetterAuthBackend): PasskeyServer {
  const list = async (signal: AbortSignal): Promise<PasskeyInfo[]> => {
    const reply = await backend.request('GET', '/passkey/list-user-passkeys', signal);
    if (!Array.isArray(reply)) throw new AuthError('server', 'list-user-passkeys answered without a list.');
    return reply
      .filter((record): record is Record<string, unknown> & { id: string } => isRecord(record) && nonEmptyString(record.id))
      .map(toPasskeyInfo)
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  };
  return {
    async registrationOptions(name, { signal }) {
      const query = name ? `?name=${encodeURIComponent(name)}` : '';
      return asOptions(await backend.request('GET', `/passkey/generate-register-options${query}`, signal));
    },
    async register(credential, name, { signal }) {
      const reply = await backend.request('POST', '/passkey/verify-registration', signal, {
        response: credential,
        ...(name ? { name } : {}),
      });
      if (!isRecord(reply) || !nonEmptyString(reply.id))
        throw new AuthError('server', 'verify-registration answered without a passkey.');
      return toPasskeyInfo(reply as Record<string, unknown> & { id: string });
    },
    async authenticationOptions({ signal }) {
      return asOptions(await backend.request('GET', '/passkey/generate-authenticate-options', signal));
    },
    authenticate(credential, { signal }) {
      return backend.signedIn(signal, () =>
        backend.request('POST', '/passkey/verify-authentication', signal, { response: credential }).catch((caught) => {
          // A passkey the server does not know, a failed signature, a challenge spent or expired.
          if (caught instanceof AuthError && caught.code === 'bad-request')
            throw new AuthError('invalid-credentials', `The server did not accept this passkey.${said(caught)}`, {
              status: caught.status,
            });
          throw caught;
        }),
      );
    },
    list: ({ signal }) => list(signal),
    async remove(id, { signal }) {
      // Only an id of the user's own list is sent: another user's passkey is out of reach.
      if (!(await list(signal)).some((passkey) => passkey.id === id)) return;
      await backend.request('POST', '/passkey/delete-passkey', signal, { id });
    },
  };
}

/** What the server said, as `readReply` quoted it. */
function said(error: AuthError): string {
  const quote = /Better Auth says: ".*"$/.exec(error.message);
  return quote ? ` ${quote[0]}` : '';
}

/** WebAuthn options JSON: an object with a challenge. */
function asOptions<T>(reply: unknown): T {
  if (!isRecord(reply) || !nonEmptyString(reply.challenge))
    throw new AuthError('server', 'The passkey options have no challenge.');
  return reply as T;
}

/** The public fields of a passkey record (no credential id, public key, counter or AAGUID). */
function toPasskeyInfo(record: Record<string, unknown> & { id: string }): PasskeyInfo {
  const info: PasskeyInfo = { id: record.id };
  if (nonEmptyString(record.name)) info.name = record.name;
  const created = new Date(record.createdAt as string).getTime();
  if (Number.isFinite(created)) info.createdAt = created;
  if (typeof record.backedUp === 'boolean') info.synced = record.backedUp;
  return Object.freeze(info);
}
