// A real Better Auth server for tests and the demo: `better-auth` 1.7 (its Node handler) on
// SQLite (better-sqlite3, in memory unless told otherwise), on 127.0.0.1, behind the fault proxy
// (fault-proxy.mjs), whose URL is the public one. Every request a browser makes goes through the
// proxy, so any of them can be faulted.
//
//   const ba = await startBetterAuth({ trustedOrigins: ['http://localhost:8000'] });
//   ba.serverUrl;                           // 'http://localhost:<proxy port>/api/auth'
//   await ba.createUser({ email, password, name, username });
//   const other = await ba.signInElsewhere({ emailOrUsername: 'ada', password, userAgent: 'Phone' });
//   ba.sessionsOf('ada');                   // [{ id, userAgent, createdAt, updatedAt, expiresAt }]
//   ba.revokeSessionById(other.sessionId);
//   await ba.stop(); await ba.start();      // "the server is down", then up again (same data)
//   await ba.close();
//
// Email and password (no verification), the username and passkey plugins; CORS with credentials for the
// trusted origins only, answered here (Better Auth sets no CORS headers itself); Better Auth's own
// Origin (CSRF) check stays on. See server/README.md, "The Better Auth harness".
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { startFaultProxy } from './fault-proxy.mjs';
import { restartableServer } from './restartable-server.mjs';

/**
 * A fixed secret (tests and the demo only): sessions signed by one start stay valid in the next,
 * and it is long and random enough that Better Auth does not warn about it.
 */
export const TEST_SECRET = 'bbXZAIYo3lKHKYGTZJgiqjvLBIfq4xa6JX-iR1Mtj0U';

/**
 * @typedef {object} BetterAuthHarnessOptions
 * @property {string[]} [trustedOrigins] Page origins allowed to call the server with cookies (CORS
 *   with credentials, and Better Auth's Origin check), e.g. `['http://localhost:8000']`. Use
 *   `localhost`, as the server does: the session cookie is SameSite=Lax, so the page must be
 *   same-site with the server. Changed later with `setTrustedOrigins()`.
 * @property {number} [port] The proxy's port, so the public URL's (default: a free one).
 * @property {number} [serverPort] Better Auth's own port behind the proxy (default: a free one).
 * @property {string} [host] Interface of both servers. Default `'127.0.0.1'`.
 * @property {string} [publicHost] Host name in `serverUrl`. Default `'localhost'`.
 * @property {string} [databaseFile] SQLite file. Default `':memory:'` (a fresh database per start).
 * @property {boolean} [silent] Silence Better Auth's logger. Default `true`.
 * @property {boolean} [cheapPasswordHashing] Tests only: hash passwords with scrypt at N = 2^10
 *   instead of Better Auth's 2^14 (`cheapScrypt` below). Default `false`.
 */

/**
 * @typedef {object} SessionRow What the database says about one session (no token).
 * @property {string} id
 * @property {string | null} userAgent
 * @property {string} createdAt ISO date.
 * @property {string} updatedAt ISO date.
 * @property {string} expiresAt ISO date.
 */

/**
 * @typedef {object} BetterAuthHarness
 * @property {string} serverUrl The public URL, the proxy's: `http://localhost:<port>/api/auth`.
 * @property {string} directUrl Better Auth itself, behind the proxy: `http://127.0.0.1:<port>/api/auth`.
 * @property {import('./fault-proxy.mjs').FaultProxy} proxy The fault proxy in front of it.
 * @property {any} auth The `betterAuth()` instance.
 * @property {import('better-sqlite3').Database} db
 * @property {() => string[]} trustedOrigins
 * @property {(origins: string[]) => void} setTrustedOrigins
 * @property {() => Promise<void>} stop Closes Better Auth's HTTP server (and its connections); the
 *   proxy keeps running and answers 502. The database is kept.
 * @property {() => Promise<void>} start Listens again on the same port (no-op if running).
 * @property {() => boolean} running
 * @property {() => void} resetState Deletes every user, account, session and verification.
 * @property {(user: { email: string, password: string, name?: string, username?: string }) =>
 *   Promise<{ id: string, email: string, name: string, username: string | null }>} createUser
 *   Signs the user up (Better Auth's own validation) without leaving a session behind.
 * @property {(args: { emailOrUsername: string, password: string, userAgent?: string }) =>
 *   Promise<{ sessionId: string, cookie: string }>} signInElsewhere A second device: signs in
 *   from Node with that User-Agent. `cookie` is its `Cookie` header value (Node side only).
 * @property {(emailOrUsername: string) => SessionRow[]} sessionsOf The user's sessions, oldest first.
 * @property {(id: string) => boolean} revokeSessionById Deletes that session (as an admin would);
 *   whether it existed.
 * @property {() => Promise<void>} close Stops the proxy and the server, closes the database (idempotent).
 */

/**
 * Password hashing for the test servers (Better Auth's documented `emailAndPassword.password`
 * option): Node's scrypt, as Better Auth's own, at N = 2^10 instead of 2^14. Better Auth's cost
 * took 157 ms of CPU per sign-up or sign-in on the CI machine, and the suite signs in hundreds of
 * times per engine with three engines on two cores; no test looks at the hash or its cost.
 */
