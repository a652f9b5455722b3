// Core-only page, a custom AuthBackend with capability `server-session`: the session the server
// keeps for this browser must be taken up on connect (or the page told it cannot), never ignored
// in silence (SPEC §10.2, §10.3).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { appendSession, cookieBackend } from './split-attack-caps-helpers.js';
import { features, key, sleep } from './split-attack-helpers.js';

describe('split attack: custom backend with server-session on a core-only page', () => {
  it('nothing stored, the server has a session: it is taken up on connect (logged-in restored, ready with the user)', async () => {
    expect(features()).to.not.include('server-session');
    const { backend, server } = cookieBackend();
    server.session = await backend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    const { session, events } = await appendSession(backend);
    const user = await Promise.race([session.ready, sleep(3000).then(() => 'timeout')]);
    await sleep(50);
    expect(server.asked, 'serverSession() asked on connect').to.equal(1);
    expect(session.authenticated).to.equal(true);
    expect(user).to.have.property('username', 'ada');
    expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:restored']);
    await waitUntil(() => localStorage.getItem(key) !== null);
  });
});
