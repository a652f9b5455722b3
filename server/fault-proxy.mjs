// A tiny HTTP reverse proxy (node:http only) in front of a Parse Server origin, able to inject
// faults: an error status, a delay, a hold until the test releases it, an HTML page, a raw body,
// a redirect, a large chunked body (no Content-Length), or a dropped connection.
// It answers CORS preflights itself, so pages on another origin can read every answer
// (`preflights: 'forward'` passes them to the target instead, as the OIDC harness does).
// With `credentialedOrigins`, its own answers allow credentials for those origins instead of `*`
// (the Better Auth harness: pages fetch with `credentials: 'include'`, which `*` does not allow).
//
//   const proxy = await startFaultProxy({ target: parse.serverURL });
//   const serverURL = `${proxy.url}/parse`;
//   proxy.setFault({ status: 500, path: '/parse/logout' });
//   ...
//   proxy.setFault({ hold: true, path: '/parse/logout', times: 1 }); // arrives, waits…
//   proxy.release(); // …until now: then forwarded (or answered by the fault's other fields)
//   ...
//   proxy.requests.filter((r) => r.path === '/parse/logout').length;
//   await proxy.close();

import http from 'node:http';

/**
 * A fault applied to matching requests (`null`: pass everything through).
 *
 * Exactly what happens, in order: wait for `release()` (with `hold`); wait `delayMs` (if any);
 * then `drop` destroys the socket,
 * `redirect` answers a redirect, `chunkedBytes` streams a large body, `html` answers an HTML
 * page, `body`/`status` answer that body/status, and with none of these the request is
 * forwarded. Every answer made by the proxy carries `Access-Control-Allow-Origin: *` (or, with
 * `credentialedOrigins`, the request's origin and `Access-Control-Allow-Credentials: true`).
 *
 * @typedef {object} Fault
 * @property {number} [status] Answer this status without forwarding (default body: a Parse-style
 *   JSON error). With `html`/`body`, the status of that answer.
 * @property {string} [body] Answer this raw body without forwarding (status 200 unless `status`).
 * @property {string} [contentType] Content-Type of a `body` answer (default
 *   `application/json; charset=utf-8`).
 * @property {boolean} [html] Answer an HTML page (status 200 unless `status`).
 * @property {number} [delayMs] Wait this long first (then forward, unless another fault is set).
 * @property {boolean} [hold] Keep each matching request waiting until `release()` (then forward,
 *   unless another fault is set). Unlike `delayMs`, the test decides when, so "this finishes
 *   while that request is still out" holds however slow the machine. `reset()` and `close()`
 *   drop requests still held.
 * @property {boolean} [holdReply] Forward each matching request at once and keep the target's
 *   answer until `release()`: a slow server, which has done the work (a session opened) when a
 *   client gives up waiting. Alone (no other fault field).
 * @property {boolean} [drop] Destroy the connection without an answer (a network error).
 * @property {number} [redirect] Answer this 3xx status with `Location: <redirectTo><the request's
 *   path and query>` (e.g. 307 to `http://127.0.0.2:4000`: `/parse/login` goes to
 *   `http://127.0.0.2:4000/parse/login`), and an empty body.
 * @property {string} [redirectTo] Where a `redirect` points: an absolute http(s) URL; the
 *   request's path and query are appended to it (its own trailing `/` dropped). Required with `redirect`.
 * @property {number} [chunkedBytes] Answer a JSON object of this many bytes, streamed in 64 KB
 *   chunks with `Transfer-Encoding: chunked` and no Content-Length (status 200 unless `status`):
 *   the `body` (a JSON object, default `{}`) with a `"pad":"xxx…"` field added. Writes wait for
 *   the client to read (backpressure), so `bytesSent` shows where a client stopped reading.
 * @property {number} [chunkIntervalMs] With `chunkedBytes`: wait this long after each chunk, so
 *   a client that stops reading is seen stopping whatever its own buffering (WebKit's network
 *   process reads ahead tens of MB over loopback).
 * @property {string} [path] Only requests whose path starts with this (e.g. `'/parse/logout'`).
 * @property {string} [method] Only requests with this method (e.g. `'POST'`).
 * @property {number} [times] Only the next N matching requests; then the fault clears itself.
 */

/**
 * @typedef {object} ProxiedRequest
 * @property {string} method
 * @property {string} path Path without the query string, e.g. `'/parse/logout'`.
 * @property {string} url Path with the query string.
 * @property {http.IncomingHttpHeaders} headers
 * @property {'status' | 'body' | 'html' | 'drop' | 'redirect' | 'chunked' | null} fault What the
 *   proxy answered instead of forwarding (`null`: forwarded).
 * @property {number} [bytesSent] For `chunked`: body bytes written before the answer ended or
 *   the client went away.
 * @property {boolean} [complete] For `chunked`: whether the whole body was written.
 * @property {number} delayMs Delay applied before answering or forwarding.
 * @property {boolean} held Whether a `hold` or `holdReply` fault kept it (or its answer) waiting for `release()`.
 * @property {number} time `Date.now()` when the request arrived.
 */

