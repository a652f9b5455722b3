#!/usr/bin/env node
// `npm run bench`: how long a log-out takes with the kit, compared with a raw fetch and with the
// Parse JS SDK, and how long 1,000 <log-out-action> elements take to upgrade. Not a test.
//
//   npm run bench                     # N = 200 log-outs of each kind
//   npm run bench -- --n 400          # more
//   npm run bench -- --no-write       # print only; do not touch bench/results.{json,md}
//
// One Parse Server + embedded PostgreSQL (fresh temp data), one Web Dev Server for the page
// (another port than Parse: cross-origin, like a real page), Debian's Chromium headless via
// Playwright. Method and caveats: bench/README.md. Results: bench/results.md (every run kept).
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from './chromium.mjs';
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startParseServer } from '../server/index.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(rootDir, 'bench');
const appId = 'bench-app';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '10' },
    'preflight-pairs': { type: 'string', default: '40' },
    elements: { type: 'string', default: '1000' },
    'upgrade-reps': { type: 'string', default: '5' },
    sessions: { type: 'string', default: 'master' },
    diagnose: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const N = positiveInt('n', 1);
if (N < 200) console.warn(`--n ${N}: fewer than 200 log-outs each, too few for a steady p95.`);
const WARMUP = positiveInt('warmup', 0);
const PREFLIGHT_PAIRS = positiveInt('preflight-pairs', 0);
const ELEMENTS = positiveInt('elements', 1);
const UPGRADE_REPS = positiveInt('upgrade-reps', 1);
if (args.sessions !== 'master' && args.sessions !== 'login') {
  console.error(`--sessions must be "master" or "login" (got "${args.sessions}")`);
  process.exit(2);
}
/**
 * a, b, c; with --diagnose also d (<user-session>.logOut() alone), e (raw fetch + the kit's
 * side work: storage, broadcast, timeout signal) and f (d + the default button aria-disabled while it
 * runs, as the action does).
 */
const CLIENTS = args.diagnose ? ['a', 'b', 'c', 'd', 'e', 'f'] : ['a', 'b', 'c'];

const tStart = performance.now();
const log = (message) => console.log(`[${((performance.now() - tStart) / 1000).toFixed(1).padStart(5)} s] ${message}`);

// ---------------------------------------------------------------------------------------------
// Everything that is started, and its stopping (also on Ctrl-C).
/** @type {Awaited<ReturnType<typeof startParseServer>> | undefined} */
let parse;
/** @type {import('@web/dev-server-core').DevServer | undefined} */
let devServer;
/** @type {import('playwright').Browser | undefined} */
let browser;
let stopping;
let interrupted = false;
function stopAll() {
  return (stopping ??= (async () => {
    await browser?.close().catch((e) => console.error('browser close:', e));
    await devServer?.stop().catch((e) => console.error('dev server stop:', e));
    await parse?.stop().catch((e) => console.error('parse stop:', e));
  })());
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = true;
    console.log(`\n${signal}: stopping Chromium, the dev server, Parse and PostgreSQL…`);
    await stopAll();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  if (!interrupted) console.error(error); // else: the browser closing under a running step
  process.exitCode = 1;
} finally {
  const dataDir = parse?.dataDir;
  await stopAll();
  if (dataDir) {
    const left = postgresProcessesFor(dataDir);
    if (left.length) {
      console.error(`PostgreSQL processes still running for ${dataDir}:\n${left.join('\n')}`);
      process.exitCode = 1;
    } else log(`Stopped: Chromium, dev server, Parse; no PostgreSQL left for ${dataDir}.`);
  }
}

