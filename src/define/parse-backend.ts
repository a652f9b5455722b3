import { ParseBackend } from '../backends/parse.js';
import { registerKitBackend } from '../backends/resolve.js';

// `backend="parse"` (the default): a ParseBackend from the element's `server-url`, `app-id`,
// `client-key` and `storage`. `define/user-session.js` imports it.
registerKitBackend(
  'parse',
  ({ serverURL, appId, clientKey, storage }) =>
    new ParseBackend({ serverURL: serverURL ?? '', appId: appId ?? '', clientKey: clientKey ?? undefined, storage }),
);

export { ParseBackend, type ParseBackendOptions } from '../backends/parse.js';
