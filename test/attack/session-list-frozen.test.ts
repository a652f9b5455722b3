// Attack (2026-12-07): `<session-list>`'s `sessions` is a frozen empty array whenever nothing is
// listed (README: "frozen `SessionInfo`s … Empty when signed out"). Found: before the first load,
// and after a first load that failed with `network`, it was a plain array page code could change.
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { SessionListElement } from '../../src/elements/session-list.js';
import { AuthError } from '../../src/errors.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { afterConnect } from '../helpers/fixtures.js';
import { sleep } from './attack-helpers.js';

const key = 'session-list-frozen/currentUser';

describe('attack: <session-list> frozen empty sessions', () => {
  beforeEach(() => localStorage.clear());

  it('a list not connected yet: sessions is frozen (page code cannot push into it)', () => {
    const list = document.createElement('session-list') as SessionListElement;
    expect(list.sessions).to.deep.equal([]);
    expect(Object.isFrozen(list.sessions), 'not connected').to.equal(true);
  });

  it('signed in, the first load fails with a network error: sessions is a frozen empty array', async () => {
    const backend = new RecordingBackend();
    backend.hold('listSessions').reject(new AuthError('network', 'down'));
    localStorage.setItem(key, JSON.stringify(await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal })));
    const session = await fixture<UserSessionElement>(html`
      <user-session .backend=${backend} storage-key=${key}><session-list></session-list></user-session>
    `);
    await afterConnect();
    await session.ready;
    await sleep(50);
    const list = session.querySelector('session-list') as SessionListElement;
    expect(list.sessions).to.have.length(0);
    expect(Object.isFrozen(list.sessions), 'after a network failure').to.equal(true);
    // Page code cannot forge an entry the element would report as listed.
    expect(() => (list.sessions as unknown[]).push({ id: 'forged' })).to.throw(TypeError);
    expect(list.sessions).to.have.length(0);
  });
});
