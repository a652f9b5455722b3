import { expect } from '@open-wc/testing';
import { clearStorage, sessionWithAction, signIn } from './helpers/fixtures.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { withWritesRefused } from './helpers/refuse-writes.js';

/** Replaces `window.localStorage` with a getter that throws, as blocked storage does. */
function blockLocalStorage(): () => void {
  const own = Object.getOwnPropertyDescriptor(window, 'localStorage');
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    },
  });
  return () => {
    if (own) Object.defineProperty(window, 'localStorage', own);
    else delete (window as { localStorage?: Storage }).localStorage;
  };
}

describe('storage faults', () => {
  beforeEach(clearStorage);

  it('QuotaExceededError on write: signed in from memory, nothing half-written, log-out still works', async () => {
    await withWritesRefused(async () => {
      const { session, action } = await sessionWithAction(new RecordingBackend(), 'quota/key');
      await signIn(session);
      expect(session.authenticated).to.equal(true);
      expect(session.hasAttribute('authenticated')).to.equal(true);
      expect(localStorage.getItem('quota/key')).to.equal(null);
      expect(await action.do()).to.equal(true);
      expect(session.authenticated).to.equal(false);
    });
  });

  it('SecurityError when touching localStorage: the element works from memory and throws nothing', async function () {
    let restore: () => void;
    try {
      restore = blockLocalStorage();
    } catch {
      this.skip(); // this engine does not let a page replace window.localStorage
    }
    try {
      let blocked = false;
      try {
        void window.localStorage;
      } catch {
        blocked = true;
      }
      if (!blocked) this.skip();
      const { session, action } = await sessionWithAction(new RecordingBackend(), 'blocked/key');
      expect(session.authenticated).to.equal(false);
      await signIn(session);
      expect(session.hasAttribute('authenticated')).to.equal(true);
      expect(await action.do()).to.equal(true);
      expect(session.hasAttribute('authenticated')).to.equal(false);
    } finally {
      restore!();
    }
  });

  it('a stored value of the wrong shape, then a valid one written by another script, is picked up on the next connect', async () => {
    localStorage.setItem('shape/key', JSON.stringify({ token: 'x', user: 'not an object' }));
    const { session } = await sessionWithAction(new RecordingBackend(), 'shape/key');
    expect(session.authenticated).to.equal(false);
    session.remove();
    localStorage.setItem('shape/key', JSON.stringify({ token: 'm:t', user: { id: 'u1', username: 'ada' } }));
    document.body.append(session);
    expect(session.username).to.equal('ada');
    session.remove();
  });
});
