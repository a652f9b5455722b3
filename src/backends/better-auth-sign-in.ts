import { AuthError } from '../errors.js';
import { nonEmptyString } from '../internal/guards.js';
import type { StoredSession } from './backend.js';
import type { BetterAuthBackend } from './better-auth.js';
import { refuseCodeStep } from './two-step-status.js';

// Better Auth's password sign-in and sign-up, read on first use (`BetterAuthBackend.logIn`,
// `signUp`): a page that only shows the session and signs out never downloads them.

/**
 * Where a Better Auth password sign-in goes, and its body: by email for a name with `@`, else by
 * username (the username plugin). Shared with the two-step add-on.
 */
export function signInRequest(username: string, password: string): [path: string, body: Record<string, unknown>] {
  const byEmail = username.includes('@');
  return [byEmail ? '/sign-in/email' : '/sign-in/username', { ...(byEmail ? { email: username } : { username }), password }];
}

/** An account with two-step sign-in (the `twoFactor` plugin) needs the add-on that asks for its code. */
export function logIn(
  backend: BetterAuthBackend,
  username: string,
  password: string,
  signal: AbortSignal,
): Promise<StoredSession> {
  const [path, body] = signInRequest(username, password);
  return backend.signedIn(signal, async () => refuseCodeStep(await backend.request('POST', path, signal, body)));
}

/**
 * `/sign-up/email`: Better Auth needs an email and a name. A name with `@` is the email;
 * any other is the username (username plugin) and `extra.email` is then required. `name`
 * defaults to the username (or the email's local part). Other `extra` fields go along as the
 * server's additional user fields.
 */
export function signUp(
  backend: BetterAuthBackend,
  username: string,
  password: string,
  extra: Record<string, unknown>,
  signal: AbortSignal,
): Promise<StoredSession> {
  const byEmail = username.includes('@');
  const email = byEmail ? username : extra.email;
  if (!nonEmptyString(email)) {
    throw new AuthError('bad-request', 'Better Auth needs an email to sign up: use it as the username, or give an email field.');
  }
  const name = nonEmptyString(extra.name) ? extra.name : byEmail ? username.split('@')[0] : username;
  return backend.signedIn(signal, () =>
    backend.request('POST', '/sign-up/email', signal, { ...extra, email, name, ...(byEmail ? {} : { username }), password }),
  );
}
