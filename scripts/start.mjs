#!/usr/bin/env node
// `npm start`: the demo pages against a real Parse Server and a real OpenID Provider on this machine.
//
//  1. Parse Server 9 + an embedded PostgreSQL (server/parse-harness.mjs), data kept in
//     .data/parse (or DEMO_DATA_DIR) so accounts survive restarts, on PARSE_PORT (default 1337;
//     a free port if busy; 0: any free port);
//  2. an OpenID Provider, oidc-provider 9 behind the fault proxy (server/oidc-harness.mjs), issuer
//     http://localhost:OIDC_PORT (default 9090; a free port if busy; 0: any), client "demo-spa",
//     accounts ada / lovelace-secret and grace / hopper-secret, kept in memory (lost on restart);
//  3. a local mail server (server/mail-harness.mjs): Parse sends its password-reset and
//     verification mails there by SMTP (SMTP_PORT, default a free port), and the demo page lists
//     them from its HTTP inbox (INBOX_PORT, default a free port), kept in memory;
//  4. a Better Auth server, better-auth 1.7 on SQLite behind the fault proxy
//     (server/better-auth-harness.mjs), at http://localhost:BETTER_AUTH_PORT/api/auth (default 9191;
//     a free port if busy; 0: any), trusting the demo page's origin, kept in memory (lost on restart),
//     with one demo account made on each start (ada@example.test, username ada / lovelace-secret)
//     for its page, demo/better-auth.html;
//  5. Web Dev Server on PORT (default 8000; a free port if busy; 0: any) serving index.html and demo/,
//     compiling src/*.ts on the fly, and answering /demo/config.js with
//     `export default { serverURL, appId, oidc: { issuer, clientId }, betterAuth: { serverUrl, account }, inboxURL }`
//     for the servers above.
//
// All start in parallel. Ctrl-C / SIGTERM stop the dev server, the provider, Parse and PostgreSQL,
// and the process exits with code 0. test/node/demo.test.mjs runs this file as the README says, with
// PORT=0 PARSE_PORT=0 DEMO_DATA_DIR=<a temp dir>, and drives the page in headless Chromium.
import net from 'node:net';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startBetterAuth, startMailServer, startOidcProvider, startParseServer } from '../server/index.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the demo's accounts are kept unless told otherwise. */
const defaultDataDir = () => path.resolve(process.env.DEMO_DATA_DIR || path.join(rootDir, '.data', 'parse'));

/** The Better Auth demo account, made on each start (the database is in memory). */
export const betterAuthAccount = Object.freeze({
  email: 'ada@example.test',
  username: 'ada',
  password: 'lovelace-secret',
  name: 'Ada Lovelace',
});

/**
 * @typedef {object} DemoOptions
 * @property {string} [appId] Parse application id. Default `'demo-app'`.
 * @property {string | null} [dataDir] PostgreSQL data dir (created if missing, kept on stop).
 *   Default `DEMO_DATA_DIR` or `<repo>/.data/parse`; `null`: a temp dir, deleted on stop.
 * @property {number} [parsePort] Default `PARSE_PORT` or 1337; a free port if that one is busy.
 * @property {number} [port] Dev server port. Default `PORT` or 8000; a free port if busy.
 * @property {number} [oidcPort] The OpenID Provider's (issuer's) port. Default `OIDC_PORT` or 9090;
 *   a free port if busy.
 * @property {number} [betterAuthPort] The Better Auth server's public (proxy) port. Default
 *   `BETTER_AUTH_PORT` or 9191; a free port if busy.
 */

/**
 * @typedef {object} Demo
 * @property {string} url The demo page.
 * @property {string} serverURL Parse Server's URL, as given to the page.
 * @property {string} appId
 * @property {{ issuer: string, clientId: string, accounts: { login: string, password: string }[] }} oidc
 *   The OpenID Provider, as given to the page, and its accounts.
 * @property {string} inboxURL The local mail server's inbox (JSON), where Parse's mails arrive.
 * @property {{ serverUrl: string, page: string, account: { email: string, username: string, password: string } }} betterAuth
 *   The Better Auth server (`http://localhost:<port>/api/auth`), which trusts the demo page's origin,
 *   its demo page and its demo account.
 * @property {string | null} dataDir
 * @property {boolean} freshData Whether this start created the database (first run).
 * @property {string[]} notes Port fallbacks and the like, for the console.
 * @property {{ totalMs: number, postgresMs: number, parseReadyAt: number, devServerReadyAt: number }} timings
 *   `totalMs`: startDemo() from call to return; `postgresMs`: PostgreSQL's start; `…ReadyAt`:
 *   when Parse Server / the dev server were up, in ms since the process started.
 * @property {() => Promise<void>} stop Stops the dev server, then the provider, Better Auth, Parse and
 *   PostgreSQL (idempotent).
 */

/**
 * Starts Parse Server (with its PostgreSQL), the OpenID Provider and the dev server for the demo pages.
 * @param {DemoOptions} [options]
 * @returns {Promise<Demo>}
 */
