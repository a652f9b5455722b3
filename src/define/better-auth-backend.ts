import { BetterAuthBackend } from '../backends/better-auth.js';
import { registerKitBackend } from '../backends/resolve.js';
import { UserSessionElement } from '../elements/user-session.js';
import { defineElement } from './define-element.js';
import './features/server-session.js';

// `backend="better-auth"`: a BetterAuthBackend at the element's `server-url` (Better Auth's
// basePath included, e.g. https://app.example/api/auth). Its own entry point
// (`user-session-elements/better-auth.js`), so a Parse page never downloads it.
registerKitBackend('better-auth', ({ serverURL }) => new BetterAuthBackend({ serverURL: serverURL ?? '' }));

export { BetterAuthBackend, type BetterAuthBackendOptions } from '../backends/better-auth.js';

// Defines `<user-session>` too (unless already defined), without the Parse backend that
// `define/user-session.js` brings: a page of this backend alone downloads no Parse code.
defineElement('user-session', UserSessionElement);
