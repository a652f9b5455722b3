// Attack (found by the attack pass of 2026-12-07 on the watch feature's listeners, fixed before it
// landed): idle sign-out's activity listeners must stop when the element is removed (SPEC §1
// "Disconnecting removes every listener … it added"). Core-only page: the watch feature loads on
// first use, after the second element was created. That element's controller then attaches the
// feature during its own connect, and Lit's loop over its controllers calls the feature's
// `hostConnected` twice: the listeners of the first call must not be left behind.
import { expect } from '@open-wc/testing';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import { features, sleep, tick } from './split-attack-helpers.js';

let key = '';
let activityKey = '';
let n = 0;
beforeEach(() => {
  key = `split-attack-idle-late/${n++}/currentUser`;
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

describe('attack: idle activity listeners after removal, the feature loaded late', function () {
  this.timeout(20_000);

  // Two sessions on one page (a core-only page, so `idle-timeout` loads the watch feature on first
  // use): the second <user-session> was created (by a framework, say) before the first one loaded
  // the feature, and is inserted after. Removing it must stop its activity listeners.
  it('two sessions on one page: a session created before the other loaded the watch feature stops listening once removed', async () => {
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
});
