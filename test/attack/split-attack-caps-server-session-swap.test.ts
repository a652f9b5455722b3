// Core-only page, a custom backend with `server-session`: the page changes `backend` (or
// `storage-key`) in the connecting task, before the lazily loaded take-up arrives.
import { expect } from '@open-wc/testing';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { appendSession, cookieBackend } from './split-attack-caps-helpers.js';
import { features, key, sleep } from './split-attack-helpers.js';

describe('split attack: server-session take-up vs a backend swapped before the feature arrives', () => {
  it("the old backend's cookie session is not taken up into the new backend's element", async () => {
    expect(features()).to.not.include('server-session');
    const { backend: cookieSide, server } = cookieBackend();
    server.session = await cookieSide.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    const { session, events } = await appendSession(cookieSide);
    const plain = new RecordingBackend();
    session.backend = plain; // same task: the page settles on another backend
    await session.ready;
    await sleep(300);

    expect(session.authenticated, "signed in with the discarded backend's session").to.equal(false);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(events).to.have.length(0);
    expect(server.asked, 'the discarded backend was asked for its cookie session').to.equal(0);
  });
});
