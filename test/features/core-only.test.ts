// The core alone, and a feature the page did not import: it loads itself on first use (one
// `import()`), never a silent no-op (SPEC §10.3).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { features, recordEvents, key, sessionOn } from './split-page.js';

describe('a page with the core alone (define/user-session + define/log-out-action)', () => {
  it('has no feature registered, and restores, validates and logs out with none', async () => {
    expect(features()).to.deep.equal([]);
    const { session, backend } = await sessionOn();
    expect(session.authenticated).to.equal(true);
    await session.ready;
    expect(backend.count('currentUser')).to.equal(1);
    const result = await session.logOut();
    expect(result).to.deep.include({ ok: true, revoked: true, signedOutLocally: true });
    expect(localStorage.getItem(key)).to.equal(null);
    expect(features()).to.deep.equal([]);
  });

  it('updateUser() loads the update-user feature on first use and works', async () => {
    const { session } = await sessionOn();
    expect(features()).to.not.include('update-user');
    const changes = recordEvents(session, ['user-change']);
    const user = await session.updateUser({ nickname: 'countess' });
    expect(user.nickname).to.equal('countess');
    expect(changes.length).to.equal(1);
    expect(JSON.parse(localStorage.getItem(key)!).user.nickname).to.equal('countess');
    expect(features()).to.include('update-user');
  });

  it('logIn() loads the sign-in feature on first use and signs in', async () => {
    const { session } = await sessionOn(undefined, { signedIn: false });
    expect(features()).to.not.include('sign-in');
    const events = recordEvents(session, ['logged-in']);
    await session.logIn('ada', 'secret-pw');
    expect(session.authenticated).to.equal(true);
    expect(events.map((e) => e.detail.reason)).to.deep.equal(['log-in']);
    expect(features()).to.include('sign-in');
  });

  it('listSessions() loads the sessions feature', async () => {
    const { session } = await sessionOn();
    const list = await session.listSessions();
    expect(list.length).to.equal(1);
    expect(list[0].current).to.equal(true);
    expect(features()).to.include('sessions');
  });

  it('requestPasswordReset() loads the mail feature, which answers misconfigured for a backend without mail', async () => {
    const { session } = await sessionOn();
    const error = await session.requestPasswordReset('ada@example.com').catch((e: unknown) => e);
    expect(error).to.have.property('code', 'misconfigured');
    expect(features()).to.include('mail');
  });

  it('idle-timeout on a page without the watch feature loads it, and the idle sign-out happens', async () => {
    expect(features()).to.not.include('watch');
    const { session } = await sessionOn(undefined, { attributes: 'idle-timeout="150ms"' });
    const events = recordEvents(session, ['logged-out']);
    await waitUntil(() => events.length === 1, 'signed out for idleness', { timeout: 3000 });
    expect(events[0].detail).to.deep.equal({ reason: 'idle' });
    expect(features()).to.include('watch');
    expect(localStorage.getItem(key)).to.equal(null);
  });
});
