import { MemoryBackend, ParseBackend, type AuthBackend } from 'user-session-elements';

// Any AuthBackend object. With ?server-url=…&app-id=… in the page's address, Parse Server (the
// tests start one); else a MemoryBackend, which keeps its accounts in the page (no server needed).
const params = new URLSearchParams(location.search);
const serverURL = params.get('server-url');
export const backend: AuthBackend = serverURL
  ? new ParseBackend({ serverURL, appId: params.get('app-id') ?? '' })
  : new MemoryBackend({ users: [{ username: 'ada', password: 'lovelace' }] });
