// A Web Test Runner plugin that gives browser tests a real Better Auth server (better-auth 1.7 on
// in-memory SQLite, server/better-auth-harness.mjs) behind the fault proxy. The public URL is the
// proxy's, http://localhost:<port>/api/auth: same-site with the test pages
// (http://localhost:<wtr port>), so the SameSite=Lax session cookie goes with
// `fetch(…, { credentials: 'include' })`. The test server's origin is the one trusted origin.
//
// - Started once for the whole run: on the first `better-auth-*` command (a start takes ≈ 0.5 s,
//   most of it loading the modules), or at server start with `startEagerly`. Runs that never ask
//   never load better-auth or better-sqlite3.
// - Stopped by `serverStop` (normal end, Ctrl-C). Nothing is written to disk.
//
// Browser side (test/integration/better-auth-server.ts) calls these with `executeServerCommand`.
// No answer carries a session token or a cookie: the page must get its session the way an app does.
//   better-auth-config          → { serverUrl }
//   better-auth-proxy-fault     payload: a fault for the proxy (server/fault-proxy.mjs, e.g.
//                                 { status: 503, path: '/api/auth/get-session', times: 1 }) or null → true.
//                                 The proxy's own answers carry credentialed CORS for the page.
//   better-auth-proxy-release   lets the requests a `hold` fault keeps go on → how many
//   better-auth-proxy-reset     clears the fault and the request log (drops requests still held) → true
//   better-auth-proxy-requests  → { requests: [{ method, path, query, fault }], preflights: [{ method, path }] }
//                                 (as oidc-proxy-requests)
//   better-auth-stop            stops Better Auth's own HTTP server → true; the proxy answers 502
//                                 (readable by the page; a preflight gets it too, which fails CORS)
//   better-auth-start           listens again on the same port with the same database → { serverUrl }
//   better-auth-reset-state     deletes every user, account, session and verification → true
//   better-auth-create-user     payload { email, password, name?, username? } → { id, email, name, username }
//                                 (signed up through Better Auth, no session left behind)
//   better-auth-sign-in-elsewhere  payload { emailOrUsername, password, userAgent? } → { sessionId }:
//                                 a second device signed in from Node (it shows in list-sessions)
//   better-auth-sessions        payload { emailOrUsername } → [{ id, userAgent, createdAt, updatedAt, expiresAt }]
//                                 from the database, oldest first
//   better-auth-revoke          payload { id } → whether that session existed; it is deleted
//                                 server-side, as an admin would

const COMMANDS = new Set([
  'better-auth-config',
  'better-auth-proxy-fault',
  'better-auth-proxy-release',
  'better-auth-proxy-reset',
  'better-auth-proxy-requests',
  'better-auth-stop',
  'better-auth-start',
  'better-auth-reset-state',
  'better-auth-create-user',
  'better-auth-sign-in-elsewhere',
  'better-auth-sessions',
  'better-auth-revoke',
]);

/**
 * @param {{ startEagerly?: boolean, harnessOptions?: import('../server/better-auth-harness.mjs').BetterAuthHarnessOptions,
 *   log?: (message: string) => void }} [options]
 *   `startEagerly`: start when the test server starts instead of on first use. `harnessOptions`:
 *   passed to startBetterAuth() (`trustedOrigins` defaults to the test server's origin).
 */
export function betterAuthPlugin(options = {}) {
  const log =
    options.log ?? ((message) => process.env.BETTER_AUTH_PLUGIN_VERBOSE && console.log(`[better-auth-plugin] ${message}`));
  /** @type {Promise<import('../server/better-auth-harness.mjs').BetterAuthHarness> | null} */
  let starting = null;
  let stopped = false;
  /** The test pages' origin, known at serverStart. */
  let pageOrigin = '';

  const start = () =>
    (starting ??= (async () => {
      if (stopped) throw new Error('better-auth plugin: the test server is stopping');
      const t0 = Date.now();
      const { startBetterAuth } = await import('../server/better-auth-harness.mjs');
      const ba = await startBetterAuth({
        trustedOrigins: pageOrigin ? [pageOrigin] : [],
        // Hundreds of sign-ups and sign-ins per engine: see cheapScrypt in the harness.
        cheapPasswordHashing: true,
        ...options.harnessOptions,
      });
      log(`server ${ba.directUrl}, public (proxy) ${ba.serverUrl}, pages ${pageOrigin}, started in ${Date.now() - t0} ms`);
      return ba;
    })());

  /** @param {unknown} value @param {string} name */
  const text = (value, name) => {
    if (typeof value !== 'string' || value === '') throw new TypeError(`better-auth plugin: ${name} must be a non-empty string`);
    return value;
  };

  return {
    name: 'better-auth',

    /** @param {{ config: { hostname?: string, port?: number } }} args */
    serverStart({ config }) {
      // Web Test Runner serves the pages on http://localhost:<port> (its default hostname).
      if (config?.port) pageOrigin = `http://${config.hostname ?? 'localhost'}:${config.port}`;
      // Errors surface at the first command, which awaits the same promise.
      if (options.startEagerly) start().catch(() => {});
    },

    /** @param {{ command: string, payload: any }} args */
    async executeCommand({ command, payload }) {
      if (!COMMANDS.has(command)) return undefined;
      const ba = await start();
      switch (command) {
        case 'better-auth-config':
          return { serverUrl: ba.serverUrl };
        case 'better-auth-proxy-fault':
          ba.proxy.setFault(payload ?? null);
          return true;
        case 'better-auth-proxy-release':
          return ba.proxy.release();
        case 'better-auth-proxy-reset':
          ba.proxy.reset();
          return true;
        case 'better-auth-proxy-requests':
          return {
            requests: ba.proxy.requests.map((r) => ({
              method: r.method,
              path: r.path,
              query: r.url.includes('?') ? r.url.slice(r.url.indexOf('?') + 1) : '',
              fault: r.fault,
            })),
            preflights: ba.proxy.preflights.map((r) => ({ method: r.method, path: r.path })),
          };
        case 'better-auth-stop':
          await ba.stop();
          log('server stopped');
          return true;
        case 'better-auth-start':
          await ba.start();
          log('server started again');
          return { serverUrl: ba.serverUrl };
        case 'better-auth-reset-state':
          ba.resetState();
          return true;
        case 'better-auth-create-user':
          return ba.createUser({
            email: text(payload?.email, 'email'),
            password: text(payload?.password, 'password'),
            ...(payload?.name === undefined ? {} : { name: text(payload.name, 'name') }),
            ...(payload?.username === undefined ? {} : { username: text(payload.username, 'username') }),
          });
        case 'better-auth-sign-in-elsewhere': {
          // The other device's cookie stays here: only its session id goes to the page.
          const { sessionId } = await ba.signInElsewhere({
            emailOrUsername: text(payload?.emailOrUsername, 'emailOrUsername'),
            password: text(payload?.password, 'password'),
            ...(payload?.userAgent === undefined ? {} : { userAgent: text(payload.userAgent, 'userAgent') }),
          });
          return { sessionId };
        }
        case 'better-auth-sessions':
          return ba.sessionsOf(text(payload?.emailOrUsername, 'emailOrUsername'));
        case 'better-auth-revoke':
          return ba.revokeSessionById(text(payload?.id, 'id'));
        default:
          return undefined;
      }
    },

    async serverStop() {
      stopped = true;
      if (!starting) return;
      const ba = await starting.catch(() => null);
      await ba?.close().catch((error) => console.error('better-auth plugin: stopping the server failed:', error));
      log('stopped');
    },
  };
}
