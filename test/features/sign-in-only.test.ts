// Password sign-in on the core and the `sign-in` feature only (what <log-in-action> imports).
import { expect } from '@open-wc/testing';
import '../../src/define/log-in-action.js';
import { features, recordEvents, key, sessionOn } from './split-page.js';

describe('the sign-in feature alone on the core', () => {
  it('signs in and up, refuses empty credentials before any request; no other feature loads', async () => {
    const { session, backend } = await sessionOn(undefined, { signedIn: false });
    const empty = await session.logIn('ada', '').catch((e: unknown) => e);
    expect(empty).to.have.property('code', 'bad-request');
    expect(backend.count('logIn')).to.equal(0);
    const events = recordEvents(session, ['logged-in', 'logged-out']);
    await session.logIn('ada', 'secret-pw');
    await session.signUp('bob', 'bob-pw', { email: 'bob@example.com' });
    expect(events.map((e) => `${e.type} ${e.detail.reason}`)).to.deep.equal([
      'logged-in log-in',
      'logged-out log-out',
      'logged-in sign-up',
    ]);
    expect(JSON.parse(localStorage.getItem(key)!).user.username).to.equal('bob');
    expect(features()).to.deep.equal(['sign-in']);
  });
});
