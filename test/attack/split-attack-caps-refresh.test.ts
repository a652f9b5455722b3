// Core-only page, a custom backend with capability `refresh` (its credentials expire and are renewed
// before use): the check on load must renew the due session first (SPEC §8, §10.2), whether or not
// the page imported the redirect-sign-in / token-renewal feature.
import { expect } from '@open-wc/testing';
import { AuthError } from '../../src/errors.js';
import { renewingBackend } from './split-attack-caps-helpers.js';
import { features, key, recordEvents, sessionOn, sleep } from './split-attack-helpers.js';

describe('split attack: custom backend with refresh on a core-only page', () => {
  it('a stored session past its refreshAt is renewed before the load check, not lost', async () => {
    expect(features()).to.not.include('redirect-sign-in');
    const calls: string[] = [];
    const backend = renewingBackend(calls);
    const inner = backend.currentUser.bind(backend);
    backend.currentUser = async (s, o) => {
      calls.push('currentUser');
      if (!s.token.endsWith(':renewed')) throw new AuthError('invalid-session', 'expired access token');
      return inner({ ...s, token: s.token.slice(0, -':renewed'.length) }, o);
    };
    const stored = await backend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    const { session } = await sessionOn(backend, { stored });
    const events = recordEvents(session, ['logged-out']);
    await Promise.race([session.ready, sleep(3000).then(() => 'timeout')]);
    await sleep(50);
    expect(
      events.map((e) => e.detail.reason),
      'an expired access token treated as a lost session',
    ).to.deep.equal([]);
    expect(session.authenticated).to.equal(true);
    expect(calls[0]).to.equal('refreshSession');
    expect(JSON.parse(localStorage.getItem(key)!).token).to.match(/:renewed$/);
  });
});
