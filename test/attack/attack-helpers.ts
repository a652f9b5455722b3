// Helpers shared by the attack regression tests in this folder (test/attack/*.test.ts).
import { fixture, html } from '@open-wc/testing';
import type { RevokeOptions, StoredSession } from '../../src/backends/backend.js';
import type { MemoryBackendOptions } from '../../src/backends/memory.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { afterConnect, storageKey } from '../helpers/fixtures.js';
import { errorText } from '../helpers/error-text.js';
import { RecordingBackend } from '../helpers/recording-backend.js';

export { errorText };

/** Where `<user-session>` queues revocations the server could not be told of, next to the session key. */
export function outboxKeyOf(key: string): string {
  return `${key}:pending-revocations`;
}

/** The token of the session stored under `key` (the fixtures' key by default). */
export function storedToken(key = storageKey): string {
  return (JSON.parse(localStorage.getItem(key)!) as StoredSession).token;
}

/** What a promise settled with: the reason it rejected, or null when it fulfilled. */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

/**
 * One turn of the event loop: every task and microtask already queued has run. For asserting
 * that nothing more happens after a flow has settled (not a timed wait).
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Waits `ms` milliseconds: for letting a flow that must not happen have its chance to. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A value as text to search for a token: an error as `errorText` reads it, a string as it is, anything else as JSON. */
export function printable(value: unknown): string {
  if (value instanceof Error) return errorText(value);
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * From now on, everything the page writes to the console (every level) is also kept, one line
 * per call and each argument `printable`, in the array returned.
 */
export function recordConsole(): string[] {
  const lines: string[] = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      lines.push(args.map(printable).join(' '));
      original(...args);
    };
  }
  return lines;
}

/** The ways a token can be quoted in a text: raw, URL-encoded, JSON-escaped, and without its first two characters (`r:`). */
export function spellings(token: string): string[] {
  return [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1), token.slice(2)];
}

/** A RecordingBackend that keeps the token of every session it opened through `logIn`, in order. */
export class IssuingBackend extends RecordingBackend {
  readonly issued: string[] = [];

  override async logIn(username: string, password: string, o: { signal: AbortSignal }): Promise<StoredSession> {
    const session = await super.logIn(username, password, o);
    this.issued.push(session.token);
    return session;
  }
}

/** A RecordingBackend naming a server (`AuthBackend.server`), that keeps the tokens it was asked to revoke. */
export class ServerBackend extends RecordingBackend {
  readonly revokedTokens: string[] = [];
  constructor(
    readonly server?: string,
    options?: MemoryBackendOptions,
  ) {
    super(options);
  }
  override async logOut(session: StoredSession, o: RevokeOptions): Promise<void> {
    this.revokedTokens.push(String(session.token));
    return super.logOut(session, o);
  }
}

/** A `<user-session>` on `backend` and the storage key `key`, once its connect task ran. */
export async function sessionOnKey(backend: object, key: string): Promise<UserSessionElement> {
  const el = await fixture<UserSessionElement>(html`<user-session .backend=${backend} storage-key=${key}></user-session>`);
  await afterConnect();
  return el;
}
