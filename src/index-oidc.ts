// The package entry plus `backend="oidc"`: what dist/user-session-elements-oidc.min.js bundles
// (with Lit and oauth4webapi) for a page that loads the kit from a CDN with one <script>.
export * from './index.js';
export { OidcBackend, type OidcBackendOptions } from './define/oidc-backend.js';
