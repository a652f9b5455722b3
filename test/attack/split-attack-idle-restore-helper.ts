// A session restored after its idle time has passed (last activity an hour ago, idle-timeout 15m).
import { fixture, html } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { key, recordEvents, sleep } from './split-attack-helpers.js';

export async function restoreIdle() {
  const backend = new RecordingBackend();
  const stored = await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
  localStorage.setItem(key, JSON.stringify(stored));
  localStorage.setItem(`${key}:last-activity`, String(Date.now() - 60 * 60_000));
  const holder = await fixture<HTMLDivElement>(html`<div></div>`);
  const session = document.createElement('user-session') as UserSessionElement;
  session.setAttribute('storage-key', key);
  session.setAttribute('idle-timeout', '15m');
  session.backend = backend;
  const events = recordEvents(session, ['logged-in', 'logged-out']);
  const seenAuthenticated: boolean[] = [];
  new MutationObserver(() => seenAuthenticated.push(session.hasAttribute('authenticated'))).observe(session, {
    attributes: true,
    attributeFilter: ['authenticated'],
  });
  holder.append(session);
  const atConnect = session.authenticated;
  const outcome = await Promise.race([session.ready, sleep(3000).then(() => 'timeout')]);
  await waitUntil(() => !session.authenticated, 'ended', { timeout: 3000 });
  await sleep(50);
  return { atConnect, outcome, events: events.map((e) => `${e.type}:${e.detail.reason}`), seenAuthenticated, backend };
}
