// Core-only page: every feature loads on first use. A backend whose errors quote the session token
// (a careless custom backend) must not get that token into a rejection, an event or the console,
// whichever feature's code path the error takes (SPEC §6, §7.9).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import type { StoredSession } from '../../src/backends/backend.js';
import { AuthError } from '../../src/errors.js';
import { errorText } from '../helpers/error-text.js';
import { customBackend } from './split-attack-caps-helpers.js';
import { consoleLines, key, leaks, recordEvents, rejectionOf, sessionOn, sleep } from './split-attack-helpers.js';

const tokenIn = (s: StoredSession) => `token=${s.token}`;

describe('split attack: no token out of a lazily loaded feature', () => {
  const allEvents = (el: EventTarget) =>
    recordEvents(el, ['logged-in', 'logged-out', 'user-change', 'sessions-change', 'idle-warning', 'failure', 'success']);

  for (const [name, code] of [
    ['updateUser', 'server'],
    ['listSessions', 'server'],
    ['revokeSession', 'server'],
    ['updateUser', 'network'],
    ['listSessions', 'invalid-session'],
  ] as const) {
    it(`${name}() rejecting with the token in a ${code} error (plain Error and AuthError with cause)`, async () => {
      const { session, backend, stored } = await sessionOn();
      await session.ready;
      const events = allEvents(session);
      const token = stored!.token;
      const bad = new AuthError(code, `${name} failed for ${tokenIn(stored!)}`, { cause: new Error(`raw ${token}`) });
      consoleLines.length = 0;
      const gate = backend.hold(name);
      const before = backend.count(name);
      const call =
        name === 'updateUser'
          ? session.updateUser({ nickname: 'x' })
          : name === 'listSessions'
            ? session.listSessions()
            : session.revokeSession('some-other-id');
      await waitUntil(() => backend.count(name) > before, 'the request reached the backend', { timeout: 3000 });
      gate.reject(code === 'server' ? new Error(`${name} failed: ${token}`) : bad);
      const error = await rejectionOf(call);
      await sleep(20);
      expect(error).to.be.instanceOf(Error);
      expect(leaks(errorText(error), token), `${name}: token in the rejection`).to.equal(false);
      expect(leaks(JSON.stringify(events.map((e) => [e.type, e.detail])), token), 'token in an event').to.equal(false);
      expect(
        consoleLines.filter((l) => leaks(l, token)),
        'token in the console',
      ).to.deep.equal([]);
      expect(leaks(JSON.stringify(session.user), token)).to.equal(false);
    });
  }

  it('refreshSession / endSessionUrl errors quoting the token', async () => {
    consoleLines.length = 0;
    let current: StoredSession | null = null;
    const backend = customBackend(['refresh', 'end-session'], {
      refreshAt: () => Date.now() - 1,
      refreshSession: async (s: StoredSession) => {
        throw new Error(`refresh refused for ${s.token}`);
      },
      endSessionUrl: async (s: StoredSession) => {
        throw new AuthError('server', `no end for ${s.token}`, { cause: new Error(s.token) });
      },
    });
    current = await backend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    const { session } = await sessionOn(backend, { stored: current });
    const events = allEvents(session);
    await Promise.race([session.ready, sleep(2000)]);
    const result = await session.logOut({ endSession: true });
    await sleep(50);
    const token = current.token;
    expect(leaks(errorText(result.error), token), 'token in the log-out result').to.equal(false);
    expect(leaks(JSON.stringify(events.map((e) => [e.type, e.detail])), token), 'token in an event').to.equal(false);
    expect(
      consoleLines.filter((l) => leaks(l, token)),
      'token in the console',
    ).to.deep.equal([]);
    expect(localStorage.getItem(key)).to.equal(null);
  });
});
