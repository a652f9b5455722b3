// A page with the core alone: `<user-session>` and `<log-out-action>` from their define modules,
// no package entry. Each test file of this folder adds at most one feature module, so the
// behaviour it tests runs on the core and that feature only (SPEC §10).
import '../helpers/safe-errors.js';
import { fixture, html } from '@open-wc/testing';
import '../../src/define/user-session.js';
import '../../src/define/log-out-action.js';
import type { StoredSession } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { registeredFeatures } from '../../src/session/feature.js';
import { RecordingBackend } from '../helpers/recording-backend.js';

export const key = 'split/currentUser';

/** Records every event of the given types on a target, in order. (Not from ../helpers/fixtures: it imports the package entry.) */
export function recordEvents(target: EventTarget, types: string[]): CustomEvent[] {
  const seen: CustomEvent[] = [];
  for (const type of types) target.addEventListener(type, (e) => seen.push(e as CustomEvent));
  return seen;
}

/** The features registered on this page, by name. */
export const features = (): string[] => [...registeredFeatures().keys()];

/** A `<user-session>` on a RecordingBackend, Ada already signed in when `signedIn` (stored before it connects). */
export async function sessionOn(
  backend = new RecordingBackend(),
  { signedIn = true, attributes = '' }: { signedIn?: boolean; attributes?: string } = {},
): Promise<{ session: UserSessionElement; backend: RecordingBackend; stored: StoredSession | null }> {
  localStorage.clear();
  const stored = signedIn ? await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal }) : null;
  if (stored) localStorage.setItem(key, JSON.stringify(stored));
  const holder = await fixture<HTMLDivElement>(html`<div></div>`);
  holder.innerHTML = `<user-session storage-key="${key}" ${attributes}></user-session>`;
  const session = holder.firstElementChild as UserSessionElement;
  session.backend = backend;
  await new Promise((resolve) => setTimeout(resolve));
  return { session, backend, stored };
}