/**
 * @typedef {object} FaultProxy
 * @property {string} url Origin of the proxy, e.g. `'http://127.0.0.1:40123'`.
 * @property {number} port
 * @property {(fault: Fault | null) => void} setFault Set (or clear with `null`) the fault.
 * @property {() => Fault | null} getFault The current fault.
 * @property {ProxiedRequest[]} requests Non-preflight requests seen, oldest first (live array;
 *   `requests.length = 0` clears it).
 * @property {ProxiedRequest[]} preflights `OPTIONS` requests seen (answered by the proxy itself,
 *   or forwarded with `preflights: 'forward'`).
 * @property {() => number} release Lets every request held by a `hold` fault go on, and every
 *   answer held by `holdReply`; returns how many (later ones are held again while the fault lasts).
 * @property {() => void} reset Clears the fault, `requests` and `preflights`, and drops the
 *   connections of requests still held.
 * @property {() => Promise<void>} close Stops the proxy and drops open connections.
 */

const ALLOW_HEADERS = [
  'X-Parse-Application-Id',
  'X-Parse-Session-Token',
  'X-Parse-JavaScript-Key',
  'X-Parse-Installation-Id',
  'X-Parse-Client-Version',
  'X-Parse-REST-API-Key',
  'X-Parse-Revocable-Session',
  'X-Requested-With',
  'Content-Type',
];
const ALLOW_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** @param {Fault | null} fault */
function validateFault(fault) {
  if (fault === null) return null;
  if (typeof fault !== 'object') throw new TypeError('fault must be an object or null');
  const kinds = ['status', 'body', 'html', 'delayMs', 'hold', 'holdReply', 'drop', 'redirect', 'chunkedBytes'].filter(
    (k) => /** @type {any} */ (fault)[k] !== undefined && /** @type {any} */ (fault)[k] !== false,
  );
  if (!kinds.length) {
    throw new TypeError(
      'fault needs one of status, body, html, delayMs, hold, holdReply, drop, redirect, chunkedBytes (or use null)',
    );
  }
  for (const name of /** @type {const} */ (['hold', 'holdReply'])) {
    if (fault[name] !== undefined && typeof fault[name] !== 'boolean') {
      throw new TypeError(`fault.${name} must be a boolean, got ${fault[name]}`);
    }
  }
  if (fault.holdReply && kinds.length > 1) {
    throw new TypeError(
      `fault.holdReply forwards the request and holds the real answer: it takes no ${kinds.filter((k) => k !== 'holdReply').join(', ')}`,
    );
  }
  if (fault.redirect !== undefined) {
    if (!(Number.isInteger(fault.redirect) && fault.redirect >= 300 && fault.redirect <= 399)) {
      throw new TypeError(`fault.redirect must be a 3xx status, got ${fault.redirect}`);
    }
    if (typeof fault.redirectTo !== 'string' || !/^https?:\/\//.test(fault.redirectTo)) {
      throw new TypeError(`fault.redirect needs redirectTo, an absolute http(s) URL, got ${fault.redirectTo}`);
    }
  }
  if (fault.chunkedBytes !== undefined && !(Number.isInteger(fault.chunkedBytes) && fault.chunkedBytes > 0)) {
    throw new TypeError(`fault.chunkedBytes must be a positive integer, got ${fault.chunkedBytes}`);
  }
  if (fault.chunkIntervalMs !== undefined && !(typeof fault.chunkIntervalMs === 'number' && fault.chunkIntervalMs >= 0)) {
    throw new TypeError(`fault.chunkIntervalMs must be a number >= 0, got ${fault.chunkIntervalMs}`);
  }
  if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
    throw new TypeError(`fault.status must be an HTTP status, got ${fault.status}`);
  }
  if (fault.delayMs !== undefined && !(typeof fault.delayMs === 'number' && fault.delayMs >= 0)) {
    throw new TypeError(`fault.delayMs must be a number >= 0, got ${fault.delayMs}`);
  }
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
    throw new TypeError(`fault.times must be a positive integer, got ${fault.times}`);
  }
  return { ...fault };
}

/**
 * Answers a JSON object of `total` bytes without Content-Length (chunked): `body` with a
 * `"pad":"xxx…"` field added, written in 64 KB chunks as fast as the client reads.
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} body A JSON object's text.
 * @param {number} total
 * @param {ProxiedRequest} record Gets `bytesSent` and `complete`.
 * @param {number} intervalMs Pause after each chunk.
 * @param {http.OutgoingHttpHeaders} cors The CORS headers of the proxy's own answers.
 */
