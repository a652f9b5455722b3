// Core-only page, a custom AuthBackend with capability `server-session`: the session the server
// keeps for this browser must be taken up on connect (or the page told it cannot), never ignored
// in silence (SPEC §10.2, §10.3).
import { expect, waitUntil } from '@open-wc/testing';
import type { StoredSession } from '../../src/backends/backend.js';
import { customBackend } from './split-attack-caps-helpers.js';
import { features, key, recordEvents, sleep } from './split-attack-helpers.js';
import { fixture, html } from '@open-wc/testing';
import type { UserSessionElement } from '../../src/elements/user-session.js';

describe('split attack: custom backend with server-session on a core-only page', () => {
  it('nothing stored, the server has a session: it is taken up on connect (logged-in restored, ready with the user)', async () => {
    expect(features()).to.not.include('server-session');
    let asked = 0;
    let serverSide: StoredSession | null = null;
    const backend = customBackend(['server-session'], {
      serverSession: async () => {
        asked++;
        return serverSide;
      },
    });
    serverSide = await backend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    const holder = await fixture<HTMLDivElement>(html`<div></div>`);
    const session = document.createElement('user-session') as UserSessionElement;
    session.setAttribute('storage-key', key);
    session.backend = backend;
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    holder.append(session);
    const user = await Promise.race([session.ready, sleep(3000).then(() => 'timeout')]);
    await sleep(50);
    expect(asked, 'serverSession() asked on connect').to.equal(1);
    expect(session.authenticated).to.equal(true);
    expect(user).to.have.property('username', 'ada');
    expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:restored']);
    await waitUntil(() => localStorage.getItem(key) !== null);
  });
});
