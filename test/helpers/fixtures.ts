import './safe-errors.js';
import { fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { RecordingBackend } from './recording-backend.js';

export const storageKey = 'test/currentUser';

/** Records every event of the given types on a target, in order. */
export function recordEvents(target: EventTarget, types: string[]): CustomEvent[] {
  const seen: CustomEvent[] = [];
  for (const type of types) target.addEventListener(type, (e) => seen.push(e as CustomEvent));
  return seen;
}

export interface SessionFixture {
  session: UserSessionElement;
  action: LogOutActionElement;
  backend: RecordingBackend;
}

/** A `<user-session>` on a RecordingBackend with a `<log-out-action>` inside, after the connecting task. */
export async function sessionWithAction(backend = new RecordingBackend(), key = storageKey): Promise<SessionFixture> {
  const session = await fixture<UserSessionElement>(html`
    <user-session .backend=${backend} storage-key=${key}><log-out-action></log-out-action></user-session>
  `);
  const action = session.querySelector('log-out-action')!;
  await action.updateComplete;
  await afterConnect();
  return { session, action, backend };
}

/** Signs Ada in through the element, like a page would. */
export async function signIn(session: UserSessionElement): Promise<void> {
  await session.logIn('ada', 'secret-pw');
}

/** Everything a page author can see of the elements, as text: must never contain a token. */
export function visibleText(...elements: Element[]): string {
  return elements.map((el) => el.outerHTML + JSON.stringify([...el.attributes].map((a) => a.value))).join('\n');
}

/**
 * The end of the task an element connected in: what connecting found has been announced
 * (`logged-in` "restored"…) and the server check has started.
 */
export const afterConnect = (): Promise<void> => new Promise((resolve) => setTimeout(resolve));

export function clearStorage(): void {
  localStorage.clear();
  sessionStorage.clear();
}

/** Everything that escaped to the page as an uncaught error or unhandled rejection. */
export const uncaught: unknown[] = [];
window.addEventListener('error', (e) => uncaught.push(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => uncaught.push(e.reason));

// Root hook: no test may leave an uncaught error behind.
afterEach(async () => {
  await new Promise((r) => setTimeout(r, 0));
  const escaped = uncaught.splice(0);
  if (escaped.length > 0) throw new Error(`Uncaught in the page: ${escaped.map(String).join('; ')}`);
});
