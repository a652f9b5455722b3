import { OidcBackend } from '../backends/oidc.js';
import { registerKitBackend } from '../backends/resolve.js';
import { UserSessionElement } from '../elements/user-session.js';
import { defineElement } from './define-element.js';
import './features/redirect-sign-in.js';

// `backend="oidc"`: an OidcBackend from the element's `issuer`, `client-id`, `redirect-uri`,
// `post-logout-redirect-uri` and `scopes`. Its own entry point (`user-session-elements/oidc.js`),
// so a Parse page never downloads oauth4webapi.
registerKitBackend(
  'oidc',
  ({ issuer, clientId, redirectUri, postLogoutRedirectUri, scopes }) =>
    // Unset (`null`) or blank, each of the last three takes its default.
    new OidcBackend({ issuer: issuer ?? '', clientId: clientId ?? '', redirectUri, postLogoutRedirectUri, scopes }),
);

export { OidcBackend, type OidcBackendOptions } from '../backends/oidc.js';

// Defines `<user-session>` too (unless already defined), without the Parse backend that
// `define/user-session.js` brings: a page of this backend alone downloads no Parse code.
defineElement('user-session', UserSessionElement);
