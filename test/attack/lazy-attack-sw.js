// Service worker for test/attack/lazy-attack-*.test.ts: sits in front of the pages under
// /test/attack/ (the lazy-attack-frame.html iframes) and can hold or fail the requests for the
// kit's lazily loaded chunks (`outbox-sender`, `parse-sessions`), so a test decides when a chunk
// arrives. Controlled by postMessage: { op: 'hold' | 'release' | 'fail' | 'heal' | 'log' | 'reset', pattern }.
const held = new Map(); // pattern -> [resolve]
const holding = new Set();
const failing = new Set();
const seen = [];

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const { op, pattern } = event.data ?? {};
  const port = event.ports[0];
  if (op === 'hold') holding.add(pattern);
  if (op === 'release') {
    holding.delete(pattern);
    for (const go of held.get(pattern) ?? []) go();
    held.delete(pattern);
  }
  if (op === 'fail') failing.add(pattern);
  if (op === 'heal') failing.delete(pattern);
  if (op === 'reset') {
    for (const [, gos] of held) for (const go of gos) go();
    held.clear();
    holding.clear();
    failing.clear();
    seen.length = 0;
  }
  port?.postMessage({ seen: [...seen], waiting: [...held].map(([p, gos]) => [p, gos.length]) });
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const path = url.pathname + url.search;
  const match = (set) => [...set].find((p) => path.includes(p));
  const isChunk = path.includes('outbox-sender') || path.includes('parse-sessions');
  // A chunk's response is never reused by another page from the browser's memory cache: every
  // fresh page asks for it again (through here).
  const fresh = (response) =>
    response.text().then((body) => {
      const headers = new Headers(response.headers);
      headers.set('Cache-Control', 'no-store');
      headers.delete('ETag');
      return new Response(body, { status: response.status, headers });
    });
  if (isChunk) seen.push(path);
  const fail = match(failing);
  if (fail) {
    event.respondWith(Response.error());
    return;
  }
  const hold = match(holding);
  if (hold) {
    event.respondWith(
      new Promise((go) => {
        const gos = held.get(hold) ?? [];
        gos.push(go);
        held.set(hold, gos);
      }).then(() => fetch(event.request, { cache: 'no-store' }).then(fresh)),
    );
    return;
  }
  if (isChunk) event.respondWith(fetch(event.request, { cache: 'no-store' }).then(fresh));
});
