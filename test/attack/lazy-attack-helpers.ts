// Helpers for test/attack/lazy-attack-*.test.ts: a fresh page (iframe, its own module map) whose
// lazily loaded chunks (`outbox-sender`, `parse-sessions`) pass through a service worker that
// can hold them or fail them (as offline would), so a test decides when a chunk arrives.
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { outboxKeyOf } from './attack-helpers.js';

let registration: ServiceWorkerRegistration | undefined;

async function worker(): Promise<ServiceWorker> {
  if (!registration) {
    registration = await navigator.serviceWorker.register('/test/attack/lazy-attack-sw.js', { scope: '/test/attack/' });
  }
  await waitUntil(() => registration!.active?.state === 'activated', 'the service worker', { timeout: 8000 });
  return registration.active!;
}

export interface ChunkLog {
  seen: string[];
  waiting: [string, number][];
}

/** Sends one command to the service worker; resolves with its log. */
export async function chunks(op: 'hold' | 'release' | 'fail' | 'heal' | 'log' | 'reset', pattern = ''): Promise<ChunkLog> {
  const sw = await worker();
  const channel = new MessageChannel();
  const reply = new Promise<ChunkLog>((resolve) => (channel.port1.onmessage = (e) => resolve(e.data as ChunkLog)));
  sw.postMessage({ op, pattern }, [channel.port2]);
  return reply;
}

/** Resolves once a request for a chunk matching `pattern` is held by the worker. */
export async function chunkHeld(pattern: string, count = 1): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const log = await chunks('log');
    const waiting = log.waiting.find(([p]) => p === pattern)?.[1] ?? 0;
    if (waiting >= count) return;
    if (Date.now() > deadline) throw new Error(`no request for the chunk ${pattern} held (seen: ${log.seen.join(', ')})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Page {
  frame: HTMLIFrameElement;
  win: Window & { kit: typeof import('../../src/index.js'); uncaught: unknown[]; ready?: boolean };
  doc: Document;
  /** A `<user-session>` of this page, connected, once its connecting task ran. */
  session(setup: (el: UserSessionElement) => void): Promise<UserSessionElement>;
  online(): void;
  close(): void;
}

const pages: Page[] = [];

/** A fresh page (iframe) with the whole kit loaded, its chunk requests going through the worker. */
export async function freshPage(): Promise<Page> {
  await worker();
  const frame = document.createElement('iframe');
  frame.src = `/test/attack/lazy-attack-frame.html?${Math.random().toString(36).slice(2)}`;
  document.body.append(frame);
  const win = frame.contentWindow as Page['win'];
  await waitUntil(() => (frame.contentWindow as Page['win'])?.ready === true, 'the fresh page', { timeout: 10000 });
  if (!frame.contentWindow!.navigator.serviceWorker.controller) throw new Error('the fresh page is not controlled by the worker');
  const doc = frame.contentDocument!;
  const page: Page = {
    frame,
    win,
    doc,
    async session(setup) {
      const el = doc.createElement('user-session') as UserSessionElement;
      setup(el);
      doc.body.append(el);
      await el.updateComplete;
      await new Promise((r) => win.setTimeout(r));
      return el;
    },
    online: () => win.dispatchEvent(new (win as unknown as typeof globalThis).Event('online')),
    close: () => frame.remove(),
  };
  pages.push(page);
  return page;
}

/** Removes every fresh page and lets the worker forget its holds and failures; throws what escaped in them. */
export async function closePages(): Promise<void> {
  await chunks('reset');
  const escaped = pages.flatMap((p) => p.win.uncaught?.splice(0) ?? []);
  for (const p of pages.splice(0)) p.close();
  if (escaped.length > 0) throw new Error(`Uncaught in a fresh page: ${escaped.map(String).join('; ')}`);
}

/** Unregisters the worker, so no later test file's page under its scope goes through it. */
export async function removeWorker(): Promise<void> {
  await registration?.unregister();
  registration = undefined;
}

export const outboxOf = (key: string, area: Storage = localStorage) =>
  JSON.parse(area.getItem(outboxKeyOf(key)) ?? '[]') as Record<string, unknown>[];

/** Makes every entry of the outbox due now. */
export function dueNow(key: string, area: Storage = localStorage): void {
  const raw = area.getItem(outboxKeyOf(key));
  if (raw === null) return;
  area.setItem(outboxKeyOf(key), JSON.stringify((JSON.parse(raw) as object[]).map((e) => ({ ...e, retryAt: 0 }))));
}

/**
 * Whether this engine loads a module again after a failed load in the same page. Firefox keeps
 * the failure for the page's life: there a chunk that could not load (offline) is not tried
 * again before the next page load, so what waits for it (a queued revocation) waits for that
 * load (README "Known limitations").
 */
export const loadsAgainAfterFailure = !navigator.userAgent.includes('Firefox/');
