// Core-only page: two <user-session> elements, one with idle-timeout, one without (watch loads lazily).
import { expect } from '@open-wc/testing';
import { waitUntil } from '../helpers/wait-until.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { features, key, recordEvents, sessionOn, sleep, uncaught } from './split-attack-helpers.js';

async function second(holder: HTMLElement, backend: RecordingBackend, storageKey = key, attributes: Record<string, string> = {}) {
  const el = document.createElement('user-session');
  el.setAttribute('storage-key', storageKey);
  for (const [n, v] of Object.entries(attributes)) el.setAttribute(n, v);
  el.backend = backend;
  holder.append(el);
  await sleep(0);
  return el;
}

describe('split attack: two <user-session> on a page, one with idle-timeout', () => {
  it('same key: the idle sign-out reaches the element without idle-timeout, with reason idle, once each', async () => {
    const { session, holder, backend } = await sessionOn(undefined, { attributes: 'idle-timeout="300ms"' });
    const plain = await second(holder, backend);
    const idleEvents = recordEvents(session, ['logged-out']);
    const plainEvents = recordEvents(plain, ['logged-out']);
    await waitUntil(() => !session.authenticated && !plain.authenticated, 'both signed out', { timeout: 3000 });
    await sleep(50);
    expect(idleEvents.map((e) => e.detail.reason)).to.deep.equal(['idle']);
    expect(plainEvents.map((e) => e.detail.reason)).to.deep.equal(['idle']);
    expect(backend.count('logOut')).to.equal(1);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(features()).to.include('watch');
  });

  it('other key: only the idle element signs out; the other session stays', async () => {
    const backend = new RecordingBackend();
    const { session, holder } = await sessionOn(backend, { attributes: 'idle-timeout="300ms"' });
    const otherKey = 'split-attack/other';
    localStorage.setItem(
      otherKey,
      JSON.stringify(await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal })),
    );
    const plain = await second(holder, backend, otherKey);
    expect(plain.authenticated).to.equal(true);
    await waitUntil(() => !session.authenticated, 'idle element signed out', { timeout: 3000 });
    await sleep(400);
    expect(plain.authenticated).to.equal(true);
    expect(localStorage.getItem(otherKey)).to.not.equal(null);
  });

  it('idle-timeout set after connect works; removing it stops it; garbage is off without exceptions', async () => {
    const { session } = await sessionOn();
    await session.ready;
    for (const bad of ['soon', '-1s', '0', 'NaN', '1e3', '99999h', ' ', '<img>']) {
      session.setAttribute('idle-timeout', bad);
      await session.updateComplete;
    }
    session.idleTimeout = '200ms';
    await session.updateComplete;
    session.removeAttribute('idle-timeout');
    await session.updateComplete;
    await sleep(400);
    expect(session.authenticated, 'removed idle-timeout still signed out').to.equal(true);
    session.setAttribute('idle-timeout', '200ms');
    const events = recordEvents(session, ['logged-out']);
    await waitUntil(() => !session.authenticated, 'idle sign-out after setting it later', { timeout: 3000 });
    expect(events.map((e) => e.detail.reason)).to.deep.equal(['idle']);
    expect(uncaught).to.have.length(0);
  });

  it('the idle element is removed: the plain element on the key is not signed out later', async () => {
    const { session, holder, backend } = await sessionOn(undefined, { attributes: 'idle-timeout="300ms"' });
    const plain = await second(holder, backend);
    await sleep(50);
    session.remove();
    await sleep(600);
    expect(plain.authenticated).to.equal(true);
    expect(localStorage.getItem(key)).to.not.equal(null);
  });
});