const cheapScrypt = {
  async hash(password) {
    const salt = randomBytes(16).toString('hex');
    return `${salt}:${(await scryptKey(password, salt)).toString('hex')}`;
  },
  async verify({ hash, password }) {
    const [salt, key] = hash.split(':');
    // As Better Auth's own verify: a stored hash that is not `salt:key` is an error, not a wrong password.
    if (!salt || !key) throw new Error('Invalid password hash');
    const expected = Buffer.from(key, 'hex');
    const actual = await scryptKey(password, salt);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  },
};

/** @param {string} password @param {string} salt @returns {Promise<Buffer>} */
const scryptKey = (password, salt) =>
  new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, 64, { N: 1024, r: 16, p: 1 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

/**
 * Starts Better Auth behind the fault proxy.
 * @param {BetterAuthHarnessOptions} [options]
 * @returns {Promise<BetterAuthHarness>}
 */
export async function startBetterAuth(options = {}) {
  const {
    port = 0,
    serverPort = 0,
    host = '127.0.0.1',
    publicHost = 'localhost',
    databaseFile = ':memory:',
    silent = true,
    cheapPasswordHashing = false,
  } = options;
  let trusted = checkOrigins(options.trustedOrigins ?? []);
  // Loaded here, not at the top: users of server/index.mjs that never start Better Auth never load
  // it (nor the native better-sqlite3 module).
  const [{ default: Database }, { betterAuth }, { username }, { twoFactor }, { passkey }, { getMigrations }, { toNodeHandler }] =
    await Promise.all([
      import('better-sqlite3'),
      import('better-auth'),
      import('better-auth/plugins/username'),
      import('better-auth/plugins/two-factor'),
      import('@better-auth/passkey'),
      import('better-auth/db/migration'),
      import('better-auth/node'),
    ]);

  // Better Auth's HTTP server first (its port is the proxy's target), then the proxy (its port is
  // the public URL's, which Better Auth needs as baseURL for its cookies and Origin check).
  const httpServer = restartableServer({ port: serverPort, host });

  const basePath = '/api/auth';
  const db = new Database(databaseFile);
  let proxy;
  try {
    await httpServer.listen();
    proxy = await startFaultProxy({
      target: `http://${host.includes(':') ? `[${host}]` : host}:${httpServer.port()}`,
      port,
      host,
      // OPTIONS reaches the server below, which answers CORS for trusted origins only.
      preflights: 'forward',
      // The proxy's own answers (faults, 502) are readable by trusted pages too.
      credentialedOrigins: (origin) => trusted.includes(origin),
    });
  } catch (error) {
    await httpServer.close();
    db.close();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const directUrl = `http://${urlHost}:${httpServer.port()}${basePath}`;
  const serverUrl = `http://${publicHost}:${proxy.port}${basePath}`;

  /** @type {import('better-auth').BetterAuthOptions} */
  const authOptions = {
    database: db,
    baseURL: serverUrl,
    basePath,
    secret: TEST_SECRET,
    // Read per request, so setTrustedOrigins() applies at once (npm start learns the page's port late).
    trustedOrigins: () => trusted,
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      requireEmailVerification: false,
      ...(cheapPasswordHashing ? { password: cheapScrypt } : {}),
    },
    plugins: [
      username(),
      // Passkeys (WebAuthn) for the pages on `localhost` (browsers refuse an IP address as the
      // relying party). No fixed `origin`: the plugin then expects the request's own Origin, which
      // Better Auth's Origin check (below) holds to the trusted origins, read per request.
      passkey({ rpID: publicHost, rpName: 'user-session-elements' }),
      // Two-step sign-in (issue 21): TOTP from an authenticator app, backup codes. Its own
      // limits stay on: 5 tries per code step, the account locked 15 min after 10 wrong codes.
      twoFactor({ issuer: 'user-session-elements' }),
    ],
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    advanced: {
      // Explicit: Better Auth turns its Origin check off by itself when NODE_ENV=test or TEST is set.
      disableOriginCheck: false,
      disableCSRFCheck: false,
    },
    logger: { disabled: silent },
  };
  const auth = betterAuth(authOptions);
  try {
    const { runMigrations } = await getMigrations(authOptions);
    await runMigrations();
  } catch (error) {
    await proxy.close();
    await httpServer.close();
    db.close();
    throw error;
  }

  const nodeHandler = toNodeHandler(auth);
  httpServer.setHandler((req, res) => {
    // CORS with credentials for the trusted origins only. Better Auth sets no CORS headers and
    // answers OPTIONS 404, so both are done here; an untrusted origin gets no CORS headers at all.
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && trusted.includes(origin);
    res.setHeader('Vary', 'Origin');
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      if (allowed) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        res.setHeader('Access-Control-Allow-Headers', 'content-type');
        // No Access-Control-Max-Age: browsers keep a preflight 5 s at most, so "server down"
        // tests see the preflight fail rather than a cached one skipped.
      }
      res.statusCode = 204;
      res.end();
      req.resume();
      return;
    }
    nodeHandler(req, res).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });

  const tables = ['twoFactor', 'passkey', 'session', 'account', 'verification', 'user'];
  const userWhere = `lower("email") = lower(?) or "username" = lower(?)`;
  const findUserId = (/** @type {string} */ emailOrUsername) =>
    /** @type {{ id: string } | undefined} */ (
      db.prepare(`select "id" from "user" where ${userWhere}`).get(emailOrUsername, emailOrUsername)
    )?.id;
  /** Dates as better-sqlite3 gives them back (Better Auth stores ISO strings), as ISO strings. */
  const iso = (/** @type {unknown} */ value) => new Date(/** @type {any} */ (value)).toISOString();

  /** Serialises stop/start. */
  let chain = Promise.resolve();
  const serially = (/** @type {() => Promise<void>} */ step) => {
    const result = chain.then(step);
    chain = result.catch(() => {});
    return result;
  };
  let closed = false;
  /** @type {Promise<void> | undefined} */
  let closing;

  return {
    serverUrl,
    directUrl,
    proxy,
    auth,
    db,
    trustedOrigins: () => [...trusted],
    setTrustedOrigins(origins) {
      trusted = checkOrigins(origins);
    },
    stop: () =>
      serially(async () => {
        await httpServer.close();
        // Let the proxy's keep-alive agent see its pooled connections closed (as the OIDC harness
        // does), so the next request gets ECONNREFUSED rather than a dead socket: both are a 502.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }),
    start: () =>
      serially(async () => {
        if (closed) throw new Error('better-auth harness: closed');
        if (!httpServer.running()) await httpServer.listen();
      }),
    running: () => httpServer.running(),
    resetState() {
      db.transaction(() => {
        for (const table of tables) db.prepare(`delete from "${table}"`).run();
      })();
    },
    async createUser({ email, password, name = email.split('@')[0], username: login }) {
      // Through Better Auth's own sign-up (its validation and password hashing); autoSignIn leaves
      // a session, which is deleted: a created user has no device signed in yet.
      const result = await auth.api.signUpEmail({
        body: { email, password, name, ...(login === undefined ? {} : { username: login }) },
      });
      const user = /** @type {any} */ (result).user;
      db.prepare(`delete from "session" where "userId" = ?`).run(user.id);
      return { id: user.id, email: user.email, name: user.name, username: user.username ?? null };
    },
    async signInElsewhere({ emailOrUsername, password, userAgent = 'Other device (better-auth harness)' }) {
      // A real HTTP sign-in, straight to the server (no proxy: its log and faults are the page's).
      // Node's fetch sends `Sec-Fetch-Mode: cors`, so Better Auth wants an Origin on /sign-in/email
      // (MISSING_OR_NULL_ORIGIN without one): the server's own, which it always trusts.
      const byEmail = emailOrUsername.includes('@');
      const res = await fetch(`${directUrl}/sign-in/${byEmail ? 'email' : 'username'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': userAgent, origin: new URL(serverUrl).origin },
        body: JSON.stringify(byEmail ? { email: emailOrUsername, password } : { username: emailOrUsername, password }),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new Error(`better-auth harness: sign-in elsewhere failed: ${res.status} ${JSON.stringify(body)}`);
      const cookie = res.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      const row = /** @type {{ id: string } | undefined} */ (
        db.prepare(`select "id" from "session" where "token" = ?`).get(body.token)
      );
      if (!row) throw new Error('better-auth harness: the new session is not in the database');
      return { sessionId: row.id, cookie };
    },
    sessionsOf(emailOrUsername) {
      const userId = findUserId(emailOrUsername);
      if (userId === undefined) return [];
      const rows = /** @type {any[]} */ (
        db
          .prepare(
            `select "id", "userAgent", "createdAt", "updatedAt", "expiresAt" from "session" where "userId" = ? order by "createdAt", "id"`,
          )
          .all(userId)
      );
      return rows.map((r) => ({
        id: r.id,
        userAgent: r.userAgent ?? null,
        createdAt: iso(r.createdAt),
        updatedAt: iso(r.updatedAt),
        expiresAt: iso(r.expiresAt),
      }));
    },
    revokeSessionById(id) {
      // No cookie cache and no secondary storage here: the row is the session, so this is at once.
      return db.prepare(`delete from "session" where "id" = ?`).run(id).changes > 0;
    },
    close: () =>
      (closing ??= (async () => {
        closed = true;
        await proxy.close();
        await serially(httpServer.close);
        db.close();
      })()),
  };
}

/** @param {unknown} origins */
function checkOrigins(origins) {
  if (!Array.isArray(origins)) throw new TypeError('trustedOrigins must be an array of origins');
  return origins.map((origin) => {
    const url = typeof origin === 'string' ? URL.parse(origin) : null;
    if (!url || url.origin !== origin) {
      throw new TypeError(`trustedOrigins: ${origin} is not an origin (scheme://host:port, no path)`);
    }
    return origin;
  });
}
