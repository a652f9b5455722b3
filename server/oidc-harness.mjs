// A real OpenID Provider for tests and the demo: `oidc-provider` 9 (a Koa app) on 127.0.0.1,
// behind the fault proxy (fault-proxy.mjs), whose URL is the issuer. Every request a browser
// makes (discovery, authorize, the login page, token, userinfo, revocation, end_session, jwks)
// goes through the proxy, so any of them can be faulted.
//
//   const op = await startOidcProvider();
//   op.issuer;                        // 'http://localhost:<proxy port>'
//   op.proxy.setFault({ status: 503, path: '/token' });
//   op.setAccessTokenTtl(1);
//   await op.stopProvider(); await op.startProvider();   // "the provider is down", then up again
//   await op.stop();
//
// One public client (`demo-spa`: PKCE, no secret; more alike with `extraClientIds`) that may
// redirect to any http://localhost:<port> or http://127.0.0.1:<port> URL, in-memory accounts, a
// login page of our own that a test can drive with postMessage (see loginPage()), consent
// granted automatically. See server/README.md.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { startFaultProxy } from './fault-proxy.mjs';
import { restartableServer } from './restartable-server.mjs';

/**
 * @typedef {object} OidcAccount
 * @property {string} login What is typed into the login form.
 * @property {string} password
 * @property {string} sub
 * @property {string} email
 * @property {boolean} [email_verified]
 * @property {string} name
 * @property {string} [preferred_username] Default: `login`.
 */

/** @type {OidcAccount[]} */
export const defaultOidcAccounts = [
  {
    login: 'ada',
    password: 'lovelace-secret',
    sub: 'user-ada',
    email: 'ada@example.test',
    email_verified: true,
    name: 'Ada Lovelace',
    preferred_username: 'ada',
  },
  {
    login: 'grace',
    password: 'hopper-secret',
    sub: 'user-grace',
    email: 'grace@example.test',
    email_verified: true,
    name: 'Grace Hopper',
    preferred_username: 'grace',
  },
];

/** Hosts the client may redirect to (any port, http only): the pages under test and the demo. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Whether `value` is an http://localhost:<port>/… or http://127.0.0.1:<port>/… URL (no fragment, no userinfo). */
export function isLoopbackRedirectUri(value) {
  if (typeof value !== 'string') return false;
  const url = URL.parse(value);
  return (
    url !== null &&
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.username === '' &&
    url.password === '' &&
    !value.includes('#')
  );
}

/** @type {Promise<typeof import('oidc-provider')> | undefined} */
let providerModule;

/**
 * Imports oidc-provider once. On Node 20 its module body prints "oidc-provider WARNING:
 * Unsupported runtime. Use Node.js v22.x LTS…" (it works on Node 20; package.json says >=20.19):
 * that one line is dropped, nothing else.
 */
function loadOidcProvider() {
  return (providerModule ??= (async () => {
    const original = console.warn;
    const filtered = (/** @type {unknown[]} */ ...args) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      original.apply(console, args);
    };
    console.warn = filtered;
    try {
      return await import('oidc-provider');
    } finally {
      if (console.warn === filtered) console.warn = original;
    }
  })());
}