async function main() {
  const loadavg = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  log(
    `N=${N}, warm-up ${WARMUP}, preflight pairs ${PREFLIGHT_PAIRS}, upgrade ${ELEMENTS} × ${UPGRADE_REPS}; load average ${loadavg}`,
  );

  // 1. Parse (+ PostgreSQL) and the dev server, in parallel.
  const parseStarting = startParseServer({ appId, parseOptions: { protectedFieldsOwnerExempt: true } });
  parseStarting.catch(() => {});
  try {
    devServer = await startBenchDevServer(parseStarting);
  } catch (error) {
    parse = await parseStarting.catch(() => undefined); // so that stopAll() stops it
    throw error;
  }
  parse = await parseStarting;
  const { serverURL } = parse;
  const address = /** @type {import('node:net').AddressInfo | null} */ (devServer.server?.address() ?? null);
  if (!address) throw new Error('The dev server has no address.');
  const pageOrigin = `http://127.0.0.1:${address.port}`;
  log(`Parse ${serverURL} (started in ${(parse.timings.totalMs / 1000).toFixed(1)} s); page origin ${pageOrigin}`);

  // 2. One user, and every session the run needs, created now (never inside a timed part).
  const rest = restClient(serverURL, parse.masterKey);
  const password = `pw-${crypto.randomUUID()}`;
  const username = `bench-${crypto.randomUUID().slice(0, 8)}`;
  await rest('POST', '/users', { body: { username, password, email: `${username}@example.com` } });
  const sessionCount = (WARMUP + N) * CLIENTS.length + PREFLIGHT_PAIRS * 2;
  const t0 = performance.now();
  // One real log-in gives the user's JSON as a log-in answers it (what the SDK stores).
  const { sessionToken: firstToken, ...user } = await rest('POST', '/login', { body: { username, password } });
  const sessions = await mapLimit(Array.from({ length: sessionCount }), 4, async (_, i) => {
    if (i === 0) return { token: String(firstToken), user };
    if (args.sessions === 'login') {
      const { sessionToken, ...fields } = await rest('POST', '/login', { body: { username, password } });
      return { token: String(sessionToken), user: fields };
    }
    // The row POST /login writes (Parse 9: RestWrite.createSession), written with the master
    // key: same table, fields and token format, without bcrypt's ~80 ms per log-in.
    const token = `r:${crypto.randomBytes(16).toString('hex')}`;
    await rest('POST', '/sessions', {
      master: true,
      body: {
        sessionToken: token,
        user: { __type: 'Pointer', className: '_User', objectId: user.objectId },
        createdWith: { action: 'login', authProvider: 'password' },
        expiresAt: { __type: 'Date', iso: new Date(Date.now() + 365 * 24 * 3600e3).toISOString() },
      },
    });
    return { token, user };
  });
  log(
    `${sessionCount} sessions (${args.sessions === 'login' ? 'POST /login' : 'master key, POST /sessions'}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  let next = 0;
  const take = () => sessions[next++];

  // 3. Chromium.
  browser = await chromium.launch(chromiumLaunchOptions);
  const chromiumVersion = browser.version();
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(`[page ${message.type()}]`, message.text());
  });
  await page.goto(`${pageOrigin}/bench/logout.html`);
  await page.waitForFunction(() => 'bench' in window);
  const pageInfo = await page.evaluate(() => window.bench.info());
  log(`Chromium ${chromiumVersion}; crossOriginIsolated=${pageInfo.crossOriginIsolated}; Lit ${pageInfo.litBuild} build`);

  // 4. The log-outs: warm-up, then N iterations of (a), (b), (c) in rotating order.
  // Every rotation of the clients, forwards and backwards (abc cba bca acb cab bac): each client
  // runs equally often in each position and after each other client.
  const orders = CLIENTS.flatMap((_, i) => {
    const rotated = [...CLIENTS.slice(i), ...CLIENTS.slice(0, i)];
    return [rotated.join(''), [...rotated].reverse().join('')];
  });
  /** @typedef {{ total: number, pre: number, net: number, post: number }} Measure */
  /** @type {Record<string, Measure[]>} */
  const times = Object.fromEntries(CLIENTS.map((k) => [k, []]));
  /** @type {Record<string, number> | undefined} */
  let first;
  const tLoop = performance.now();
  for (let i = 0; i < WARMUP + N; i++) {
    const order = orders[i % orders.length];
    const result = await page.evaluate(
      ([o, s]) => window.bench.iteration(o, s),
      [order, Object.fromEntries(CLIENTS.map((k) => [k, take()]))],
    );
    if (i === 0) first = { a: result.a.total, b: result.b.total, c: result.c.total, order };
    if (i < WARMUP) continue;
    for (const k of CLIENTS) times[k].push(result[k]);
    if ((i - WARMUP + 1) % 50 === 0) log(`${i - WARMUP + 1}/${N} iterations`);
  }
  const loopSeconds = (performance.now() - tLoop) / 1000;

  // 5. What the kit's cross-origin request form saves. (a), (b) and (c) all send text/plain
  //    "simple" requests with the keys in the body, which never need a CORS preflight. Parse's
  //    header form would: Parse sends no Access-Control-Max-Age, so Chromium keeps a preflight
  //    only 5 s. Here, in pairs: a header-form log-out that must preflight (a URL never used
  //    before) against the simple request.
  /** @type {{ cold: number, warm: number }[]} */
  const preflight = [];
  for (let i = 0; i < PREFLIGHT_PAIRS; i++) {
    preflight.push(await page.evaluate(([j, cold, warm]) => window.bench.preflightPair(j, cold, warm), [i, take(), take()]));
  }
  if (PREFLIGHT_PAIRS) log(`${PREFLIGHT_PAIRS} preflight pairs`);

  // 6. Every session the page logged out is really revoked on the server.
  const revokedChecks = await mapLimit(sessions.slice(0, next), 8, async ({ token }) => {
    try {
      await rest('GET', '/users/me', { token });
      return false;
    } catch (error) {
      return /** @type {any} */ (error).code === 209;
    }
  });
  const notRevoked = revokedChecks.filter((ok) => !ok).length;
  if (notRevoked) throw new Error(`${notRevoked} of ${next} logged-out sessions are still valid on the server`);
  log(`all ${next} logged-out tokens answer 209 Invalid session token`);

  // 7. Upgrade of ELEMENTS <log-out-action> in one <user-session>: a fresh context and page each time.
  // With --diagnose, the same for two baselines with the same shadow DOM (bench/baseline-elements.js).
  /** @type {Record<string, { defineMs: number, updatedMs: number, layoutMs: number }[]>} */
  const upgradeRuns = {};
  for (const kind of args.diagnose ? ['kit', 'reactive', 'vanilla'] : ['kit']) {
    const runs = (upgradeRuns[kind] = []);
    for (let r = 0; r < UPGRADE_REPS; r++) {
      const context = await browser.newContext();
      const p = await context.newPage();
      p.on('pageerror', (error) => console.error('[page error]', error.message));
      await p.goto(`${pageOrigin}/bench/upgrade.html?n=${ELEMENTS}&kind=${kind}`);
      runs.push(await p.evaluate(upgradeInPage, [ELEMENTS, kind]));
      await context.close();
    }
    log(`upgrade (${kind}): ${runs.map((u) => u.updatedMs.toFixed(1)).join(', ')} ms`);
  }
  const upgrades = upgradeRuns.kit;

  // 8. Report.
  const stats = Object.fromEntries(CLIENTS.map((k) => [k, summarize(times[k].map((m) => m.total))]));
  /** Medians of the split of each measure (see bench/logout-page.js split()). */
  const parts = Object.fromEntries(
    CLIENTS.map((k) => [
      k,
      Object.fromEntries(
        ['pre', 'net', 'post', ...(args.diagnose ? ['jsBefore', 'fetchWait', 'jsAfter'] : [])].map((part) => [
          part,
          median(times[k].map((m) => m[part])),
        ]),
      ),
    ]),
  );
  const paired = times.b.map((b, i) => b.total - times.a[i].total);
  const pairedCi = bootstrapMedianCi(paired);
  const run = {
    date: new Date().toISOString(),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadavg,
    node: process.version,
    chromium: chromiumVersion,
    lit: pageInfo.litBuild,
    crossOriginIsolated: pageInfo.crossOriginIsolated,
    n: N,
    warmup: WARMUP,
    diagnose: args.diagnose,
    sessions: args.sessions,
    loopSeconds,
    stats,
    parts,
    ratios: { ba: stats.b.median / stats.a.median, cb: stats.c.median / stats.b.median },
    diff: { medians: stats.b.median - stats.a.median, pairedMedian: median(paired), pairedCi },
    first,
    preflight: preflight.length
      ? {
          pairs: preflight.length,
          cold: median(preflight.map((p) => p.cold)),
          warm: median(preflight.map((p) => p.warm)),
          cost: median(preflight.map((p) => p.cold - p.warm)),
        }
      : null,
    upgrade: {
      elements: ELEMENTS,
      reps: UPGRADE_REPS,
      defineMs: median(upgrades.map((u) => u.defineMs)),
      updatedMs: median(upgrades.map((u) => u.updatedMs)),
      layoutMs: median(upgrades.map((u) => u.layoutMs)),
      all: upgrades,
      baselines: args.diagnose
        ? Object.fromEntries(
            ['reactive', 'vanilla'].map((kind) => [
              kind,
              {
                defineMs: median(upgradeRuns[kind].map((u) => u.defineMs)),
                updatedMs: median(upgradeRuns[kind].map((u) => u.updatedMs)),
                layoutMs: median(upgradeRuns[kind].map((u) => u.layoutMs)),
              },
            ]),
          )
        : null,
    },
    totalSeconds: (performance.now() - tStart) / 1000,
  };
  console.log(`\n${formatRun(run)}`);
  if (!args['no-write']) {
    const file = await saveRun(run);
    log(`written to ${path.relative(process.cwd(), file)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// In the upgrade page (serialized by Playwright: self-contained).
/** @param {[number, 'kit' | 'reactive' | 'vanilla']} options */
async function upgradeInPage([n, kind]) {
  // Load (fetch, compile, evaluate) the class modules first: they define nothing, so the
  // elements stay undefined. Only define → all rendered is timed, not the network.
  const [{ UserSessionElement }, { LogOutActionElement }, baselines] = await Promise.all([
    import('/src/elements/user-session.ts'),
    import('/src/elements/log-out-action.ts'),
    kind === 'kit' ? null : import('/bench/baseline-elements.js'),
  ]);
  const tag = { kit: 'log-out-action', reactive: 'baseline-reactive', vanilla: 'baseline-vanilla' }[kind];
  const ElementClass = {
    kit: LogOutActionElement,
    reactive: baselines?.BaselineReactiveElement,
    vanilla: baselines?.BaselineVanillaElement,
  }[kind];
  const els = [...document.querySelectorAll(tag)];
  if (els.length !== n || customElements.get(tag)) throw new Error('page not as expected');
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the page settle (module evaluation, idle GC)
  const t0 = performance.now();
  customElements.define('user-session', UserSessionElement);
  customElements.define(tag, ElementClass); // upgrades all n synchronously
  const t1 = performance.now();
  await Promise.all(els.map((e) => /** @type {any} */ (e).updateComplete));
  const t2 = performance.now();
  void document.body.offsetHeight; // style and layout of the n shadow trees
  const t3 = performance.now();
  const rendered = els.filter(
    (e) => e instanceof ElementClass && e.shadowRoot?.querySelector('button')?.textContent === 'Log out',
  ).length;
  if (rendered !== n) throw new Error(`only ${rendered} of ${n} rendered`);
  return { defineMs: t1 - t0, updatedMs: t2 - t0, layoutMs: t3 - t0 };
}

// ---------------------------------------------------------------------------------------------
// Dev server pieces.

/**
 * The Web Dev Server for the bench pages: src/*.ts compiled by esbuild, bare imports resolved.
 * @param {Promise<{ serverURL: string }>} parseStarting
 */
function startBenchDevServer(parseStarting) {
  return startDevServer({
    config: {
      rootDir,
      hostname: '127.0.0.1',
      port: 0,
      // Lit's production build, as a page would ship (the dev server defaults to its development build).
      nodeResolve: { exportConditions: ['production'] },
      middleware: [onlyBenchFiles()],
      plugins: [
        benchPagesPlugin(async () => (await parseStarting).serverURL),
        esbuildPlugin({ ts: true, tsconfig: path.join(rootDir, 'tsconfig.json'), target: 'es2022' }),
      ],
    },
    readCliArgs: false,
    readFileConfig: false,
    autoExitProcess: false,
    logStartMessage: false,
  });
}

/** Only what the bench pages need: never .data/ (PostgreSQL's files), .git/ or the rest of the repo. */
function onlyBenchFiles() {
  const allowed = ['/bench/', '/src/', '/node_modules/', '/__web-dev-server', '/__wds-outside-root__/'];
  return (ctx, next) => {
    let pathname = null;
    try {
      pathname = path.posix.normalize(decodeURIComponent(ctx.path));
    } catch {
      // malformed escapes
    }
    if (pathname && !pathname.split('/').some((part) => part.startsWith('.')) && allowed.some((a) => pathname.startsWith(a))) {
      return next();
    }
    ctx.status = 404;
    ctx.body = 'Not part of the bench.';
    return undefined;
  };
}

/**
 * /bench/logout.html and /bench/upgrade.html, generated with the Parse server's URL. Served
 * cross-origin isolated (COOP/COEP), so performance.now() is precise to 5 µs instead of 100 µs;
 * the cross-origin calls to Parse are CORS requests, which COEP allows as they are.
 * @param {() => Promise<string>} getServerURL
 * @returns {import('@web/dev-server-core').Plugin}
 */
function benchPagesPlugin(getServerURL) {
  const headers = {
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  };
  return {
    name: 'bench-pages',
    async serve(context) {
      if (context.path === '/bench/logout.html') {
        const serverURL = await getServerURL();
        return {
          type: 'html',
          headers,
          body: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>log-out bench</title><link rel="icon" href="data:,">
<script type="application/json" id="bench-config">${JSON.stringify({ serverURL, appId, diagnose: args.diagnose })}</script>
<script src="/node_modules/parse/dist/parse.min.js"></script>
<script type="module" src="/bench/logout-page.js"></script>
</head><body>
<div id="home"><user-session server-url="${serverURL}" app-id="${appId}"><log-out-action></log-out-action></user-session></div>
</body></html>`,
        };
      }
      if (context.path === '/bench/upgrade.html') {
        const serverURL = await getServerURL();
        const n = Math.max(1, Math.min(100_000, Number(context.URL.searchParams.get('n')) || 1000));
        const kind = context.URL.searchParams.get('kind') ?? 'kit';
        const tag =
          { kit: 'log-out-action', reactive: 'baseline-reactive', vanilla: 'baseline-vanilla' }[kind] ?? 'log-out-action';
        return {
          type: 'html',
          headers,
          body: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>upgrade bench</title><link rel="icon" href="data:,"></head><body>
<user-session server-url="${serverURL}" app-id="${appId}">
${`<${tag}></${tag}>\n`.repeat(n)}</user-session>
</body></html>`,
        };
      }
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Node helpers.

/** Parse REST from Node (loopback), for setting up and checking sessions. */
function restClient(serverURL, masterKey) {
  return async (method, route, { body, token, master = false } = {}) => {
    const headers = { 'X-Parse-Application-Id': appId };
    if (master) headers['X-Parse-Master-Key'] = masterKey;
    if (token) headers['X-Parse-Session-Token'] = token;
    if (body) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${serverURL}${route}`, { method, headers, body: body && JSON.stringify(body) });
    const data = await res.json();
    if (!res.ok)
      throw Object.assign(new Error(`${method} ${route}: ${res.status} ${JSON.stringify(data)}`), { code: data?.code });
    return data;
  };
}

/** Maps with at most `limit` calls in flight; results in order. */
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) {
        const j = i++;
        results[j] = await fn(items[j], j);
      }
    }),
  );
  return results;
}

function positiveInt(name, min) {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be an integer ≥ ${min} (got "${args[name]}")`);
    process.exit(2);
  }
  return value;
}

/** PIDs and command lines of PostgreSQL processes whose command line names `dataDir`. */
function postgresProcessesFor(dataDir) {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('postgres') && line.includes(dataDir));
}

// ---------------------------------------------------------------------------------------------
// Statistics and output.

function quantile(sorted, q) {
  // nearest rank
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
function median(values) {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function summarize(values) {
  const s = [...values].sort((x, y) => x - y);
  return { n: s.length, median: median(s), p95: quantile(s, 0.95), min: s[0], max: s[s.length - 1] };
}
/** 95 % percentile-bootstrap interval of the median (2,000 resamples, fixed seed). */
function bootstrapMedianCi(values, resamples = 2000) {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const medians = [];
  for (let r = 0; r < resamples; r++) {
    medians.push(median(values.map(() => values[Math.floor(random() * values.length)])));
  }
  medians.sort((x, y) => x - y);
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

function ms(v, digits = 2) {
  return v === null || v === undefined ? 'n/a' : v.toFixed(digits);
}

function formatRun(run) {
  const { stats, ratios, diff, upgrade } = run;
  const verdict =
    diff.pairedCi[1] <= 1
      ? 'MET (even the upper end of its 95 % interval is ≤ 1 ms)'
      : diff.pairedMedian <= 1
        ? 'met by the median, but its 95 % interval reaches above 1 ms'
        : 'NOT met';
  const lines = [
    `Log-out, ${run.n} of each (after ${run.warmup} warm-up iterations), interleaved; Chromium ${run.chromium}, nproc ${run.nproc}, load ${run.loadavg}`,
    '',
    '| client                                   | median ms | p95 ms | min ms |',
    '| ---------------------------------------- | --------: | -----: | -----: |',
    `| (a) raw fetch POST /logout               | ${ms(stats.a.median).padStart(9)} | ${ms(stats.a.p95).padStart(6)} | ${ms(stats.a.min).padStart(6)} |`,
    `| (b) kit: <log-out-action>.do() → success | ${ms(stats.b.median).padStart(9)} | ${ms(stats.b.p95).padStart(6)} | ${ms(stats.b.min).padStart(6)} |`,
    `| (c) Parse SDK: Parse.User.logOut()       | ${ms(stats.c.median).padStart(9)} | ${ms(stats.c.p95).padStart(6)} | ${ms(stats.c.min).padStart(6)} |`,
    ...(stats.d
      ? [
          `| (d) diagnose: <user-session>.logOut()    | ${ms(stats.d.median).padStart(9)} | ${ms(stats.d.p95).padStart(6)} | ${ms(stats.d.min).padStart(6)} |`,
          `| (e) diagnose: fetch + kit's side work    | ${ms(stats.e.median).padStart(9)} | ${ms(stats.e.p95).padStart(6)} | ${ms(stats.e.min).padStart(6)} |`,
          `| (f) diagnose: (d) + button busy          | ${ms(stats.f.median).padStart(9)} | ${ms(stats.f.p95).padStart(6)} | ${ms(stats.f.min).padStart(6)} |`,
        ]
      : []),
    '',
    'Split (medians, ms): before the request starts / request on the wire, incl. server / after its last byte',
    ...Object.keys(run.parts).map((k) => `  (${k}) ${ms(run.parts[k].pre)} / ${ms(run.parts[k].net)} / ${ms(run.parts[k].post)}`),
    ...(run.diagnose
      ? [
          'Diagnose (medians, ms): JS before fetch() is called / fetch() → its promise settles / JS after (body, parse, events)',
          ...Object.keys(run.parts).map(
            (k) => `  (${k}) ${ms(run.parts[k].jsBefore, 3)} / ${ms(run.parts[k].fetchWait, 3)} / ${ms(run.parts[k].jsAfter, 3)}`,
          ),
        ]
      : []),
    '',
    `(b)/(a) = ${ratios.ba.toFixed(3)}   (c)/(b) = ${ratios.cb.toFixed(3)}   (medians)`,
    `(b)−(a): median(b)−median(a) = ${ms(diff.medians)} ms; median of paired differences = ${ms(diff.pairedMedian)} ms` +
      ` (95 % CI ${ms(diff.pairedCi[0])} … ${ms(diff.pairedCi[1])})`,
    `Goal "the kit adds ≤ 1 ms median over raw fetch": ${verdict}`,
    '',
    `First iteration (page just loaded: new connections, preflights, cold JIT; order ${run.first?.order}):` +
      ` a ${ms(run.first?.a)} ms, b ${ms(run.first?.b)} ms, c ${ms(run.first?.c)} ms`,
    run.preflight
      ? `CORS preflight, ${run.preflight.pairs} pairs of raw-fetch log-outs: X-Parse-* headers with a preflight ${ms(run.preflight.cold)} ms,` +
        ` the simple text/plain request ${ms(run.preflight.warm)} ms (medians); the preflight costs ${ms(run.preflight.cost)} ms` +
        ' (median of paired differences). (a), (b) and (c) all send the simple request: none pays it.'
      : 'CORS preflight: not measured (--preflight-pairs 0).',
    '',
    `Upgrade of ${upgrade.elements} <log-out-action> in one <user-session>, median of ${upgrade.reps} fresh pages:` +
      ` define() ${ms(upgrade.defineMs, 1)} ms, all updateComplete ${ms(upgrade.updatedMs, 1)} ms` +
      ` (${ms((upgrade.updatedMs * 1000) / upgrade.elements, 1)} µs/element); with style+layout ${ms(upgrade.layoutMs, 1)} ms` +
      ` — runs: ${upgrade.all.map((u) => ms(u.updatedMs, 1)).join(', ')} ms`,
    ...(upgrade.baselines
      ? Object.entries(upgrade.baselines).map(
          ([kind, b]) =>
            `  baseline ${kind === 'reactive' ? 'ReactiveElement, same shadow DOM' : 'HTMLElement + attachShadow, same DOM'}:` +
            ` define() ${ms(b.defineMs, 1)} ms, all updateComplete ${ms(b.updatedMs, 1)} ms; with style+layout ${ms(b.layoutMs, 1)} ms`,
        )
      : []),
    '',
    `Log-out loop ${run.loopSeconds.toFixed(1)} s; whole bench ${run.totalSeconds.toFixed(1)} s.`,
  ];
  return lines.join('\n');
}

/** Appends the run to bench/results.json and rewrites bench/results.md from all runs. */
async function saveRun(run) {
  const jsonFile = path.join(benchDir, 'results.json');
  const runs = existsSync(jsonFile) ? JSON.parse(await readFile(jsonFile, 'utf8')) : [];
  runs.push(run);
  await writeFile(jsonFile, `${JSON.stringify(runs, null, 2)}\n`);

  const row = (r) =>
    `| ${r.date.slice(0, 16).replace('T', ' ')} | ${r.nproc} | ${r.loadavg.split(' ')[0]} | ${r.chromium} | ${r.n} | ${ms(r.stats.a.median)} / ${ms(r.stats.a.p95)}` +
    ` | ${ms(r.stats.b.median)} / ${ms(r.stats.b.p95)} | ${ms(r.stats.c.median)} / ${ms(r.stats.c.p95)}` +
    ` | ${r.ratios.ba.toFixed(2)} | ${r.ratios.cb.toFixed(2)} | ${ms(r.diff.medians)} | ${ms(r.diff.pairedMedian)} (${ms(r.diff.pairedCi[0])}…${ms(r.diff.pairedCi[1])})` +
    ` | ${ms(r.preflight?.cost)} | ${ms(r.upgrade.updatedMs, 1)} |`;
  const md = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (scripts/bench.mjs); one row per run, newest last. Method: bench/README.md.',
    'Times in ms. a = raw `fetch` POST /logout, b = the kit (`<log-out-action>.do()` → `success`),',
    'c = Parse JS SDK `Parse.User.logOut()`; "med / p95" over N log-outs of each, interleaved.',
    '"b−a paired" is the median of the per-iteration differences, with its 95 % bootstrap interval.',
    '"load" is the 1-minute load average when the run started (the machine is shared).',
    '"preflight" is the extra cost of a CORS preflight (paired raw fetches). "upgrade" is define → all',
    '`<log-out-action>` (1,000 by default) upgraded and rendered, median of fresh pages (5 by default).',
    '',
    '| date (UTC) | nproc | load | Chromium | N | a med / p95 | b med / p95 | c med / p95 | b/a | c/b | b−a (medians) | b−a paired (95 % CI) | preflight | upgrade |',
    '| --- | --: | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...runs.map(row),
    '',
    '## Latest run, in full',
    '',
    '```',
    formatRun(run),
    '```',
    '',
  ].join('\n');
  const mdFile = path.join(benchDir, 'results.md');
  await writeFile(mdFile, md);
  return mdFile;
}
