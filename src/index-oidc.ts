// The package entry plus `backend="oidc"`: what dist/user-session-elements-oidc.min.js bundles
// (with Lit and oauth4webapi) for a page that loads the kit from a CDN with one <script>.
// The OIDC backend's module first (it defines nothing: its code leads the file, which gzip
// compresses best), then watch and redirect sign-in, so the features with hooks keep the order
// they had when the package entry imported both; `backend="oidc"` is registered last.
import './backends/oidc.js';
import './define/features/watch.js';
import './define/features/redirect-sign-in.js';
export * from './index.js';
export { OidcBackend, type OidcBackendOptions } from './define/oidc-backend.js';