/** oidc-provider's storage, in memory (its own in-memory adapter prints a warning at start). */
function createMemoryAdapter() {
  /** @type {Map<string, { value: any, expiresAt: number }>} */
  const store = new Map();
  const grantable = new Set([
    'AccessToken',
    'AuthorizationCode',
    'RefreshToken',
    'DeviceCode',
    'BackchannelAuthenticationRequest',
  ]);
  const get = (/** @type {string} */ key) => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.value;
  };
  const set = (/** @type {string} */ key, /** @type {any} */ value, /** @type {number | undefined} */ expiresIn) =>
    store.set(key, { value, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : 0 });

  class MemoryAdapter {
    /** @param {string} model */
    constructor(model) {
      this.model = model;
    }
    /** @param {string} id */
    key(id) {
      return `${this.model}:${id}`;
    }
    /** @param {string} id @param {any} payload @param {number} [expiresIn] */
    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      if (this.model === 'Session') set(`sessionUid:${payload.uid}`, id, expiresIn);
      if (payload.userCode) set(`userCode:${payload.userCode}`, id, expiresIn);
      if (grantable.has(this.model) && payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        const members = get(grantKey) ?? new Set();
        members.add(key);
        set(grantKey, members, undefined);
      }
      set(key, payload, expiresIn);
    }
    /** @param {string} id */
    async find(id) {
      return get(this.key(id));
    }
    /** @param {string} uid */
    async findByUid(uid) {
      const id = get(`sessionUid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }
    /** @param {string} userCode */
    async findByUserCode(userCode) {
      const id = get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }
    /** @param {string} id */
    async consume(id) {
      const payload = get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    /** @param {string} id */
    async destroy(id) {
      store.delete(this.key(id));
    }
    /** @param {string} grantId */
    async revokeByGrantId(grantId) {
      const grantKey = `grant:${grantId}`;
      for (const key of get(grantKey) ?? []) store.delete(key);
      store.delete(grantKey);
    }
  }
  return { Adapter: MemoryAdapter, clear: () => store.clear() };
}

/** @param {unknown} value */
const esc = (value) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

/** JSON for an inline <script>: no `</script>` or `<!--` can end it early. */
const scriptJSON = (/** @type {unknown} */ value) => JSON.stringify(value).replace(/</g, '\\u003c');

const STYLE = `<style>
  body { font: 16px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 22rem; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.3rem; } label { display: block; margin: .8rem 0 .2rem; } input { width: 100%; box-sizing: border-box; padding: .4rem; font: inherit; }
  button { margin-top: 1rem; padding: .5rem 1rem; font: inherit; } .error { color: #a00; font-weight: 600; } .muted { color: #666; font-size: .9rem; }
</style>`;

/**
 * `message` sent to `parent` (when framed) and `opener` (when a popup), target origin '*'.
 * @param {Record<string, unknown>} message
 */
const announce = (message) =>
  `(() => { const m = ${scriptJSON(message)}; for (const w of new Set([window.parent !== window ? window.parent : null, window.opener])) { if (w) try { w.postMessage(m, '*'); } catch {} } })();`;

/**
 * The login page. Test driver (inline script): on load it posts
 * `{ type: 'oidc-login-page', uid, error? }` to `parent` (when framed) and `opener` (when a
 * popup), target origin '*'; a `message` `{ type: 'oidc-login', login, password }` from that
 * parent or opener fills the two inputs and submits the form (a real form POST).
 * @param {{ uid: string, clientName: string, error?: string, login?: string }} options
 */
function loginPage({ uid, clientName, error, login = '' }) {
  const hello = error === undefined ? { type: 'oidc-login-page', uid } : { type: 'oidc-login-page', uid, error };
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in – test provider</title>${STYLE}</head>
<body>
<main>
  <h1>Sign in to continue to <span id="client-name">${esc(clientName)}</span></h1>
  ${error === undefined ? '' : `<p class="error" id="login-error" role="alert">${esc(error)}</p>`}
  <form id="login-form" method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
    <label for="login">Login</label>
    <input id="login" name="login" autocomplete="username" required value="${esc(login)}" ${login ? '' : 'autofocus'}>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required ${login ? 'autofocus' : ''}>
    <button type="submit">Sign in</button>
  </form>
  <p class="muted">Test OpenID Provider (oidc-provider), not a real account.</p>
</main>
<script>
${announce(hello)}
addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'oidc-login') return;
  if (event.source !== window.opener && (window.parent === window || event.source !== window.parent)) return;
  const form = document.getElementById('login-form');
  form.elements.login.value = String(data.login ?? '');
  form.elements.password.value = String(data.password ?? '');
  form.submit();
});
</script>
</body>
</html>`;
}

/**
 * A page the provider shows instead of redirecting (an error, an unknown interaction). Posts
 * `{ type: 'oidc-error-page', error, error_description }` to parent/opener, like the login page.
 * @param {{ error: string, error_description?: string }} out
 */
function errorPage(out) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Error – test provider</title>${STYLE}</head>
<body>
<main>
  <h1>The provider could not go on</h1>
  <p class="error" role="alert"><code id="error">${esc(out.error)}</code></p>
  ${out.error_description ? `<p id="error-description">${esc(out.error_description)}</p>` : ''}
</main>
<script>${announce({ type: 'oidc-error-page', error: out.error, error_description: out.error_description ?? null })}</script>
</body>
</html>`;
}

/** Reads an urlencoded request body (up to 16 KB). @param {import('node:http').IncomingMessage} req */
async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * @typedef {object} OidcHarnessOptions
 * @property {string} [clientId] Default `'demo-spa'`.
 * @property {string} [clientName] Shown on the login page. Default `'Demo SPA'`.
 * @property {number} [port] The proxy's port, so the issuer's (default: a free one).
 * @property {number} [providerPort] The provider's own port behind the proxy (default: a free one).
 * @property {string} [host] Interface for both servers. Default `'127.0.0.1'`.
 * @property {string} [issuerHost] Host name in the issuer. Default `'localhost'` (same-site with
 *   pages on http://localhost:<port>, so the provider's SameSite=Lax cookies work in an iframe).
 * @property {number} [accessTokenTtl] Seconds. Default 300. See `setAccessTokenTtl`.
 * @property {number} [idTokenTtl] Seconds. Default 3600.
 * @property {number} [refreshTokenTtl] Seconds. Default 86400 (a rotated refresh token keeps the
 *   remaining lifetime of the one it replaces).
 * @property {number} [sessionTtl] Seconds of the provider's login session. Default 86400.
 * @property {OidcAccount[]} [accounts] Default `defaultOidcAccounts` (ada, grace).
 * @property {string[]} [cookieKeys] Keys signing the provider's cookies. Default: random.
 * @property {string[]} [extraClientIds] More public clients, set up as `clientId` (two clients
 *   of one provider on one page). Default none.
 * @property {string} [cookiePrefix] Put before the provider's cookie names (`_session`…): a second
 *   provider on localhost (cookies do not tell ports apart) then keeps its own. Default none.
 */

/**
 * @typedef {object} OidcHarness
 * @property {string} issuer `http://localhost:<proxy port>` (the proxy's origin).
 * @property {string} clientId
 * @property {import('./fault-proxy.mjs').FaultProxy} proxy The fault proxy in front of the provider.
 * @property {string} providerURL The provider itself, behind the proxy: `http://127.0.0.1:<port>`.
 * @property {OidcAccount[]} accounts
 * @property {any} provider The oidc-provider `Provider` instance.
 * @property {(seconds: number) => void} setAccessTokenTtl For access tokens issued from now on.
 * @property {() => Promise<void>} stopProvider Closes the provider's HTTP server (and its
 *   connections); the proxy keeps running and answers 502. State is kept (same Provider).
 * @property {() => Promise<void>} startProvider Listens again on the same port (no-op if running).
 * @property {() => boolean} providerRunning
 * @property {() => void} resetState Forgets every login session, grant, code and token.
 * @property {() => Promise<void>} stop Stops the proxy and the provider (idempotent).
 */

/**
 * Starts oidc-provider behind the fault proxy.
 * @param {OidcHarnessOptions} [options]
 * @returns {Promise<OidcHarness>}
 */
export async function startOidcProvider(options = {}) {
  const {
    clientId = 'demo-spa',
    clientName = 'Demo SPA',
    port = 0,
    providerPort = 0,
    host = '127.0.0.1',
    issuerHost = 'localhost',
    idTokenTtl = 3600,
    refreshTokenTtl = 86400,
    sessionTtl = 86400,
    accounts = defaultOidcAccounts,
    cookieKeys = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')],
    extraClientIds = [],
    cookiePrefix = '',
  } = options;
  let accessTokenTtl = checkTtl(options.accessTokenTtl ?? 300);
  const { default: Provider } = await loadOidcProvider();

  // The provider's HTTP server first (its port is the proxy's target), then the proxy (its port
  // is the issuer's), then the Provider, which needs the issuer.
  const httpServer = restartableServer({ port: providerPort, host });

  await httpServer.listen();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const providerURL = `http://${urlHost}:${httpServer.port()}`;
  let proxy;
  try {
    proxy = await startFaultProxy({ target: providerURL, port, host, preflights: 'forward' });
  } catch (error) {
    await httpServer.close();
    throw error;
  }
  const issuer = `http://${issuerHost}:${proxy.port}`;
  const issuerURL = new URL(issuer);

  const byLogin = new Map(accounts.map((a) => [a.login, a]));
  const bySub = new Map(accounts.map((a) => [a.sub, a]));
  const scopes = ['openid', 'profile', 'email', 'offline_access'];
  const claimsOf = (/** @type {OidcAccount} */ a) => ({
    sub: a.sub,
    email: a.email,
    email_verified: a.email_verified ?? true,
    name: a.name,
    preferred_username: a.preferred_username ?? a.login,
  });

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = {
    ...privateKey.export({ format: 'jwk' }),
    kid: `rs256-${randomUUID().slice(0, 8)}`,
    alg: 'RS256',
    use: 'sig',
  };
  const storage = createMemoryAdapter();

  /**
   * The grant this first-party client gets without a consent screen: the requested scopes (those
   * the provider knows) and their claims, added to the session's existing grant if there is one.
   * @param {any} ctx
   */
  const grantFor = async (ctx) => {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    grant ??= new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    const requested = String(oidc.params?.scope ?? 'openid')
      .split(' ')
      .filter((s) => scopes.includes(s));
    grant.addOIDCScope([...new Set(['openid', ...requested])].join(' '));
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'preferred_username']);
    await grant.save();
    return grant;
  };

  const provider = new Provider(issuer, {
    adapter: storage.Adapter,
    clients: [clientId, ...extraClientIds].map((id) => ({
      client_id: id,
      client_name: id === clientId ? clientName : id,
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // Placeholders: any http://localhost:<port>/… and http://127.0.0.1:<port>/… is accepted (below).
      redirect_uris: ['http://localhost/callback'],
      post_logout_redirect_uris: ['http://localhost/'],
    })),
    jwks: { keys: [signingKey] },
    cookies: {
      keys: cookieKeys,
      names: {
        session: `${cookiePrefix}_session`,
        interaction: `${cookiePrefix}_interaction`,
        resume: `${cookiePrefix}_interaction_resume`,
      },
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    scopes,
    conformIdTokenClaims: false,
    // The token, userinfo and revocation endpoints answer CORS for every origin.
    clientBasedCORS: () => true,
    // Every code exchange gives a refresh token (no `prompt=consent` and `offline_access` needed).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    loadExistingGrant: grantFor,
    routes: {
      // Not under /token: a proxy fault on the path prefix '/token' hits the token endpoint only.
      revocation: '/revoke',
    },
    ttl: {
      AccessToken: () => accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: idTokenTtl,
      // oidc-provider's default rule: a rotated refresh token of a public browser client keeps
      // the remaining lifetime of the one it replaces.
      RefreshToken: (/** @type {any} */ ctx, /** @type {any} */ token, /** @type {any} */ client) =>
        ctx?.oidc?.entities.RotatedRefreshToken &&
        client.applicationType === 'web' &&
        client.clientAuthMethod === 'none' &&
        !token.isSenderConstrained()
          ? ctx.oidc.entities.RotatedRefreshToken.remainingTTL
          : refreshTokenTtl,
      Interaction: 3600,
      Session: sessionTtl,
      Grant: Math.max(sessionTtl, refreshTokenTtl),
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: {
        enabled: true,
        // oidc-provider's default rule, without its "you should change this" notice.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        // The confirm form, submitted by itself (logout=yes: out of the provider entirely).
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Signing out – test provider</title>${STYLE}</head>
<body>
<main>
  <h1>Signing out of the provider…</h1>
  ${form.replace('</form>', '<input type="hidden" name="logout" value="yes"/><button type="submit">Sign out</button></form>')}
</main>
<script>document.getElementById('op.logoutForm').submit();</script>
</body>
</html>`;
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Signed out – test provider</title>${STYLE}</head>
<body><main><h1 id="signed-out">Signed out of the provider</h1></main>
<script>${announce({ type: 'oidc-signed-out' })}</script>
</body>
</html>`;
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(/** @type {any} */ (out));
    },
    findAccount: async (_ctx, sub) => {
      const account = bySub.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => claimsOf(account) };
    },
  });

  // Redirect URIs: any http://localhost:<port>/… or http://127.0.0.1:<port>/… (the pages under
  // test and the demo run on ports chosen at start), nothing else (the recipe "redirect_uri_wildcards").
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(/** @type {string} */ value) {
    return isLoopbackRedirectUri(value);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(/** @type {string} */ value) {
    return isLoopbackRedirectUri(value);
  };

  // The interaction routes (login page and form), in front of the provider's own routes.
  provider.use(async (/** @type {any} */ ctx, /** @type {() => Promise<void>} */ next) => {
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    const [, uid, loginRoute] = match;
    ctx.set('Cache-Control', 'no-store');
    const fail = (/** @type {number} */ status, /** @type {string} */ error, /** @type {string} */ description) => {
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = errorPage({ error, error_description: description });
    };
    if (!(ctx.method === (loginRoute ? 'POST' : 'GET'))) {
      fail(405, 'method_not_allowed', `${ctx.method} ${ctx.path}`);
      return;
    }
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (error) {
      const reason = /** @type {any} */ (error)?.error_description ?? /** @type {Error} */ (error).message;
      fail(400, 'invalid_request', `No sign-in in progress here (${reason}). Start again from the application.`);
      return;
    }
    if (details.uid !== uid) {
      fail(400, 'invalid_request', 'This sign-in page is not the one in progress. Start again from the application.');
      return;
    }
    const client = await provider.Client.find(details.params.client_id);
    const shownName = client?.clientName ?? details.params.client_id;

    if (details.prompt.name === 'consent') {
      // Not expected (loadExistingGrant grants everything), but never stop at a consent screen.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ clientId: details.params.client_id, accountId: details.session?.accountId });
      grant.addOIDCScope(scopes.join(' '));
      grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'preferred_username']);
      const grantId = await grant.save();
      const returnTo = await provider.interactionResult(
        ctx.req,
        ctx.res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }

    if (!loginRoute) {
      ctx.type = 'html';
      ctx.body = loginPage({ uid, clientName: shownName });
      return;
    }
    let form;
    try {
      form = await readForm(ctx.req);
    } catch {
      fail(413, 'invalid_request', 'The form was too large.');
      return;
    }
    const login = form.get('login') ?? '';
    const account = byLogin.get(login);
    if (!account || account.password !== (form.get('password') ?? '')) {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = loginPage({ uid, clientName: shownName, error: 'Wrong login or password.', login });
      return;
    }
    // provider.interactionFinished() with Koa's response: a 303 to the authorization endpoint.
    const returnTo = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: account.sub } },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(returnTo);
  });

  // URLs the provider builds (discovery, redirects, cookie paths) come from the Host header: the
  // proxy sends the provider's own host, so the issuer's is put back here.
  const callback = provider.callback();
  httpServer.setHandler((req, res) => {
    req.headers.host = issuerURL.host;
    callback(req, res);
  });

  /** Serialises stopProvider/startProvider. */
  let chain = Promise.resolve();
  const serially = (/** @type {() => Promise<void>} */ step) => {
    const result = chain.then(step);
    chain = result.catch(() => {});
    return result;
  };
  let stopped = false;
  /** @type {Promise<void> | undefined} */
  let stopping;

  return {
    issuer,
    clientId,
    proxy,
    providerURL,
    accounts,
    provider,
    setAccessTokenTtl(seconds) {
      accessTokenTtl = checkTtl(seconds);
    },
    stopProvider: () =>
      serially(async () => {
        await httpServer.close();
        // Let the proxy's keep-alive agent see its pooled connections closed, so the next request
        // gets ECONNREFUSED rather than a reused dead socket ("socket hang up"): both are a 502.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }),
    startProvider: () =>
      serially(async () => {
        if (stopped) throw new Error('oidc harness: stopped');
        if (!httpServer.running()) await httpServer.listen();
      }),
    providerRunning: () => httpServer.running(),
    resetState: () => storage.clear(),
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        await proxy.close();
        await serially(httpServer.close);
      })()),
  };
}

/** @param {unknown} seconds */
function checkTtl(seconds) {
  if (!(Number.isInteger(seconds) && /** @type {number} */ (seconds) > 0)) {
    throw new TypeError(`access token TTL must be a positive integer of seconds, got ${seconds}`);
  }
  return /** @type {number} */ (seconds);
}
