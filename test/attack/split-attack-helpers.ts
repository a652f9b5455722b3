// Helpers for the split-attack pages: the core alone (define/user-session + define/log-out-action),
// no package entry, so each test file decides which features its page has by its own imports.
import '../helpers/safe-errors.js';
import { fixture, html } from '@open-wc/testing';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import type { AuthBackend, StoredSession } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { RecordingBackend } from '../helpers/recording-backend.js';

export const key = 'split-attack/currentUser';

export { features, recordEvents } from '../features/split-page.js';

/** Everything that escaped to the page as an uncaught error or unhandled rejection. */
export const uncaught: unknown[] = [];
window.addEventListener('error', (e) => uncaught.push(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => uncaught.push(e.reason));

/** Every console line, every level. */
export const consoleLines: string[] = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    consoleLines.push(
      args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : safeJson(a))).join(' '),
    );
    original(...args);
  };
}
function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

interface SessionOptions {
  signedIn?: boolean;
  attributes?: string;
  storageKey?: string;
  stored?: StoredSession;
}
interface SessionPage<B> {
  session: UserSessionElement;
  backend: B;
  stored: StoredSession | null;
  holder: HTMLDivElement;
}

/** A `<user-session>` on `backend` (a RecordingBackend by default), Ada signed in (stored before connect) when `signedIn`. */
export async function sessionOn(backend?: RecordingBackend, options?: SessionOptions): Promise<SessionPage<RecordingBackend>>;
export async function sessionOn<B extends AuthBackend>(backend: B, options?: SessionOptions): Promise<SessionPage<B>>;
export async function sessionOn(
  given?: AuthBackend,
  { signedIn = true, attributes = '', storageKey = key, stored: seed }: SessionOptions = {},
): Promise<SessionPage<AuthBackend>> {
  const backend = given ?? new RecordingBackend();
  let stored: StoredSession | null = seed ?? null;
  if (!stored && signedIn) stored = await backend.logIn!('ada', 'secret-pw', { signal: new AbortController().signal });
  if (stored) localStorage.setItem(storageKey, JSON.stringify(stored));
  const holder = await fixture<HTMLDivElement>(html`<div></div>`);
  holder.innerHTML = `<user-session storage-key="${storageKey}" ${attributes}></user-session>`;
  const session = holder.firstElementChild as UserSessionElement;
  session.backend = backend;
  await tick();
  return { session, backend, stored, holder };
}

/** A text with no spelling of `token` in it. */
export function leaks(text: string, token: string): boolean {
  return [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1)].some((s) => text.includes(s));
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(async () => {
  await tick();
  const escaped = uncaught.splice(0);
  if (escaped.length > 0) throw new Error(`Uncaught in the page: ${escaped.map(String).join('; ')}`);
});
