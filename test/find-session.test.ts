import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { LogOutActionElement } from '../src/elements/log-out-action.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { clearStorage, signIn } from './helpers/fixtures.js';

/** Signs in every session, runs the action, and tells which sessions were signed out. */
async function whichSessionSignsOut(action: LogOutActionElement, sessions: UserSessionElement[]): Promise<string[]> {
  for (const s of sessions) await signIn(s);
  await action.do();
  return sessions.filter((s) => !s.authenticated).map((s) => s.id);
}

function session(id: string, key = id): UserSessionElement {
  const el = document.createElement('user-session');
  el.id = id;
  el.backend = new RecordingBackend();
  el.storageKey = `find/${key}`;
  return el;
}

describe('<log-out-action> finds its <user-session> when it runs', () => {
  beforeEach(clearStorage);

  it('1. the session attribute names an element id in the action’s own root', async () => {
    const root = await fixture<HTMLDivElement>(html`<div></div>`);
    const [a, b] = [session('a'), session('b')];
    const action = document.createElement('log-out-action');
    action.session = 'b';
    a.append(action); // the ancestor loses to the explicit id
    root.append(a, b);
    expect(await whichSessionSignsOut(action, [a, b])).to.deep.equal(['b']);
  });

  it('1. …inside a shadow root, the id is looked up in that shadow root', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const shadow = host.attachShadow({ mode: 'open' });
    const inner = session('s', 'shadow');
    const outer = session('s', 'document'); // same id in the document must not be used
    document.body.append(outer);
    const action = document.createElement('log-out-action');
    action.setAttribute('session', 's');
    shadow.append(inner, action);
    try {
      expect(
        await whichSessionSignsOut(action, [inner, outer]).then(() => [inner.authenticated, outer.authenticated]),
      ).to.deep.equal([false, true]);
    } finally {
      outer.remove();
    }
  });

  it('1. the id is read at call time: changing it later is honoured', async () => {
    const root = await fixture<HTMLDivElement>(html`<div></div>`);
    const [a, b] = [session('a'), session('b')];
    const action = document.createElement('log-out-action');
    action.setAttribute('session', 'a');
    root.append(a, b, action);
    action.setAttribute('session', 'b');
    expect(await whichSessionSignsOut(action, [a, b])).to.deep.equal(['b']);
  });

  it('1. an id that matches nothing, or a non-session element, fails with no-session and a clear message', async () => {
    const root = await fixture<HTMLDivElement>(
      html`<div>
        <div id="not-a-session"></div>
        <log-out-action session="missing"></log-out-action>
      </div>`,
    );
    const action = root.querySelector('log-out-action')!;
    let failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    let { error, signedOutLocally } = (await failure).detail;
    expect([error.code, signedOutLocally]).to.deep.equal(['no-session', false]);
    expect(error.message).to.contain('"missing"');
    expect(action.error).to.equal(error.message);

    action.session = 'not-a-session';
    failure = oneEvent(action, 'failure');
    await action.do();
    ({ error } = (await failure).detail);
    expect(error.code).to.equal('no-session');
    expect(error.message).to.contain('<div>');
  });

  it('2. else the sessionElement property', async () => {
    const root = await fixture<HTMLDivElement>(html`<div></div>`);
    const [a, b] = [session('a'), session('b')];
    const action = document.createElement('log-out-action');
    root.append(a, b, action);
    action.sessionElement = b;
    expect(await whichSessionSignsOut(action, [a, b])).to.deep.equal(['b']);
  });

  it('3. else the closest ancestor, crossing shadow roots', async () => {
    const root = await fixture<HTMLDivElement>(html`<div></div>`);
    const [outer, other] = [session('outer'), session('other')];
    const host = document.createElement('div');
    outer.append(host);
    root.append(outer, other);
    const action = document.createElement('log-out-action');
    host.attachShadow({ mode: 'open' }).append(action);
    expect(await whichSessionSignsOut(action, [outer, other])).to.deep.equal(['outer']);
  });

  it('4. else the only <user-session> in the document', async () => {
    const root = await fixture<HTMLDivElement>(html`<div></div>`);
    const only = session('only');
    const action = document.createElement('log-out-action');
    root.append(only, action);
    expect(await whichSessionSignsOut(action, [only])).to.deep.equal(['only']);
  });

  it('none, or two with no way to choose: failure with no-session, and do() resolves false', async () => {
    const root = await fixture<HTMLDivElement>(html`<div><log-out-action></log-out-action></div>`);
    const action = root.querySelector('log-out-action')!;
    let failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('no-session');

    root.append(session('a'), session('b'));
    failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    const { error } = (await failure).detail;
    expect(error.code).to.equal('no-session');
    expect(error.message).to.contain('session="id"');
  });

  it('the lookup is not cached: an action moved under another session uses the new one', async () => {
    const root = await fixture<HTMLDivElement>(html`<div></div>`);
    const [a, b] = [session('a'), session('b')];
    const action = document.createElement('log-out-action');
    a.append(action);
    root.append(a, b);
    await signIn(a);
    await action.do();
    b.append(action);
    expect(await whichSessionSignsOut(action, [b])).to.deep.equal(['b']);
  });
});
