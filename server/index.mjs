// Node-only test/demo backends: a real Parse Server on an embedded PostgreSQL, a real OpenID
// Provider (oidc-provider), a real Better Auth server (on SQLite), and a fault proxy.
export { startParseServer } from './parse-harness.mjs';
export { startFaultProxy } from './fault-proxy.mjs';
export { startOidcProvider, defaultOidcAccounts } from './oidc-harness.mjs';
export { startMailServer, extractLinks } from './mail-harness.mjs';
export { createSmtpMailAdapter } from './smtp-mail-adapter.mjs';
export { startBetterAuth } from './better-auth-harness.mjs';