async function streamPadded(res, status, body, total, record, intervalMs, cors) {
  const open = body.trim().replace(/\}$/, '');
  const head = `${open}${open.trim() === '{' ? '' : ','}"pad":"`;
  const tail = '"}';
  res.writeHead(status, {
    ...cors,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  record.bytesSent = 0;
  record.complete = false;
  /** @param {string} text */
  const write = async (text) => {
    if (res.destroyed) return false;
    record.bytesSent = (record.bytesSent ?? 0) + Buffer.byteLength(text);
    if (!res.write(text)) {
      await new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve(undefined);
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    return !res.destroyed;
  };
  if (!(await write(head))) return;
  let pad = Math.max(0, total - Buffer.byteLength(head) - tail.length);
  const chunk = 'x'.repeat(64 * 1024);
  while (pad > 0) {
    const n = Math.min(pad, chunk.length);
    pad -= n;
    if (!(await write(n === chunk.length ? chunk : chunk.slice(0, n)))) return;
    if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  if (!(await write(tail))) return;
  res.end(() => {
    record.complete = true;
  });
}

/**
 * Starts the proxy.
 * @param {{ target: string, port?: number, host?: string, preflights?: 'answer' | 'forward',
 *   credentialedOrigins?: (origin: string) => boolean }} options
 *   `target`: the Parse server URL or its origin (only the origin is used; paths are forwarded
 *   unchanged). `preflights`: `'answer'` (default) answers every `OPTIONS` request itself with
 *   `Access-Control-Allow-Origin: *`; `'forward'` passes them to the target like any other
 *   request, so the browser sees the target's own CORS answers (faults still never apply to them).
 *   `credentialedOrigins`: the proxy's own answers (faults, 502) to a request whose `Origin` it
 *   accepts carry `Access-Control-Allow-Origin: <that origin>`, `Access-Control-Allow-Credentials:
 *   true` and `Vary: Origin` instead of `*`, so a page fetching with `credentials: 'include'` can
 *   read them (as it reads the target's own answers); other origins get `*`.
 * @returns {Promise<FaultProxy>}
 */
export async function startFaultProxy({
  target,
  port = 0,
  host = '127.0.0.1',
  preflights: preflightMode = 'answer',
  credentialedOrigins,
}) {
  const targetURL = new URL(target);
  if (targetURL.protocol !== 'http:') throw new TypeError('fault proxy: target must be http://');
  if (preflightMode !== 'answer' && preflightMode !== 'forward') {
    throw new TypeError(`fault proxy: preflights must be 'answer' or 'forward', got ${preflightMode}`);
  }
  const agent = new http.Agent({ keepAlive: true });

  /** @type {(Fault & { remaining?: number }) | null} */
  let fault = null;
  /** @type {ProxiedRequest[]} */
  const requests = [];
  /** @type {ProxiedRequest[]} */
  const preflights = [];
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  /** Requests (`hold`) and answers (`holdReply`) kept: each one's go-on (`true`) or drop (`false`). @type {Set<(go: boolean) => void>} */
  const held = new Set();
  /** How many times reset() ran: an answer held for an earlier fault never waits. */
  let resets = 0;
  /** Ends every hold: `true` lets what is held go on, `false` drops it. @param {boolean} go */
  const endHolds = (go) => {
    const waiting = [...held];
    held.clear();
    for (const settle of waiting) settle(go);
    return waiting.length;
  };
  let closed = false;

  /** @param {http.IncomingMessage} req @param {string} path */
  const matches = (req, path) =>
    fault !== null &&
    (fault.path === undefined || path.startsWith(fault.path)) &&
    (fault.method === undefined || fault.method.toUpperCase() === req.method);

  /** @param {number} ms */
  const sleep = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve(undefined);
      }, ms);
      timers.add(t);
    });

  /** The CORS headers of an answer made by the proxy itself. @param {http.IncomingMessage} req */
  const corsFor = (req) => {
    const origin = req.headers.origin;
    return origin && credentialedOrigins?.(origin)
      ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }
      : { 'Access-Control-Allow-Origin': '*' };
  };

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {number} status
   * @param {string} body
   * @param {string} contentType
   */
  const answer = (req, res, status, body, contentType) => {
    res.writeHead(status, {
      ...corsFor(req),
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {boolean} [holdAnswer] Keep the target's answer until `release()` (`holdReply`).
   */
  const forward = (req, res, holdAnswer = false) => {
    const since = resets;
    /** @type {http.OutgoingHttpHeaders} */
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = targetURL.host;
    const upstream = http.request(
      {
        protocol: targetURL.protocol,
        hostname: targetURL.hostname,
        port: targetURL.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      async (upstreamRes) => {
        // An answer that comes after a reset() is dropped as if it had been held then.
        if (holdAnswer && (since !== resets || !(await new Promise((resolve) => held.add(resolve))))) {
          upstreamRes.resume();
          res.destroy();
          return;
        }
        /** @type {http.OutgoingHttpHeaders} */
        const resHeaders = {};
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          if (!HOP_BY_HOP.has(name) && value !== undefined) resHeaders[name] = value;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, resHeaders);
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (err) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
      } else {
        answer(
          req,
          res,
          502,
          JSON.stringify({ code: 100, error: `fault proxy: upstream error: ${err.message}` }),
          'application/json; charset=utf-8',
        );
      }
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  const handle = async (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    /** @type {ProxiedRequest} */
    const record = {
      method: req.method ?? 'GET',
      path,
      url,
      headers: req.headers,
      fault: null,
      delayMs: 0,
      held: false,
      time: Date.now(),
    };

    if (req.method === 'OPTIONS') {
      preflights.push(record);
      if (preflightMode === 'forward') {
        forward(req, res);
        return;
      }
      const requested = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean);
      const allowHeaders = [...new Set([...ALLOW_HEADERS, ...requested])].join(', ');
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': ALLOW_METHODS,
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': '600',
        'Content-Length': '0',
      });
      res.end();
      req.resume();
      return;
    }

    requests.push(record);
    /** @type {Fault | null} */
    let active = null;
    if (matches(req, path)) {
      active = fault;
      if (fault && fault.remaining !== undefined && --fault.remaining <= 0) fault = null;
    }
    if (!active) {
      forward(req, res);
      return;
    }
    if (active.holdReply) {
      record.held = true;
      forward(req, res, true);
      return;
    }

    if (active.hold) {
      record.held = true;
      const go = await new Promise((resolve) => held.add(resolve));
      // A client that went away meanwhile (Chromium closes the connection of an aborted fetch)
      // sent nothing on: its request never reaches the target.
      if (!go || closed || req.socket.destroyed) {
        req.socket.destroy();
        return;
      }
    }
    if (active.delayMs) {
      record.delayMs = active.delayMs;
      await sleep(active.delayMs);
      if (closed) {
        req.socket.destroy();
        return;
      }
    }
    if (active.drop) {
      record.fault = 'drop';
      req.socket.destroy();
    } else if (active.redirect !== undefined) {
      record.fault = 'redirect';
      req.resume();
      res.writeHead(active.redirect, {
        ...corsFor(req),
        Location: `${String(active.redirectTo).replace(/\/$/, '')}${url}`,
        'Content-Length': '0',
        'Cache-Control': 'no-store',
      });
      res.end();
    } else if (active.chunkedBytes !== undefined) {
      record.fault = 'chunked';
      req.resume();
      await streamPadded(
        res,
        active.status ?? 200,
        active.body ?? '{}',
        active.chunkedBytes,
        record,
        active.chunkIntervalMs ?? 0,
        corsFor(req),
      );
    } else if (active.html) {
      record.fault = 'html';
      req.resume();
      answer(
        req,
        res,
        active.status ?? 200,
        '<!doctype html><html><head><title>Fault proxy</title></head>' +
          '<body><h1>Not the API</h1><p>An HTML page from the fault proxy.</p></body></html>',
        'text/html; charset=utf-8',
      );
    } else if (active.body !== undefined) {
      record.fault = 'body';
      req.resume();
      answer(req, res, active.status ?? 200, active.body, active.contentType ?? 'application/json; charset=utf-8');
    } else if (active.status !== undefined) {
      record.fault = 'status';
      req.resume();
      answer(
        req,
        res,
        active.status,
        JSON.stringify({ code: 1, error: `fault proxy: injected ${active.status}` }),
        'application/json; charset=utf-8',
      );
    } else {
      forward(req, res);
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  // Never close an idle kept-alive connection from this side: a browser that reuses one just as
  // the server closes it (Node's default: after 5 s idle) gets a network error for a POST.
  server.keepAliveTimeout = 0;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve(undefined);
    });
  });
  const actualPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  /** @type {Promise<void> | undefined} */
  let closing;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    setFault(next) {
      const valid = validateFault(next);
      fault = valid && valid.times !== undefined ? { ...valid, remaining: valid.times } : valid;
    },
    getFault() {
      if (!fault) return null;
      const { remaining: _remaining, ...rest } = fault;
      return rest;
    },
    requests,
    preflights,
    release: () => endHolds(true),
    reset() {
      resets++;
      endHolds(false);
      fault = null;
      requests.length = 0;
      preflights.length = 0;
    },
    close() {
      closing ??= new Promise((resolve) => {
        closed = true;
        endHolds(false);
        for (const t of timers) clearTimeout(t);
        // Delayed requests never resolve their sleep now: drop their sockets.
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}
