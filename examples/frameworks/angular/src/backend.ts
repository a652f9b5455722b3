import { MemoryBackend } from 'user-session-elements';

// Any AuthBackend object: this one keeps its accounts in the page (no server needed);
// `new ParseBackend({ serverURL, appId })` talks to Parse Server.
export const backend = new MemoryBackend({ users: [{ username: 'ada', password: 'lovelace' }] });
