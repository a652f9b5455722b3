// Core-only page, a custom backend with `redirect-log-in` and `end-session` (an OpenID-like
// backend written by the page): the return from the provider is finished on connect, logIn()
// goes to the provider, endSession works or fails with misconfigured (SPEC §8, §10.3).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import type { AuthBackend, Capability } from '../../src/backends/backend.js';
import { appendSession, customBackend } from './split-attack-caps-helpers.js';
import { features, key, recordEvents, sessionOn, sleep } from './split-attack-helpers.js';

const page = location.href.split('#')[0];

describe('split attack: redirect-log-in / end-session backend on a core-only page', () => {
  afterEach(() => history.replaceState(null, '', page));

  it('the provider sent the browser back: finishLogIn on connect signs in (logged-in log-in), the address is cleaned', async () => {
    expect(features()).to.not.include('redirect-sign-in');
    history.replaceState(null, '', `${page}#code=abc&state=xyz`);
    let finished = 0;
    const backend = customBackend(['redirect-log-in']);
    const stored = await backend.memory.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    backend.finishLogIn = (url: URL) =>
      url.hash.includes('code=') ? { cleanUrl: page, finish: async () => (finished++, stored) } : null;
    const { session, events } = await appendSession(backend);
    await Promise.race([session.ready, sleep(3000)]);
    await sleep(50);
    expect(finished, 'finishLogIn().finish() ran').to.equal(1);
    expect(session.authenticated).to.equal(true);
    expect(events.map((e) => `${e.type}:${e.detail.reason}`)).to.deep.equal(['logged-in:log-in']);
    expect(location.href).to.equal(page);
  });

  it('endSession on a backend without end-session: signed out here, then misconfigured', async () => {
    const { session } = await sessionOn();
    await session.ready;
    const events = recordEvents(session, ['logged-out']);
    const result = await session.logOut({ endSession: true });
    expect(result).to.deep.include({ ok: false, signedOutLocally: true });
    expect(result.error).to.have.property('code', 'misconfigured');
    expect(events.map((e) => e.detail.reason)).to.deep.equal(['log-out']);
    expect(localStorage.getItem(key)).to.equal(null);
  });

  it('endSession on a custom backend with end-session: signed out, revoked, then the browser goes to endSessionUrl', async () => {
    const backend = customBackend(['end-session'], {
      endSessionUrl: async () => `${page}#ended`,
    });
    const { session } = await sessionOn(backend);
    await session.ready;
    const result = await session.logOut({ endSession: true });
    expect(result).to.deep.include({ ok: true, signedOutLocally: true });
    await waitUntil(() => location.hash === '#ended', 'sent to the end-session URL', { timeout: 3000 });
  });

  it('logIn() with no arguments on a redirect-log-in backend goes to the provider (promise stays pending)', async () => {
    const backend = customBackend(['redirect-log-in'], { beginLogIn: async () => `${page}#provider`, finishLogIn: () => null });
    (backend as unknown as { capabilities: Capability[] }).capabilities = ['redirect-log-in'];
    delete (backend as Partial<AuthBackend>).logIn;
    const { session } = await sessionOn(backend, { signedIn: false });
    let settled: unknown = 'pending';
    session.logIn().then(
      (u) => (settled = u),
      (e: unknown) => (settled = e),
    );
    await waitUntil(() => location.hash === '#provider' || settled !== 'pending', 'went to the provider', { timeout: 3000 });
    expect(settled).to.equal('pending');
    expect(location.hash).to.equal('#provider');
  });
});