export async function startDemo(options = {}) {
  const t0 = performance.now();
  const {
    appId = 'demo-app',
    dataDir = defaultDataDir(),
    parsePort = Number(process.env.PARSE_PORT ?? 1337),
    port = Number(process.env.PORT ?? 8000),
    oidcPort = Number(process.env.OIDC_PORT ?? 9090),
    betterAuthPort = Number(process.env.BETTER_AUTH_PORT ?? 9191),
  } = options;
  /** @type {string[]} */
  const notes = [];
  const freshData = dataDir !== null && !existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'));

  let parseReadyAt = 0;
  // The mail server first (it takes milliseconds): Parse needs its SMTP port.
  const mail = await startMailServer({
    smtpPort: Number(process.env.SMTP_PORT ?? 0),
    httpPort: Number(process.env.INBOX_PORT ?? 0),
  });
  const parseStarting = startParse({ appId, dataDir, port: parsePort, notes, mailPort: mail.smtpPort }).then((parse) => {
    parseReadyAt = performance.now();
    return parse;
  });
  parseStarting.catch(() => {}); // awaited below
  const oidcStarting = startOidc({ port: oidcPort, notes });
  oidcStarting.catch(() => {}); // awaited below
  // Trusting no page yet: the demo page's origin is known once the dev server listens (below).
  const betterAuthStarting = startBetterAuthServer({ port: betterAuthPort, notes });
  betterAuthStarting.catch(() => {}); // awaited below
  // The demo account, so a visitor of demo/better-auth.html can sign in at once.
  const betterAuthSeeded = betterAuthStarting.then(async (ba) => {
    const { email, username, password, name } = betterAuthAccount;
    await ba.createUser({ email, username, password, name });
    return ba;
  });
  betterAuthSeeded.catch(() => {}); // awaited below
  const stopStarted = async () => {
    await Promise.all([
      parseStarting.then((parse) => parse.stop()).catch(() => {}),
      oidcStarting.then((op) => op.stop()).catch(() => {}),
      betterAuthStarting.then((ba) => ba.close()).catch(() => {}),
      mail.stop(),
    ]);
  };

  let devServer;
  let devServerReadyAt = 0;
  try {
    // Loaded while PostgreSQL starts, rather than before.
    const [{ startDevServer }, { createDevServerConfig }] = await Promise.all([
      import('@web/dev-server'),
      import('../web-dev-server.config.mjs'),
    ]);
    const devPort = await pickPort(port, undefined, notes, 'PORT');
    devServer = await startDevServer({
      config: createDevServerConfig({
        port: devPort,
        getParseConfig: async () => {
          const { serverURL } = await parseStarting;
          return { serverURL, appId, inboxURL: mail.inboxURL };
        },
        getOidcConfig: async () => {
          const { issuer, clientId } = await oidcStarting;
          return { issuer, clientId };
        },
        getBetterAuthConfig: async () => {
          const { serverUrl } = await betterAuthSeeded;
          const { email, username, password } = betterAuthAccount;
          return { serverUrl, account: { email, username, password } };
        },
      }),
      readCliArgs: false,
      readFileConfig: false,
      autoExitProcess: false,
      logStartMessage: false,
    });
    devServerReadyAt = performance.now();
  } catch (error) {
    await stopStarted();
    throw error;
  }

  let parse;
  let op;
  let ba;
  try {
    [parse, op, ba] = await Promise.all([parseStarting, oidcStarting, betterAuthSeeded]);
  } catch (error) {
    await devServer.stop();
    await stopStarted();
    throw error;
  }

  const address = /** @type {net.AddressInfo} */ (devServer.server?.address());
  // The demo page's origin, as the banner prints it: `localhost`, same-site with the Better Auth
  // server, so its SameSite=Lax session cookie goes with the page's requests.
  ba.setTrustedOrigins([`http://localhost:${address.port}`]);
  /** @type {Promise<void> | undefined} */
  let stopping;
  return {
    url: `http://localhost:${address.port}/`,
    serverURL: parse.serverURL,
    appId,
    inboxURL: mail.inboxURL,
    betterAuth: {
      serverUrl: ba.serverUrl,
      page: `http://localhost:${address.port}/demo/better-auth.html`,
      account: { email: betterAuthAccount.email, username: betterAuthAccount.username, password: betterAuthAccount.password },
    },
    oidc: {
      issuer: op.issuer,
      clientId: op.clientId,
      accounts: op.accounts.map(({ login, password }) => ({ login, password })),
    },
    dataDir: parse.dataDir,
    freshData,
    notes,
    timings: {
      totalMs: performance.now() - t0,
      postgresMs: parse.timings.postgresMs,
      parseReadyAt,
      devServerReadyAt,
    },
    stop: () =>
      (stopping ??= (async () => {
        await devServer.stop();
        await op.stop();
        await ba.close();
        await parse.stop();
        await mail.stop();
      })()),
  };
}

