// Attack: the two-factor tags with odd attributes and no usable session (no server needed).
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/two-factor.js';
import '../../src/define/user-session.js';
import '../../src/define/memory-backend.js';
import { MemoryBackend } from '../../src/index.js';
import { afterConnect } from '../helpers/fixtures.js';
import type { EnableTwoFactorActionElement } from '../../src/elements/enable-two-factor-action.js';
import type { DisableTwoFactorActionElement } from '../../src/elements/disable-two-factor-action.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';

describe('two-factor tags: bad input', function () {
  this.timeout(20_000);
  beforeEach(() => localStorage.clear());

  it('no <user-session> at all: failure no-session, no throw', async () => {
    const el = await fixture<EnableTwoFactorActionElement>(html`<enable-two-factor-action></enable-two-factor-action>`);
    const failure = oneEvent(el, 'failure');
    expect(await el.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('no-session');
    const dis = await fixture<DisableTwoFactorActionElement>(html`<disable-two-factor-action></disable-two-factor-action>`);
    const f2 = oneEvent(dis, 'failure');
    expect(await dis.do()).to.equal(false);
    expect((await f2).detail.error.code).to.equal('no-session');
  });

  it('session id that does not exist, and odd attributes: failure no-session, no throw', async () => {
    const wrap = await fixture<HTMLDivElement>(
      html`<div>
        <user-session backend="memory" storage-key="tfa/in/1"></user-session>
        <enable-two-factor-action session="nope" label=${'<img src=x onerror=alert(1)>'}></enable-two-factor-action>
      </div>`,
    );
    const el = wrap.querySelector('enable-two-factor-action') as EnableTwoFactorActionElement;
    await afterConnect();
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    const failure = oneEvent(el, 'failure');
    expect(await el.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('no-session');
  });

  it('FINDING: with `step="codes"` and `busy` set by page code (README: output only), do() with no session still fails no-session', async () => {
    const wrap = await fixture<HTMLDivElement>(
      html`<div>
        <enable-two-factor-action session="nope" step="codes" busy></enable-two-factor-action>
      </div>`,
    );
    const el = wrap.querySelector('enable-two-factor-action') as EnableTwoFactorActionElement;
    await afterConnect();
    let failed: unknown = null;
    let succeeded: unknown = null;
    el.addEventListener('failure', (e) => (failed = (e as CustomEvent).detail.error.code));
    el.addEventListener('success', (e) => (succeeded = (e as CustomEvent).detail));
    const result = await el.do();
    expect({ result, failed, succeeded, step: el.step }).to.deep.equal({
      result: false,
      failed: 'no-session',
      succeeded: null,
      step: null,
    });
  });

  it('FINDING: `step` is output only: page code setting it is put back', async () => {
    const el = await fixture<EnableTwoFactorActionElement>(html`<enable-two-factor-action></enable-two-factor-action>`);
    el.setAttribute('step', 'codes');
    await new Promise((r) => setTimeout(r, 20));
    expect(el.getAttribute('step')).to.equal(null);
  });

  it('memory backend signed in: the enable element fails misconfigured and shows a readable message', async () => {
    const session = await fixture<UserSessionElement>(
      html`<user-session storage-key="tfa/in/2">
        <enable-two-factor-action></enable-two-factor-action><disable-two-factor-action></disable-two-factor-action>
      </user-session>`,
    );
    session.backend = new MemoryBackend({ users: [{ username: 'ada', password: 'pw' }] });
    await afterConnect();
    await session.logIn('ada', 'pw');
    const el = session.querySelector('enable-two-factor-action') as EnableTwoFactorActionElement;
    const failure = oneEvent(el, 'failure');
    expect(await el.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('misconfigured');
    const dis = session.querySelector('disable-two-factor-action') as DisableTwoFactorActionElement;
    const f2 = oneEvent(dis, 'failure');
    expect(await dis.do()).to.equal(false);
    expect((await f2).detail.error.code).to.equal('misconfigured');
  });
});
