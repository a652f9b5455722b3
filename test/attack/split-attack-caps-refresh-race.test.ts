// Core-only page, a custom backend with `refresh`: the user signs out in the connecting task,
// before the lazily loaded renewal code arrives. The renewal must not bring the session back.
import { expect, fixture, html } from '@open-wc/testing';
import type { StoredSession } from '../../src/backends/backend.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { customBackend } from './split-attack-caps-helpers.js';
import { features, key, recordEvents, sleep } from './split-attack-helpers.js';

describe('split attack: refresh capability, log-out before the renewal feature arrives', () => {
  it('no renewed session is written back after the log-out; signed out stays signed out', async () => {
    expect(features()).to.not.include('redirect-sign-in');
    const calls: string[] = [];
    const backend = customBackend(['refresh'], {
      refreshAt: (s: StoredSession) => (s.token.endsWith(':renewed') ? Date.now() + 3_600_000 : Date.now() - 1000),
      refreshSession: async (s: StoredSession) => {
        calls.push('refreshSession');
        return { ...s, token: `${s.token}:renewed` };
      },
    });
    const stored = await backend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    localStorage.setItem(key, JSON.stringify(stored));
    const holder = await fixture<HTMLDivElement>(html`<div></div>`);
    const session = document.createElement('user-session') as UserSessionElement;
    session.setAttribute('storage-key', key);
    session.backend = backend;
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    holder.append(session);
    await session.logOut();
    await session.ready;
    await sleep(300);
    expect(localStorage.getItem(key), 'a renewed session written back after the log-out').to.equal(null);
    expect(session.authenticated).to.equal(false);
    expect(events.map((e) => `${e.type}:${e.detail.reason}`).at(-1)).to.equal('logged-out:log-out');
  });
});
