import type { AuthError } from '../errors.js';
import type { PublicUser, StoredSession } from './backend.js';
import type { ParseBackend } from './parse.js';
import { parseBookkeeping } from './parse-fields.js';
import { toPublicUser } from './session-codec.js';

/**
 * What `ParseBackend` reads on first use: changing the user's fields and the mail requests. A
 * page that only signs in and out never downloads it.
 */

/**
 * `PUT /users/<id>` with the session token. Parse answers only `updatedAt` (and fields a trigger
 * changed): the user is the sent fields over the stored ones, with that answer. A changed email
 * is unverified until the user confirms it (`emailVerified: false`, as Parse stores it when it
 * verifies emails); the next `refresh()` reads the server's word.
 */
export async function updateUser(
  backend: ParseBackend,
  session: StoredSession,
  fields: Record<string, unknown>,
  signal: AbortSignal,
): Promise<PublicUser> {
  const { id, email } = session.user;
  const token = session.token;
  const reply = await backend.request('PUT', `/users/${encodeURIComponent(id)}`, { signal, token, body: fields });
  const merged = { ...session.user, ...fields, ...reply };
  if ('email' in fields && fields.email !== email) merged.emailVerified = false;
  for (const name of parseBookkeeping) delete merged[name];
  return toPublicUser(merged, id);
}

/**
 * `POST /requestPasswordReset` or `/verificationEmailRequest`: Parse answers `{}` for a known and
 * an unknown (or already verified) address alike. A server set to say "no user with that email"
 * (`resetPasswordSuccessOnInvalidEmail: false`: code 205, or 101) gets the answer any other
 * address gets: the kit never tells whether an account exists.
 */
export async function mail(backend: ParseBackend, path: string, email: string, signal: AbortSignal): Promise<void> {
  await backend.request('POST', path, { signal, body: { email } }).catch((error: AuthError) => {
    if (![101, 205].includes(error.serverCode!)) throw error;
  });
}
