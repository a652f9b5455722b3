// Probe: idle sign-out's activity listeners must stop after the element is removed and come back
// when it is re-inserted (README "Sessions that notice"; SPEC §1 "Disconnecting removes every
// listener … it added"). Core-only page: the watch feature is imported by the test itself, after
// an element was already created (what happens when another <user-session> on the page loaded it
// lazily, or the page imports it late).
import { expect } from '@open-wc/testing';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { features, sleep, tick } from './split-attack-helpers.js';

let key = '';
let activityKey = '';
let n = 0;
beforeEach(() => {
  key = `probe-idle/${n++}/currentUser`;
  activityKey = `${key}:last-activity`;
});

async function signedInStored(backend: RecordingBackend) {
  const stored = await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
  localStorage.setItem(key, JSON.stringify(stored));
}

function make(backend: RecordingBackend): UserSessionElement {
  const session = document.createElement('user-session') as UserSessionElement;
  session.setAttribute('storage-key', key);
  session.setAttribute('idle-timeout', '4s');
  session.backend = backend;
  return session;
}

/** Activity after `session` was removed: whether it still reaches the shared last-activity stamp. */
async function activityAfterRemoval(session: UserSessionElement): Promise<{ before: string | null; after: string | null }> {
  session.remove();
  // The write gap is min(5 s, timeout / 4) = 1 s: wait past it so a live listener would write at once.
  await sleep(1_300);
  const before = localStorage.getItem(activityKey);
  window.dispatchEvent(new PointerEvent('pointerdown'));
  window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
  await sleep(1_300);
  return { before, after: localStorage.getItem(activityKey) };
}

describe('probe: idle activity listeners after removal', function () {
  this.timeout(20_000);

  // Two sessions on one page (a core-only page, so `idle-timeout` loads the watch feature on first
  // use): the second <user-session> was created (by a framework, say) before the first one loaded
  // the feature, and is inserted after. Removing it must stop its activity listeners.
  it('two sessions on one page: a session created before the other loaded the watch feature keeps listening after it is removed', async () => {
    expect(features()).to.not.include('watch');
    const backend = new RecordingBackend();
    await signedInStored(backend);
    const second = make(backend);
    const first = make(backend);
    first.setAttribute('storage-key', `${key}/other`);
    localStorage.setItem(`${key}/other`, localStorage.getItem(key)!);
    document.body.append(first);
    await tick();
    await first.ready;
    for (let i = 0; i < 100 && !features().includes('watch'); i++) await sleep(20);
    expect(features(), 'the first session loaded the feature').to.include('watch');
    document.body.append(second);
    await tick();
    await second.ready;
    expect(second.authenticated).to.equal(true);
    // Activity while connected is counted (the listeners work).
    await sleep(1_100);
    window.dispatchEvent(new PointerEvent('pointerdown'));
    expect(localStorage.getItem(activityKey), 'activity while connected is written').to.not.equal(null);
    first.remove();
    const { before, after } = await activityAfterRemoval(second);
    expect(after, 'activity after the element was removed still written to storage (listener leaked)').to.equal(before);
  });

  it('control: feature already registered when the element is created: removing it stops its listeners', async () => {
    const backend = new RecordingBackend();
    await signedInStored(backend);
    const first = make(backend);
    document.body.append(first);
    await tick();
    await first.ready;
    first.remove();
    const second = make(backend);
    document.body.append(second);
    await tick();
    await second.ready;
    const { before, after } = await activityAfterRemoval(second);
    expect(after, 'activity after removal written').to.equal(before);
  });

  it('move in the DOM, then remove: listeners stop; re-insert: they come back', async () => {
    const backend = new RecordingBackend();
    await signedInStored(backend);
    const session = make(backend);
    const a = document.createElement('div');
    const b = document.createElement('div');
    document.body.append(a, b);
    a.append(session);
    await tick();
    await session.ready;
    b.append(session); // a move: disconnect + connect
    await tick();
    await session.ready;
    let r = await activityAfterRemoval(session);
    expect(r.after, 'after move + remove').to.equal(r.before);
    // Re-inserted: activity counts again.
    document.body.append(session);
    await tick();
    await session.ready;
    await sleep(1_100);
    const was = localStorage.getItem(activityKey);
    await sleep(5);
    window.dispatchEvent(new PointerEvent('pointerdown'));
    expect(localStorage.getItem(activityKey), 'activity after re-insert is counted').to.not.equal(was);
    r = await activityAfterRemoval(session);
    expect(r.after, 'after the second removal').to.equal(r.before);
    a.remove();
    b.remove();
  });
});
