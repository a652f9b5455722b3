// A Web Test Runner plugin that gives browser tests a real Parse Server (on a real, embedded
// PostgreSQL, see server/README.md) with a fault-injecting proxy in front of it.
//
// - Started once for the whole run: at server start when `startEagerly` is set (the config sets
//   it when the run's test files may include test/integration, so the 2–5 s start overlaps the
//   browser launch and the first files), else by the first `parse-config` command. Runs without
//   integration tests never load parse-server nor start PostgreSQL.
// - One fresh temp database per run (a dataDir of our own, so the server can be stopped and
//   started again on the same data and port: the "server is down" case), deleted at the end.
// - Stopped by `serverStop` (normal end, Ctrl-C); if the process dies before that, the harness
//   stops PostgreSQL on exit and a detached shell removes the data dir.
//
// Browser side (test/integration/parse-server.ts) calls these with `executeServerCommand`:
//   parse-config          → { appId, serverURL, proxyServerURL } (starts everything if needed;
//                            `{ ready: false }` if the start is still running after `waitMs`)
//   parse-proxy-fault     payload: a fault for the proxy (server/fault-proxy.mjs) or null
//   parse-proxy-release   lets the requests a `hold` fault keeps go on → how many
//   parse-proxy-reset     clears the fault and the request log (drops requests still held)
//   parse-proxy-requests  → { requests: [{ method, path, fault, contentType, parseHeaders, bytesSent?,
//                            complete? }], preflights: [{ method, path }] }
//   parse-server-stop     stops Parse Server and PostgreSQL (data kept, port kept)
//   parse-server-start    starts them again on the same data dir and ports (no-op if running)
//   parse-keyed-config    → { appId, serverURL, clientKey } of a second Parse app on the same
//                            PostgreSQL (tables prefixed `keyed_`) that requires a JavaScript key
//                            (started on first use)
//   parse-collector       → { url, session } of the collector (started on first use): a small HTTP server on
//                            another loopback address (127.0.0.2) standing for "somewhere else"; the
//                            proxy's `redirect` fault points there. It records every request it gets
//                            (preflights too) and answers each like a friendly Parse would: CORS
//                            allowed, 200 with a user and a session token of its own.
//   parse-collector-requests payload `{ secrets?: string[] }` → { requests: [{ method, path,
//                            headerNames, leaked }] }: `leaked` lists the given secrets (a password,
//                            a token) found in that request's headers, URL or body
//   parse-collector-reset forgets what the collector saw
//   mail-config           → { inboxURL } of the local mail server (server/mail-harness.mjs) that
//                            receives Parse's password-reset and verification mails
//   mail-messages         payload `{ to? }` → { messages: [{ id, to, subject, text, links, … }] }
//
// Mail: the main app sends through SMTP to a local mail server started with it; its links point
// at `<test server>/same-origin/parse/apps/…` (publicServerURL), so a test page can open Parse's
// own reset and verification pages in a same-origin frame and drive them like a person.
//
// Same origin: the plugin's `middleware` (put it in the config's `middleware`) forwards
// `/same-origin/parse/…` on the test server itself to the fault proxy, so a page can use
// `server-url="/same-origin/parse"` as behind a site's own reverse proxy; `/same-origin/keyed/parse/…`
// to the keyed app.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sameOriginPrefix = '/same-origin';

const COMMANDS = new Set([
  'parse-config',
  'parse-proxy-fault',
  'parse-proxy-release',
  'parse-proxy-reset',
  'parse-proxy-requests',
  'parse-server-stop',
  'parse-server-start',
  'parse-keyed-config',
  'parse-collector',
  'parse-collector-requests',
  'parse-collector-reset',
  'mail-config',
  'mail-messages',
]);
const keyedPrefix = `${sameOriginPrefix}/keyed`;
const keyedClientKey = 'it-javascript-key';

/** What the collector answers: a session that must never be taken for a real one. */
const collectorSession = { objectId: 'collector-user', username: 'collector', sessionToken: 'r:from-the-collector' };

/**
 * @typedef {object} CollectedRequest
 * @property {string} method
 * @property {string} url Path and query.
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} body
 */

