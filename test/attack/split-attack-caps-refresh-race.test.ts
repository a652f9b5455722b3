// Core-only page, a custom backend with `refresh`: the user signs out in the connecting task,
// before the lazily loaded renewal code arrives. The renewal must not bring the session back.
import { expect } from '@open-wc/testing';
import { appendSession, renewingBackend } from './split-attack-caps-helpers.js';
import { features, key, sleep } from './split-attack-helpers.js';

describe('split attack: refresh capability, log-out before the renewal feature arrives', () => {
  it('no renewed session is written back after the log-out; signed out stays signed out', async () => {
    expect(features()).to.not.include('redirect-sign-in');
    const calls: string[] = [];
    const backend = renewingBackend(calls);
    const stored = await backend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    localStorage.setItem(key, JSON.stringify(stored));
    const { session, events } = await appendSession(backend);
    await session.logOut();
    await session.ready;
    await sleep(300);
    expect(localStorage.getItem(key), 'a renewed session written back after the log-out').to.equal(null);
    expect(session.authenticated).to.equal(false);
    expect(events.map((e) => `${e.type}:${e.detail.reason}`).at(-1)).to.equal('logged-out:log-out');
  });
});
