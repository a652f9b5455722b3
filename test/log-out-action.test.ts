import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import { sendKeys } from '@web/test-runner-commands';
import { AuthError } from '../src/errors.js';
import { LogOutActionElement } from '../src/elements/log-out-action.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';

describe('<log-out-action>', () => {
  beforeEach(clearStorage);

  describe('signing out', () => {
    it('do() signs out: attribute gone, storage key gone, logged-out before success, exact details', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      expect(session).to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.be.a('string');

      const order: string[] = [];
      const events = recordEvents(session, ['logged-out']);
      const results = recordEvents(action, ['success', 'failure']);
      session.addEventListener('logged-out', () => order.push(`logged-out:${session.hasAttribute('authenticated')}`));
      action.addEventListener('success', () => order.push(`success:${session.hasAttribute('authenticated')}`));

      expect(await action.do()).to.equal(true);

      expect(session).not.to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(order).to.deep.equal(['logged-out:false', 'success:false']);
      expect(events[0]!.detail).to.deep.equal({ reason: 'log-out' });
      expect(events[0]!.bubbles).to.equal(true);
      expect(events[0]!.composed).to.equal(false);
      expect(results).to.have.length(1);
      expect(results[0]!.type).to.equal('success');
      expect(results[0]!.detail).to.deep.equal({ scope: 'current', revoked: true });
      expect(results[0]!.bubbles).to.equal(false);
      expect(results[0]!.composed).to.equal(false);
      expect(backend.count('logOut')).to.equal(1);
      expect(backend.activeSessions).to.equal(0);
    });

    it('a click on the default button signs out', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const success = oneEvent(action, 'success');
      action.shadowRoot!.querySelector('button')!.click();
      const event = await success;
      expect(event.detail).to.deep.equal({ scope: 'current', revoked: true });
      expect(session).not.to.have.attribute('authenticated');
      expect(backend.count('logOut')).to.equal(1);
    });

    it('a click on slotted author content signs out, and the author attributes stay as written', async () => {
      const backend = new RecordingBackend();
      const session = await fixture(html`
        <user-session .backend=${backend} storage-key=${storageKey}>
          <log-out-action><button class="mine" type="button">Sign out</button></log-out-action>
        </user-session>
      `);
      await signIn(session as never);
      const action = session.querySelector('log-out-action')!;
      const button = action.querySelector('button')!;
      const before = button.outerHTML;
      const success = oneEvent(action, 'success');
      button.click();
      await success;
      expect(button.outerHTML).to.equal(before);
      expect(session).not.to.have.attribute('authenticated');
    });

    it('does not bubble success/failure to ancestors', async () => {
      const { session, action } = await sessionWithAction();
      await signIn(session);
      const heard = recordEvents(document.body, ['success', 'failure']);
      await action.do();
      expect(heard).to.have.length(0);
    });
  });

  describe('failures', () => {
    it('a backend failure fires failure with the AuthError, sets error, signed out locally; error clears on the next do()', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      backend.hold('logOut').reject(new AuthError('network', 'The server could not be reached.'));
      const failures = recordEvents(action, ['failure']);
      const loggedOut = recordEvents(session, ['logged-out']);

      expect(await action.do()).to.equal(false);

      expect(failures).to.have.length(1);
      const { error, signedOutLocally, revocationPending } = failures[0]!.detail;
      expect(error).to.be.instanceOf(AuthError);
      expect(error.code).to.equal('network');
      expect(signedOutLocally).to.equal(true);
      expect(revocationPending).to.equal(true);
      expect(Object.keys(failures[0]!.detail).sort()).to.deep.equal(['error', 'revocationPending', 'signedOutLocally']);
      expect(action.error).to.equal('The server could not be reached.');
      expect(session).not.to.have.attribute('authenticated');
      expect(loggedOut).to.have.length(1);
      expect(localStorage.getItem(storageKey)).to.equal(null);

      await signIn(session);
      const gate = backend.hold('logOut');
      const run = action.do();
      expect(action.error).to.equal('');
      gate.resolve();
      expect(await run).to.equal(true);
    });

    it('a non-AuthError thrown by a backend reaches the event as code "server" with the original as cause', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const original = new TypeError('boom');
      backend.hold('logOut').reject(original);
      const failure = oneEvent(action, 'failure');
      await action.do();
      const { error } = (await failure).detail;
      expect(error.code).to.equal('server');
      expect(error.cause).to.equal(original);
    });

    it('a session already invalid on the server is a success (revoked: true)', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      backend.hold('logOut').reject(new AuthError('invalid-session', 'Invalid session token', { status: 400, serverCode: 209 }));
      const success = oneEvent(action, 'success');
      expect(await action.do()).to.equal(true);
      expect((await success).detail).to.deep.equal({ scope: 'current', revoked: true });
    });

    it('a backend that never answers ends as a timeout failure after the session timeout', async () => {
      const { session, action, backend } = await sessionWithAction();
      session.timeout = 50;
      await signIn(session);
      backend.hold('logOut'); // never settled
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      const { error, signedOutLocally } = (await failure).detail;
      expect(error.code).to.equal('timeout');
      expect(signedOutLocally).to.equal(true);
      expect(backend.calls.find((c) => c.method === 'logOut')!.signal.aborted).to.equal(true);
    });

    it('an unknown scope signs out of this browser (like local), then fails with bad-request: a typo never leaves anyone signed in (SPEC §7.3)', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      action.setAttribute('scope', 'everything');
      const events = recordEvents(session, ['logged-out']);
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      const { error, signedOutLocally, revocationPending } = (await failure).detail;
      expect(error.code).to.equal('bad-request');
      expect(error.message).to.contain('"everything"');
      expect({ signedOutLocally, revocationPending }).to.deep.equal({ signedOutLocally: true, revocationPending: false });
      expect(events.map((e) => e.detail.reason)).to.deep.equal(['log-out']);
      expect(session).not.to.have.attribute('authenticated');
      expect(localStorage.getItem('test/currentUser')).to.equal(null);
      expect(backend.count('logOut')).to.equal(0);
    });

    for (const typed of ['All', ' all ', 'ALL\n']) {
      it(`scope=${JSON.stringify(typed)} means all: trimmed and case-insensitive (SPEC §7.3)`, async () => {
        const { session, action, backend } = await sessionWithAction();
        await signIn(session);
        action.setAttribute('scope', typed);
        const success = oneEvent(action, 'success');
        expect(await action.do()).to.equal(true);
        expect((await success).detail).to.deep.equal({ scope: 'all', revoked: true });
        expect(backend.calls.filter((c) => c.method === 'logOut').map((c) => c.scope)).to.deep.equal(['all']);
        expect(session).not.to.have.attribute('authenticated');
      });
    }
  });

  describe('not signed in', () => {
    it('succeeds at once with revoked: false and never calls the backend', async () => {
      const { session, action, backend } = await sessionWithAction();
      const loggedOut = recordEvents(session, ['logged-out']);
      const results = recordEvents(action, ['success', 'failure']);
      expect(await action.do()).to.equal(true);
      expect(results.map((e) => [e.type, e.detail])).to.deep.equal([['success', { scope: 'current', revoked: false }]]);
      expect(loggedOut).to.have.length(0);
      expect(backend.calls).to.have.length(0);
    });
  });

  describe('single flight', () => {
    it('three concurrent do() calls: one backend call, one event, the same boolean for each', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const gate = backend.hold('logOut');
      const results = recordEvents(action, ['success', 'failure']);
      const runs = [action.do(), action.do(), action.do()];
      expect(runs[0]).to.equal(runs[1]);
      gate.resolve();
      expect(await Promise.all(runs)).to.deep.equal([true, true, true]);
      expect(backend.count('logOut')).to.equal(1);
      expect(results).to.have.length(1);
    });

    it('a double click: one backend call, one event', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const gate = backend.hold('logOut');
      const results = recordEvents(action, ['success', 'failure']);
      action.click();
      action.click();
      gate.resolve();
      await oneEvent(action, 'success');
      expect(backend.count('logOut')).to.equal(1);
      expect(results).to.have.length(1);
    });

    it('failures are shared too: every caller gets false', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const gate = backend.hold('logOut');
      const runs = [action.do(), action.do()];
      gate.reject(new AuthError('server'));
      expect(await Promise.all(runs)).to.deep.equal([false, false]);
    });

    it('reflects busy and aria-busy and marks its button aria-disabled while pending, then clears them', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const gate = backend.hold('logOut');
      const run = action.do();
      const button = action.shadowRoot!.querySelector('button')!;
      expect(action.busy).to.equal(true);
      expect(action).to.have.attribute('busy');
      expect(action.getAttribute('aria-busy')).to.equal('true');
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      gate.resolve();
      await run;
      expect(action.busy).to.equal(false);
      expect(action).not.to.have.attribute('busy');
      expect(action).not.to.have.attribute('aria-busy');
      expect(button).not.to.have.attribute('aria-disabled');
    });

    it('busy is already cleared when success is dispatched, so a listener can start a new run', async () => {
      const { session, action } = await sessionWithAction();
      await signIn(session);
      let busyInListener: boolean | undefined;
      action.addEventListener('success', () => (busyInListener = action.busy));
      await action.do();
      expect(busyInListener).to.equal(false);
    });
  });

  describe('scope', () => {
    it('local forgets the session here without a server call', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      action.setAttribute('scope', 'local');
      const success = oneEvent(action, 'success');
      expect(await action.do()).to.equal(true);
      expect((await success).detail).to.deep.equal({ scope: 'local', revoked: false });
      expect(backend.count('logOut')).to.equal(0);
      expect(session).not.to.have.attribute('authenticated');
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(backend.activeSessions).to.equal(1); // still valid on the server, as asked
    });

    it('all asks the backend to revoke every session of the user', async () => {
      const backend = new RecordingBackend();
      await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal }); // a second device
      const { session, action } = await sessionWithAction(backend);
      await signIn(session);
      expect(backend.activeSessions).to.equal(2);
      action.scope = 'all';
      const success = oneEvent(action, 'success');
      await action.do();
      expect((await success).detail).to.deep.equal({ scope: 'all', revoked: true });
      expect(backend.calls.filter((c) => c.method === 'logOut').map((c) => c.scope)).to.deep.equal(['all']);
      expect(backend.activeSessions).to.equal(0);
    });
  });

  describe('default button and accessibility', () => {
    it('renders a "Log out" button with part="button"; label changes its text', async () => {
      const { action } = await sessionWithAction();
      const button = action.shadowRoot!.querySelector('button')!;
      expect(button.textContent).to.equal('Log out');
      expect(button.getAttribute('part')).to.equal('button');
      expect(button.type).to.equal('button');
      action.label = 'Sign out';
      await action.updateComplete;
      expect(button.textContent).to.equal('Sign out');
    });

    it('a blank label ("" or spaces, as a framework may pass for "unset") shows the default text, never a nameless button', async () => {
      const { action } = await sessionWithAction();
      const button = action.shadowRoot!.querySelector('button')!;
      const texts: string[] = [];
      for (const label of ['', '   ', 'Sign out', '']) {
        action.setAttribute('label', label);
        await action.updateComplete;
        texts.push(button.textContent!);
      }
      expect(texts).to.deep.equal(['Log out', 'Log out', 'Sign out', 'Log out']);
      // A framework may set a number: shown as text, no error in the update.
      action.label = 0 as unknown as string;
      await action.updateComplete;
      expect(button.textContent).to.equal('0');
    });

    it('hides the default button when the author brings content, but not for whitespace', async () => {
      const el = await fixture<LogOutActionElement>(html`<log-out-action> </log-out-action>`);
      const button = el.shadowRoot!.querySelector('button')!;
      expect(button.hidden).to.equal(false);
      el.append(document.createElement('button'));
      await oneEvent(el.shadowRoot!.querySelector('slot')!, 'slotchange');
      expect(button.hidden).to.equal(true);
    });

    it('author content there from the start hides the default button by the first update (markup, and built before connect)', async () => {
      const fromMarkup = await fixture<LogOutActionElement>(html`<log-out-action><a href="#out">Leave</a></log-out-action>`);
      expect(fromMarkup.shadowRoot!.querySelector('button')!.hidden, 'from markup').to.equal(true);
      const built = document.createElement('log-out-action');
      const empty = document.createElement('log-out-action');
      built.append('Sign out');
      try {
        document.body.append(built, empty);
        await Promise.all([built.updateComplete, empty.updateComplete]);
        expect(built.shadowRoot!.querySelector('button')!.hidden, 'built, then connected').to.equal(true);
        expect(empty.shadowRoot!.querySelector('button')!.hidden, 'no content').to.equal(false);
      } finally {
        built.remove();
        empty.remove();
      }
    });

    it('passes an accessibility audit, idle and busy', async () => {
      const { session, action, backend } = await sessionWithAction();
      await expect(action).to.be.accessible();
      await signIn(session);
      const gate = backend.hold('logOut');
      const run = action.do();
      await expect(action).to.be.accessible();
      gate.resolve();
      await run;
    });

    it('the default button can be reached and used from the keyboard (it is a native button)', async () => {
      const { session, action } = await sessionWithAction();
      await signIn(session);
      const button = action.shadowRoot!.querySelector('button')!;
      button.focus();
      expect(action.shadowRoot!.activeElement === button, 'the button takes focus').to.equal(true);
      expect(button.tabIndex).to.equal(0);
      expect(button.localName).to.equal('button'); // Enter and Space activate it natively
    });

    it('a keyboard log-out keeps focus on the button, during and after; a second Enter joins the run', async () => {
      const { session, action, backend } = await sessionWithAction();
      await signIn(session);
      const gate = backend.hold('logOut');
      const results = recordEvents(action, ['success', 'failure']);
      const button = action.shadowRoot!.querySelector('button')!;
      const focused = () => document.activeElement === action && action.shadowRoot!.activeElement === button;
      button.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => backend.count('logOut') === 1, 'the log-out request');
      expect(action.busy).to.equal(true);
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      expect(focused(), 'focus stays on the busy button').to.equal(true);
      await sendKeys({ press: 'Enter' });
      gate.resolve();
      await waitUntil(() => results.length > 0, 'the outcome event');
      await new Promise((r) => setTimeout(r, 20)); // a second event would come now
      expect(results.map((e) => e.type)).to.deep.equal(['success']);
      expect(backend.count('logOut'), 'one request').to.equal(1);
      expect(focused(), 'focus still on the button after the run').to.equal(true);
    });
  });
});