/**
 * The collector: records every request, answers CORS preflights (any origin, any header) and
 * everything else with 200 and `collectorSession`. On 127.0.0.2 (another origin than the test
 * server and the proxy); where that address cannot be bound (not Linux), on 127.0.0.1.
 * @returns {Promise<{ url: string, requests: CollectedRequest[], close: () => Promise<void> }>}
 */
async function startCollector() {
  /** @type {CollectedRequest[]} */
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    try {
      for await (const chunk of req) chunks.push(chunk);
    } catch {
      // keep what arrived
    }
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    const cors = {
      'Access-Control-Allow-Origin': String(req.headers.origin ?? '*'),
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? 'Content-Type'),
      'Access-Control-Allow-Private-Network': 'true',
      'Cache-Control': 'no-store',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Content-Length': '0' });
      res.end();
      return;
    }
    const body = JSON.stringify({ ...collectorSession, createdAt: new Date().toISOString(), results: [] });
    res.writeHead(200, { ...cors, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const listen = (/** @type {string} */ host) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.removeListener('error', reject);
        resolve(host);
      });
    });
  const host = await listen('127.0.0.2').catch(() => listen('127.0.0.1'));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * @param {{ appId?: string, parseOptions?: Record<string, unknown>, startEagerly?: boolean, log?: (message: string) => void }} [options]
 *   `parseOptions`: extra Parse Server options for the main server (merged over
 *   `{ protectedFieldsOwnerExempt: true }`). `startEagerly`: start in the background when the
 *   test server starts instead of on first use.
 */
