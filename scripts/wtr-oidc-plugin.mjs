// A Web Test Runner plugin that gives browser tests a real OpenID Provider (oidc-provider 9,
// server/oidc-harness.mjs) behind the fault proxy. The issuer is the proxy's URL,
// http://localhost:<port>: same-site with the test pages (http://localhost:<wtr port>), so the
// provider's SameSite=Lax cookies work when its pages are framed.
//
// - Started once for the whole run: on the first `oidc-*` command (a start takes ≈ 0.3–0.5 s),
//   or at server start with `startEagerly`. Runs that never ask never load oidc-provider.
// - Stopped by `serverStop` (normal end, Ctrl-C). Nothing is written to disk.
//
// Browser side (test/integration/oidc-server.ts) calls these with `executeServerCommand`:
//   oidc-config            → { issuer, clientId, extraClientIds, accounts: [{ login, password, sub, email, name }] }
//   oidc-proxy-fault       payload: a fault for the proxy (server/fault-proxy.mjs, as for
//                            parse-proxy-fault, e.g. { status: 503, path: '/token', times: 1 }) or null
//                            → true
//   oidc-proxy-release     lets the requests a `hold` fault keeps go on → how many
//   oidc-proxy-reset       clears the fault and the request log (drops requests still held) → true
//   oidc-proxy-requests    → { requests: [{ method, path, query, fault }], preflights: [{ method, path }] }
//                            oldest first; `path` without the query, `query` the query string
//                            without '?' ('' if none), `fault` what the proxy answered instead of
//                            forwarding (null: forwarded)
//   oidc-access-token-ttl  payload { seconds } (a positive integer) → true: access tokens issued
//                            from now on live that long (default 300)
//   oidc-provider-stop     stops the provider's own HTTP server → true. The proxy keeps running and
//                            answers every request with 502 (JSON `{ code: 100, error: 'fault proxy:
//                            upstream error: connect ECONNREFUSED …' }`, Access-Control-Allow-Origin *;
//                            a CORS preflight gets that 502 too, so a preflighted fetch fails with a TypeError)
//   oidc-provider-start    listens again on the same port with the same keys, sessions, grants and
//                            tokens (the same Provider instance) → the oidc-config answer
//   oidc-reset-state       forgets every login session, grant, code and token at the provider (a
//                            browser's session cookie then means nothing: prompt=none gives
//                            login_required) and sets the access-token TTL back to its default → true
//
// Two clients: the provider also knows `extraClientIds` (default ['demo-spa-2'], in the
// oidc-config answer), set up as `clientId`. A second provider (another issuer, on another port,
// the same client ids and accounts, its own cookie names) is started on the first
// `oidc-second-*` command: each command above with `oidc-second-` instead of `oidc-` is the
// same for it (oidc-second-config, oidc-second-proxy-requests, oidc-second-reset-state…).
//
// The provider's pages post messages to `parent` (when framed) and `opener` (when a popup),
// target origin '*' (see server/README.md, "Driving the login page"):
//   login page        { type: 'oidc-login-page', uid, error? }   answer it with
//                     { type: 'oidc-login', login, password }: the page fills its form and submits it
//   error page        { type: 'oidc-error-page', error, error_description }
//   signed-out page   { type: 'oidc-signed-out' }   (end_session without post_logout_redirect_uri)

const COMMANDS = new Set([
  'oidc-config',
  'oidc-proxy-fault',
  'oidc-proxy-release',
  'oidc-proxy-reset',
  'oidc-proxy-requests',
  'oidc-access-token-ttl',
  'oidc-provider-stop',
  'oidc-provider-start',
  'oidc-reset-state',
]);

/**
 * @param {{ startEagerly?: boolean, harnessOptions?: import('../server/oidc-harness.mjs').OidcHarnessOptions,
 *   log?: (message: string) => void }} [options]
 *   `startEagerly`: start when the test server starts instead of on first use. `harnessOptions`:
 *   passed to startOidcProvider().
 */
export function oidcProviderPlugin(options = {}) {
  const log = options.log ?? ((message) => process.env.OIDC_PLUGIN_VERBOSE && console.log(`[oidc-plugin] ${message}`));
  /** @type {Promise<import('../server/oidc-harness.mjs').OidcHarness> | null} */
  let starting = null;
  /** @type {Promise<import('../server/oidc-harness.mjs').OidcHarness> | null} */
  let startingSecond = null;
  let stopped = false;
  const harnessOptions = { extraClientIds: ['demo-spa-2'], ...options.harnessOptions };

  const launch = async (/** @type {string} */ which, /** @type {object} */ extra) => {
    if (stopped) throw new Error('oidc plugin: the test server is stopping');
    const t0 = Date.now();
    const { startOidcProvider } = await import('../server/oidc-harness.mjs');
    const op = await startOidcProvider({ ...harnessOptions, ...extra });
    log(`${which} ${op.providerURL}, issuer (proxy) ${op.issuer}, started in ${Date.now() - t0} ms`);
    return op;
  };
  const start = () => (starting ??= launch('provider', {}));
  const startSecond = () => (startingSecond ??= launch('second provider', { cookiePrefix: 'second' }));

  const config = (/** @type {import('../server/oidc-harness.mjs').OidcHarness} */ op) => ({
    issuer: op.issuer,
    clientId: op.clientId,
    extraClientIds: harnessOptions.extraClientIds,
    accounts: op.accounts.map(({ login, password, sub, email, name }) => ({ login, password, sub, email, name })),
  });

  return {
    name: 'oidc-provider',

    serverStart() {
      // Errors surface at the first command, which awaits the same promise.
      if (options.startEagerly) start().catch(() => {});
    },

    /** @param {{ command: string, payload: any }} args */
    async executeCommand({ command: asked, payload }) {
      const second = asked.startsWith('oidc-second-');
      const command = second ? `oidc-${asked.slice('oidc-second-'.length)}` : asked;
      if (!COMMANDS.has(command)) return undefined;
      const op = await (second ? startSecond() : start());
      switch (command) {
        case 'oidc-config':
          return config(op);
        case 'oidc-proxy-fault':
          op.proxy.setFault(payload ?? null);
          return true;
        case 'oidc-proxy-release':
          return op.proxy.release();
        case 'oidc-proxy-reset':
          op.proxy.reset();
          return true;
        case 'oidc-proxy-requests':
          return {
            requests: op.proxy.requests.map((r) => ({
              method: r.method,
              path: r.path,
              query: r.url.includes('?') ? r.url.slice(r.url.indexOf('?') + 1) : '',
              fault: r.fault,
            })),
            preflights: op.proxy.preflights.map((r) => ({ method: r.method, path: r.path })),
          };
        case 'oidc-access-token-ttl':
          op.setAccessTokenTtl(payload?.seconds);
          return true;
        case 'oidc-provider-stop':
          await op.stopProvider();
          log('provider stopped');
          return true;
        case 'oidc-provider-start':
          await op.startProvider();
          log('provider started again');
          return config(op);
        case 'oidc-reset-state':
          op.resetState();
          op.setAccessTokenTtl(options.harnessOptions?.accessTokenTtl ?? 300);
          return true;
        default:
          return undefined;
      }
    },

    async serverStop() {
      stopped = true;
      for (const started of [starting, startingSecond]) {
        const op = await started?.catch(() => null);
        await op?.stop().catch((error) => console.error('oidc plugin: stopping the provider failed:', error));
      }
      log('stopped');
    },
  };
}