/** Starts the harness on `port`, or on a free port when that one is taken. */
async function startParse({ appId, dataDir, port, notes, mailPort }) {
  const options = {
    appId,
    mail: { port: mailPort }, // reset and verification mails, to the local inbox
    ...(dataDir === null ? {} : { dataDir }),
    parseOptions: {
      protectedFieldsOwnerExempt: true, // users may read their own email
    },
  };
  try {
    return await startParseServer({ ...options, port });
  } catch (error) {
    if (port === 0 || /** @type {any} */ (error)?.code !== 'EADDRINUSE') throw error;
    const parse = await startParseServer({ ...options, port: 0 });
    notes.push(`Port ${port} was busy (PARSE_PORT): Parse Server got port ${parse.port} instead.`);
    return parse;
  }
}

/** The OpenID Provider (behind its fault proxy) on `port`, or on a free port when that one is taken. */
async function startOidc({ port, notes }) {
  try {
    return await startOidcProvider({ port });
  } catch (error) {
    if (port === 0 || /** @type {any} */ (error)?.code !== 'EADDRINUSE') throw error;
    const op = await startOidcProvider({ port: 0 });
    notes.push(`Port ${port} was busy (OIDC_PORT): the OpenID Provider got port ${op.proxy.port} instead.`);
    return op;
  }
}

/** The Better Auth server (behind its fault proxy) on `port`, or on a free port when that one is taken. */
async function startBetterAuthServer({ port, notes }) {
  try {
    return await startBetterAuth({ port });
  } catch (error) {
    if (port === 0 || /** @type {any} */ (error)?.code !== 'EADDRINUSE') throw error;
    const ba = await startBetterAuth({ port: 0 });
    notes.push(`Port ${port} was busy (BETTER_AUTH_PORT): the Better Auth server got port ${ba.proxy.port} instead.`);
    return ba;
  }
}

/** `port` if nothing listens on it, else a free port (0 lets the server choose). */
async function pickPort(port, host, notes, variable) {
  if (port === 0) return 0;
  const free = await new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
  if (free) return port;
  notes.push(`Port ${port} was busy (${variable}): the dev server uses a free port instead.`);
  return 0;
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** `dir` relative to the working directory when it is inside it, else absolute. */
function shortPath(dir) {
  const rel = path.relative(process.cwd(), dir);
  return rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel || '.';
}

async function main() {
  /** @type {Promise<Demo> | undefined} */
  let starting;
  let signalled = false;
  const onSignal = async (signal) => {
    if (signalled) {
      console.log(`\n${signal} again: exiting now.`);
      process.exit(1); // the harness's exit handler still asks PostgreSQL to shut down
    }
    signalled = true;
    console.log(`\n${signal}: stopping the dev server, the OpenID Provider, Better Auth, Parse Server and PostgreSQL…`);
    const t = performance.now();
    try {
      const demo = await starting;
      await demo?.stop();
      console.log(`Stopped in ${Math.round(performance.now() - t)} ms.`);
      process.exit(0);
    } catch (error) {
      console.error('Could not stop cleanly:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  starting = startDemo();
  let demo;
  try {
    demo = await starting;
  } catch (error) {
    console.error('The demo could not start:', error);
    if (String(/** @type {any} */ (error)?.message).includes('postmaster.pid')) {
      console.error(`\nIs \`npm start\` already running? Its PostgreSQL holds ${shortPath(defaultDataDir())}: stop it first.`);
    }
    process.exit(1);
  }
  if (signalled) return;
  const rel = demo.dataDir ? shortPath(demo.dataDir) : '(temp dir)';
  const t = demo.timings;
  console.log(
    [
      '',
      '  user-session-elements demo',
      '',
      `  Demo page      ${demo.url}`,
      `  Parse Server   ${demo.serverURL}   (app id "${demo.appId}")`,
      `  OIDC provider  ${demo.oidc.issuer}   (client id "${demo.oidc.clientId}"; demo page ${new URL('demo/oidc.html', demo.url).href})`,
      `  Better Auth    ${demo.betterAuth.serverUrl}   (SQLite in memory; trusts the demo page's origin; demo page ${demo.betterAuth.page})`,
      `                 account ${demo.betterAuth.account.email} (or username ${demo.betterAuth.account.username}) / ${demo.betterAuth.account.password}, made on each start`,
      `  Mail inbox     ${demo.inboxURL}   (Parse's reset and verification mails; listed on the demo page)`,
      `  OIDC accounts  ${demo.oidc.accounts.map(({ login, password }) => `${login} / ${password}`).join(', ')}`,

      `  Data           ${rel}  ${demo.freshData ? '(new database: created on this start)' : '(existing database: accounts kept)'}`,
      ...demo.notes.map((note) => `  Note           ${note}`),
      '',
      `  Ready in ${seconds(performance.now())} since node started (PostgreSQL took ${seconds(t.postgresMs)};` +
        ` up at: dev server ${seconds(t.devServerReadyAt)}, Parse Server ${seconds(t.parseReadyAt)}).`,
      '  Open the demo page in two tabs: sign-in and sign-out stay in step. Ctrl-C stops everything.',
      '  On demo/better-auth.html, sign in from a second browser too: "Your sessions" lists both devices.',
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