export function parseServerPlugin(options = {}) {
  const appId = options.appId ?? `it-${Date.now().toString(36)}`;
  const parseOptions = { protectedFieldsOwnerExempt: true, ...options.parseOptions };
  const log = options.log ?? ((message) => process.env.PARSE_PLUGIN_VERBOSE && console.log(`[parse-plugin] ${message}`));

  /** @type {{ harness: any, proxy: any, mail: any, serverURL: string, dataDir: string, port: number, pgPort: number | null } | null} */
  let state = null;
  /** @type {Promise<NonNullable<typeof state>> | null} */
  let starting = null;
  /** Serialises stop/start of the harness. */
  let harnessChain = Promise.resolve();
  /** @type {any} */
  let harnessModule;
  let stopped = false;
  /** The test server's own origin (known at serverStart): where mail links send the browser. */
  let testServerOrigin = '';
  /** @type {any} */
  let mailModule;

  const loadHarness = async () => (harnessModule ??= await import('../server/index.mjs'));

  /** If the process exits without serverStop: remove the data dir once PostgreSQL is gone. */
  const onExit = () => {
    if (!state?.dataDir || !existsSync(state.dataDir)) return;
    let pid = '';
    try {
      pid = readFileSync(join(state.dataDir, 'pgdata', 'postmaster.pid'), 'utf8')
        .split('\n')[0]
        .trim();
    } catch {
      // no PostgreSQL running
    }
    try {
      if (/^\d+$/.test(pid)) {
        spawn('/bin/sh', ['-c', `while kill -0 ${pid} 2>/dev/null; do sleep 0.1; done; rm -rf -- "$0"`, state.dataDir], {
          detached: true,
          stdio: 'ignore',
        }).unref();
      } else {
        rmSync(state.dataDir, { recursive: true, force: true });
      }
    } catch {
      // best effort
    }
  };

  const startHarness = async (
    /** @type {{ dataDir: string, port?: number, pgPort?: number | null, mail: { port: number } }} */ where,
  ) => {
    const { startParseServer } = await loadHarness();
    /** @type {string | null} */
    let directURL = null;
    const harness = await startParseServer({
      appId,
      dataDir: where.dataDir,
      ...(where.port ? { port: where.port } : {}),
      ...(where.pgPort ? { pgPort: where.pgPort } : {}),
      mail: where.mail,
      // Hundreds of sign-ups and sign-ins per engine: see useCheapBcrypt in the harness.
      cheapPasswordHashing: true,
      parseOptions: {
        // Read per request: Parse's pages on the test server's origin, through `/same-origin/parse`.
        publicServerURL: () => (testServerOrigin ? `${testServerOrigin}${sameOriginPrefix}/parse` : directURL),
        ...parseOptions,
      },
    });
    directURL = harness.serverURL;
    return harness;
  };

  const start = () =>
    (starting ??= (async () => {
      if (stopped) throw new Error('parse plugin: the test server is stopping');
      const t0 = Date.now();
      const { startFaultProxy } = await loadHarness();
      const dataDir = await mkdtemp(join(tmpdir(), 'wtr-parse-'));
      let harness;
      let mail;
      try {
        mailModule ??= await import('../server/mail-harness.mjs');
        mail = await mailModule.startMailServer();
        harness = await startHarness({ dataDir, mail: { port: mail.smtpPort } });
        const proxy = await startFaultProxy({ target: harness.serverURL });
        state = { harness, proxy, mail, serverURL: harness.serverURL, dataDir, port: harness.port, pgPort: harness.pgPort };
        process.on('exit', onExit);
      } catch (error) {
        await harness?.stop().catch(() => {});
        await mail?.stop().catch(() => {});
        await rm(dataDir, { recursive: true, force: true }).catch(() => {});
        throw error;
      }
      const { proxy } = state;
      log(`Parse Server ${harness.serverURL}, proxy ${proxy.url}, started in ${Date.now() - t0} ms`);
      return state;
    })());

  /** @param {() => Promise<void>} step */
  const serially = (step) => {
    const next = harnessChain.then(step);
    harnessChain = next.catch(() => {});
    return next;
  };

  const config = (/** @type {NonNullable<typeof state>} */ s) => ({
    appId,
    serverURL: s.serverURL,
    proxyServerURL: `${s.proxy.url}/parse`,
  });

  /**
   * Koa middleware: `/same-origin/parse/…` → the fault proxy (and so Parse Server), with the
   * method, headers and body as sent. Anything else goes on to the test server.
   * @param {any} ctx @param {() => Promise<void>} next
   */
  const sameOrigin = async (ctx, next) => {
    if (!ctx.path.startsWith(`${sameOriginPrefix}/`)) return next();
    const keyedRoute = ctx.path.startsWith(`${keyedPrefix}/`);
    const target = keyedRoute
      ? `${new URL((await startKeyed()).serverURL).origin}${ctx.url.slice(keyedPrefix.length)}`
      : `${(await start()).proxy.url}${ctx.url.slice(sameOriginPrefix.length)}`;
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    /** @type {Record<string, string>} */
    const headers = {};
    for (const [name, value] of Object.entries(ctx.req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    // A redirect goes back to the browser as it came (the browser decides whether to follow).
    const reply = await fetch(target, {
      method: ctx.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      redirect: 'manual',
    });
    ctx.status = reply.status;
    const location = reply.headers.get('location');
    if (location) ctx.set('Location', location);
    const type = reply.headers.get('content-type');
    if (type) ctx.type = type;
    ctx.body = Buffer.from(await reply.arrayBuffer());
  };

  /** @type {Promise<any> | null} */
  let keyedStarting = null;
  /** The second app, on the main app's PostgreSQL: started on first use, stopped with the main one. */
  const startKeyed = () =>
    (keyedStarting ??= start().then(async (s) => {
      const { startParseServer } = await loadHarness();
      return startParseServer({
        appId: `${appId}-keyed`,
        databaseURI: s.harness.databaseURI,
        cheapPasswordHashing: true,
        parseOptions: { ...parseOptions, javascriptKey: keyedClientKey, collectionPrefix: 'keyed_' },
      });
    }));

  /** @type {ReturnType<typeof startCollector> | null} */
  let collectorStarting = null;
  const collector = () => (collectorStarting ??= startCollector());

  return {
    name: 'parse-server',
    middleware: sameOrigin,

    /** @param {{ config: { hostname?: string, port?: number } }} args */
    serverStart({ config: wtrConfig }) {
      if (wtrConfig?.port) testServerOrigin = `http://${wtrConfig.hostname ?? 'localhost'}:${wtrConfig.port}`;
      // Errors surface at the first command, which awaits the same promise.
      if (options.startEagerly) start().catch(() => {});
    },

    /** @param {{ command: string, payload: any }} args */
    async executeCommand({ command, payload }) {
      if (!COMMANDS.has(command)) return undefined;
      if (command === 'parse-config') {
        const waitMs = Number(payload?.waitMs ?? 15000);
        const pending = start();
        let timer;
        const ready = await Promise.race([
          pending.then(() => true),
          new Promise((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
        ]).finally(() => clearTimeout(timer));
        return ready ? { ready: true, ...config(await pending) } : { ready: false };
      }
      if (command === 'parse-collector') return { url: (await collector()).url, session: collectorSession };
      if (command === 'parse-collector-reset') {
        (await collector()).requests.length = 0;
        return true;
      }
      if (command === 'parse-collector-requests') {
        /** @type {string[]} */
        const secrets = Array.isArray(payload?.secrets) ? payload.secrets.filter((x) => typeof x === 'string' && x) : [];
        return {
          requests: (await collector()).requests.map((r) => {
            const seen = [r.url, JSON.stringify(r.headers), r.body].join('\n');
            const spellings = (/** @type {string} */ x) => [x, encodeURIComponent(x), JSON.stringify(x).slice(1, -1)];
            return {
              method: r.method,
              path: r.url.split('?')[0],
              headerNames: Object.keys(r.headers).sort(),
              leaked: secrets.filter((x) => spellings(x).some((form) => seen.includes(form))),
            };
          }),
        };
      }
      if (command === 'parse-keyed-config') {
        const keyed = await startKeyed();
        return { appId: keyed.appId, serverURL: keyed.serverURL, clientKey: keyedClientKey };
      }
      const s = await start();
      switch (command) {
        case 'mail-config':
          return { inboxURL: s.mail.inboxURL };
        case 'mail-messages':
          return { messages: s.mail.list(typeof payload?.to === 'string' ? payload.to : undefined) };
        case 'parse-proxy-fault':
          s.proxy.setFault(payload ?? null);
          return true;
        case 'parse-proxy-release':
          return s.proxy.release();
        case 'parse-proxy-reset':
          s.proxy.reset();
          return true;
        case 'parse-proxy-requests':
          return {
            requests: s.proxy.requests.map((/** @type {any} */ r) => ({
              method: r.method,
              path: r.path,
              fault: r.fault,
              contentType: r.headers['content-type'] ?? null,
              // Names only: which Parse keys travelled as headers.
              parseHeaders: Object.keys(r.headers)
                .filter((name) => name.startsWith('x-parse-'))
                .sort(),
              ...(r.bytesSent === undefined ? {} : { bytesSent: r.bytesSent, complete: r.complete }),
            })),
            preflights: s.proxy.preflights.map((/** @type {any} */ r) => ({ method: r.method, path: r.path })),
          };
        case 'parse-server-stop':
          await serially(async () => {
            if (!s.harness) return;
            const harness = s.harness;
            s.harness = null;
            await harness.stop();
            log('Parse Server stopped');
          });
          return true;
        case 'parse-server-start':
          await serially(async () => {
            if (s.harness) return;
            const t0 = Date.now();
            s.harness = await startHarness({
              dataDir: s.dataDir,
              port: s.port,
              pgPort: s.pgPort,
              mail: { port: s.mail.smtpPort },
            });
            log(`Parse Server restarted in ${Date.now() - t0} ms`);
          });
          return { ready: true, ...config(s) };
        default:
          return undefined;
      }
    },

    async serverStop() {
      stopped = true;
      const started = await collectorStarting?.catch(() => null);
      await started?.close().catch(() => {});
      if (!starting) return;
      const keyed = await keyedStarting?.catch(() => null);
      await keyed?.stop().catch(() => {});
      const s = await starting.catch(() => null);
      if (!s) return;
      await s.proxy.close().catch(() => {});
      await s.mail.stop().catch(() => {});
      await serially(async () => {
        await s.harness?.stop();
        s.harness = null;
      }).catch((error) => console.error('parse plugin: stopping Parse Server failed:', error));
      await rm(s.dataDir, { recursive: true, force: true }).catch(() => {});
      process.removeListener('exit', onExit);
      state = null;
      log('stopped');
    },
  };
}
