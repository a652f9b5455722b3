// Runs in its own page: a second copy of the kit (the same modules under another URL, as two
// bundles on one page would be), and tags defined under other names.
import './helpers/safe-errors.js';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import * as kit from '../src/index.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { clearStorage, signIn } from './helpers/fixtures.js';

type Kit = typeof kit;

describe('two copies of the kit, and other tag names', () => {
  let copy: Kit;
  before(async () => {
    // A URL in a variable: TypeScript and esbuild leave the import alone; the test server bundles it.
    const url = '/__kit-copy.js';
    copy = (await import(url)) as Kit;
  });
  beforeEach(clearStorage);

  it('the second copy is really another module instance', () => {
    expect(copy.AuthError).not.to.equal(kit.AuthError);
    expect(copy.UserSessionElement).not.to.equal(kit.UserSessionElement);
  });

  it('an AuthError of one copy is an AuthError to the other (instanceof), code and message intact', () => {
    const theirs = new copy.AuthError('network', 'down');
    expect(theirs).to.be.instanceOf(kit.AuthError);
    expect(new kit.AuthError('timeout')).to.be.instanceOf(copy.AuthError);
    expect(new Error('x')).not.to.be.instanceOf(kit.AuthError);
    expect(theirs.code).to.equal('network');
  });

  it("a backend of the other copy that rejects with its AuthError keeps the error's code in the failure event", async () => {
    const backend = new RecordingBackend();
    backend.hold('logOut').reject(new copy.AuthError('timeout', 'slow'));
    const session = await fixture<kit.UserSessionElement>(
      html`<user-session .backend=${backend} storage-key="copies/a"><log-out-action></log-out-action></user-session>`,
    );
    await signIn(session);
    const action = session.querySelector('log-out-action')!;
    const failure = oneEvent(action, 'failure');
    await action.do();
    const { error, revocationPending } = (await failure).detail;
    expect(error.code).to.equal('timeout');
    expect(revocationPending).to.equal(true);
  });

  it('an action of the second copy, defined as <copy-log-out>, finds a first-copy <user-session> by what it is', async () => {
    customElements.define('copy-log-out', class extends copy.LogOutActionElement {});
    const session = await fixture<kit.UserSessionElement>(
      html`<user-session .backend=${new RecordingBackend()} storage-key="copies/b"><copy-log-out></copy-log-out></user-session>`,
    );
    await signIn(session);
    const action = session.querySelector<kit.LogOutActionElement>('copy-log-out')!;
    expect(await action.do()).to.equal(true);
    expect(session.authenticated).to.equal(false);
  });

  it('a session element defined under another tag name is found as ancestor, by id, and as the only one', async () => {
    customElements.define('my-session', class extends kit.UserSessionElement {});
    const root = await fixture<HTMLDivElement>(html`
      <div>
        <my-session id="mine" storage-key="copies/c"><log-out-action></log-out-action></my-session>
        <log-out-action session="mine"></log-out-action>
      </div>
    `);
    const session = root.querySelector<kit.UserSessionElement>('my-session')!;
    session.backend = new RecordingBackend();
    const [inside, byId] = root.querySelectorAll<kit.LogOutActionElement>('log-out-action');
    await signIn(session);
    expect(await inside!.do()).to.equal(true);
    expect(session.authenticated).to.equal(false);
    await signIn(session);
    expect(await byId!.do()).to.equal(true);
    expect(session.authenticated).to.equal(false);
    const loose = document.createElement('log-out-action');
    document.body.append(loose);
    try {
      await signIn(session);
      expect(await loose.do(), 'the only session element in the document').to.equal(true);
      expect(session.authenticated).to.equal(false);
    } finally {
      loose.remove();
    }
  });

  it('backend is the same object until a setting changes, then a new one', async () => {
    const session = await fixture<kit.UserSessionElement>(
      html`<user-session server-url="http://localhost:1/parse" app-id="a" storage-key="copies/d"></user-session>`,
    );
    const first = session.backend;
    expect(session.backend).to.equal(first);
    session.setAttribute('app-id', 'b');
    expect(session.backend).not.to.equal(first);
    const second = session.backend;
    session.setAttribute('backend', ' Parse ');
    expect(session.backend).to.equal(second);
  });
});
