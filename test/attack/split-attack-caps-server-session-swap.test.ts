// Core-only page, a custom backend with `server-session`: the page changes `backend` (or
// `storage-key`) in the connecting task, before the lazily loaded take-up arrives.
import { expect, fixture, html } from '@open-wc/testing';
import type { StoredSession } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { customBackend } from './split-attack-caps-helpers.js';
import { features, key, recordEvents, sleep } from './split-attack-helpers.js';

describe('split attack: server-session take-up vs a backend swapped before the feature arrives', () => {
  it("the old backend's cookie session is not taken up into the new backend's element", async () => {
    expect(features()).to.not.include('server-session');
    let asked = 0;
    let serverSide: StoredSession | null = null;
    const cookieBackend = customBackend(['server-session'], {
      serverSession: async () => {
        asked++;
        return serverSide;
      },
    });
    serverSide = await cookieBackend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    const holder = await fixture<HTMLDivElement>(html`<div></div>`);
    const session = document.createElement('user-session') as UserSessionElement;
    session.setAttribute('storage-key', key);
    session.backend = cookieBackend;
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    holder.append(session);
    const plain = new RecordingBackend();
    session.backend = plain; // same task: the page settles on another backend
    await session.ready;
    await sleep(300);

    expect(session.authenticated, "signed in with the discarded backend's session").to.equal(false);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(events).to.have.length(0);
    expect(asked, 'the discarded backend was asked for its cookie session').to.equal(0);
  });
});
