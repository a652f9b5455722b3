// The package entry plus `backend="oidc"`: what dist/user-session-elements-oidc.min.js bundles
// (with Lit and oauth4webapi) for a page that loads the kit from a CDN with one <script>.
// Watch, then redirect sign-in, before the rest: the features with hooks keep the order they had when the package entry imported both.
import './define/features/watch.js';
import './define/features/redirect-sign-in.js';
export * from './index.js';
export { OidcBackend, type OidcBackendOptions } from './define/oidc-backend.js';
