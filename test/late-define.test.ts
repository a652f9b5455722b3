// This file runs in its own page and must not import the package entry: it defines the tags
// itself, late, the way a page that loads the kit after its markup does.
import './helpers/safe-errors.js';
import { expect, fixture, html } from '@open-wc/testing';
import { LogOutActionElement } from '../src/elements/log-out-action.js';
import { UserSessionElement } from '../src/elements/user-session.js';
import { RecordingBackend } from './helpers/recording-backend.js';

describe('an action used before <user-session> is defined', () => {
  it('waits for customElements.define, then signs out through the upgraded session', async () => {
    customElements.define('log-out-action', LogOutActionElement);
    // A session the backend knows, stored before the page loaded.
    const backend = new RecordingBackend();
    const stored = await backend.logIn('ada', 'secret-pw', { signal: new AbortController().signal });
    localStorage.setItem('late/key', JSON.stringify(stored));

    const root = await fixture<HTMLDivElement>(
      html`<div>
        <user-session storage-key="late/key"><log-out-action></log-out-action></user-session>
      </div>`,
    );
    const session = root.querySelector('user-session')! as UserSessionElement;
    const action = root.querySelector('log-out-action')!;
    session.backend = backend; // set before the definition: must survive the upgrade
    const results: string[] = [];
    action.addEventListener('success', () => results.push('success'));
    action.addEventListener('failure', () => results.push('failure'));

    let settled = false;
    const run = action.do().then((ok) => ((settled = true), ok));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled, 'still waiting for the definition').to.equal(false);
    expect(action.busy).to.equal(true);

    customElements.define('user-session', UserSessionElement);
    expect(session.authenticated, 'upgraded and restored from storage').to.equal(true);
    expect(await run).to.equal(true);
    expect(results).to.deep.equal(['success']);
    expect(session.authenticated).to.equal(false);
    expect(backend.count('logOut')).to.equal(1);
    expect(localStorage.getItem('late/key')).to.equal(null);
  });
});
