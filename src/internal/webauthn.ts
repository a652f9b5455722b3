import type { CredentialJSON } from '../backends/passkey-server.js';
import { AuthError } from '../errors.js';

/**
 * The browser's WebAuthn ceremonies with options and results as JSON: the platform's
 * `PublicKeyCredential.parse…FromJSON` and `toJSON()` where present (Chromium 129+, Firefox
 * 119+, Safari 18.4+), else `@simplewebauthn/browser`, loaded on first need. No base64url
 * code of our own. Every failure is an `AuthError` a person can act on.
 */

type Fallback = typeof import('@simplewebauthn/browser');

/** Whether this browser can make and use passkeys at all (a secure context with WebAuthn). */
export function webAuthnAvailable(): boolean {
  return globalThis.isSecureContext === true && typeof globalThis.PublicKeyCredential === 'function' && !!navigator.credentials;
}

/** Whether the browser offers passkeys in a field's autofill (conditional mediation). */
export async function autofillAvailable(): Promise<boolean> {
  try {
    return webAuthnAvailable() && (await PublicKeyCredential.isConditionalMediationAvailable?.()) === true;
  } catch {
    return false;
  }
}

const platformJson = () =>
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function' &&
  typeof PublicKeyCredential.prototype.toJSON === 'function';

/**
 * The waiting autofill request, if any. The browser runs one WebAuthn request at a time: a dialog
 * (a click, "Add a passkey") first ends it and waits until the browser has let it go, or the
 * browser would refuse the dialog as "a request is already pending".
 */
let waitingAutofill: { stop: AbortController; settled: Promise<unknown> } | null = null;

async function endWaitingAutofill(): Promise<void> {
  const waiting = waitingAutofill;
  if (!waiting) return;
  waiting.stop.abort(new AuthError('aborted', 'A passkey dialog was opened.'));
  await waiting.settled;
}

/** Makes a passkey with these creation options; resolves to the credential as JSON. */
export async function createPasskey(
  options: PublicKeyCredentialCreationOptionsJSON,
  signal: AbortSignal,
): Promise<CredentialJSON> {
  requireWebAuthn();
  await endWaitingAutofill();
  return ceremony(signal, 'create', async () => {
    if (platformJson()) {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
      return asJson(await navigator.credentials.create({ publicKey, signal }));
    }
    const lib = await fallback(signal);
    return lib.startRegistration({ optionsJSON: options as never });
  });
}

/**
 * Asks for a passkey with these request options; resolves to the assertion as JSON. With
 * `autofill`, the browser offers the passkeys in a field's autofill instead of a dialog, and the
 * request waits (until `signal` aborts, or a dialog ends it) for the person to pick one.
 */
export async function getPasskey(
  options: PublicKeyCredentialRequestOptionsJSON,
  signal: AbortSignal,
  autofill = false,
): Promise<CredentialJSON> {
  requireWebAuthn();
  await endWaitingAutofill();
  if (!autofill) return request(options, signal, false);
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  const waiting = request(options, stop.signal, true);
  const entry = (waitingAutofill = { stop, settled: waiting.catch(() => {}) });
  try {
    const credential = await waiting;
    // Picked just as a dialog (or `signal`) ended the request: dropped, the newer one goes on.
    if (stop.signal.aborted) throw new AuthError('aborted', 'The passkey autofill was ended.');
    return credential;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (waitingAutofill === entry) waitingAutofill = null;
  }
}

function request(
  options: PublicKeyCredentialRequestOptionsJSON,
  signal: AbortSignal,
  autofill: boolean,
): Promise<CredentialJSON> {
  return ceremony(signal, 'get', async () => {
    if (platformJson()) {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
      return asJson(await navigator.credentials.get({ publicKey, signal, ...(autofill ? { mediation: 'conditional' } : {}) }));
    }
    const lib = await fallback(signal);
    return lib.startAuthentication({
      optionsJSON: options as never,
      useBrowserAutofill: autofill,
    });
  });
}

/** Throws `unsupported` when this browser or page cannot use passkeys: checked before any request. */
export function requireWebAuthn(): void {
  if (!webAuthnAvailable())
    throw new AuthError(
      'unsupported',
      globalThis.isSecureContext === false
        ? 'Passkeys need a secure page (https, or http://localhost).'
        : 'This browser cannot use passkeys.',
    );
}

/** The library, when the platform has no JSON helpers; its ceremony is cancelled when `signal` aborts. */
async function fallback(signal: AbortSignal): Promise<Fallback> {
  let lib: Fallback;
  try {
    lib = await import('@simplewebauthn/browser');
  } catch (cause) {
    throw new AuthError('network', 'The passkey helper could not be loaded.', { cause });
  }
  signal.addEventListener('abort', () => lib.WebAuthnAbortService.cancelCeremony(), { once: true });
  return lib;
}

function asJson(credential: Credential | null): CredentialJSON {
  if (!(credential instanceof PublicKeyCredential)) throw new AuthError('cancelled', 'No passkey was chosen.');
  return credential.toJSON() as CredentialJSON;
}

/**
 * Runs a ceremony, turning what the browser throws into an `AuthError`. The browser says
 * `NotAllowedError` both when the person cancels and when no passkey of this site is there
 * (it keeps those apart on purpose): both are `cancelled`.
 */
async function ceremony<T>(signal: AbortSignal, kind: 'create' | 'get', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (caught) {
    if (caught instanceof AuthError) throw caught;
    if (signal.aborted) throw new AuthError('aborted', undefined, { cause: caught });
    // @simplewebauthn/browser wraps the browser's error as `cause`, with its own `name`.
    const error = caught as { name?: string; code?: string; cause?: { name?: string } };
    const name = error.cause?.name ?? error.name;
    if (name === 'AbortError') throw new AuthError('aborted', undefined, { cause: caught });
    if (name === 'NotAllowedError')
      throw new AuthError(
        'cancelled',
        kind === 'get'
          ? 'No passkey was used (cancelled, or none for this site on this device).'
          : 'No passkey was made (cancelled).',
      );
    if (name === 'InvalidStateError')
      throw new AuthError('bad-request', 'This authenticator already holds a passkey for this account.', { cause: caught });
    if (name === 'SecurityError')
      throw new AuthError(
        'misconfigured',
        `The passkey server's relying-party id does not match this site (${location.hostname}).`,
        {
          cause: caught,
        },
      );
    if (name === 'NotSupportedError')
      throw new AuthError('unsupported', 'This authenticator cannot make such a passkey.', { cause: caught });
    throw new AuthError('server', `The browser refused the passkey request${name ? ` (${name})` : ''}.`, { cause: caught });
  }
}
