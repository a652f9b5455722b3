// Runs in its own page: the entry must skip tags the page already defined, and class modules
// must define nothing by themselves.
import './helpers/safe-errors.js';
import { expect } from '@open-wc/testing';

describe('defining the tags', () => {
  it('class modules define nothing; the entry defines every tag and skips one already defined', async () => {
    await import('../src/elements/user-session.js');
    await import('../src/elements/log-out-action.js');
    await import('../src/elements/log-in-action.js');
    await import('../src/elements/sign-up-action.js');
    await import('../src/elements/set-user-properties-action.js');
    await import('../src/elements/session-list.js');
    for (const tag of [
      'user-session',
      'log-out-action',
      'log-in-action',
      'sign-up-action',
      'set-user-properties-action',
      'session-list',
    ]) {
      expect(customElements.get(tag), `${tag} after importing its class module`).to.equal(undefined);
    }

    class PageOwnLogOut extends HTMLElement {}
    customElements.define('log-out-action', PageOwnLogOut);
    const kit = await import('../src/index.js'); // must not throw "already defined"

    expect(customElements.get('log-out-action')).to.equal(PageOwnLogOut);
    expect(customElements.get('user-session')).to.equal(kit.UserSessionElement);
    expect(customElements.get('log-in-action')).to.equal(kit.LogInActionElement);
    expect(customElements.get('sign-up-action')).to.equal(kit.SignUpActionElement);
    expect(customElements.get('set-user-properties-action')).to.equal(kit.SetUserPropertiesActionElement);
    expect(customElements.get('session-list')).to.equal(kit.SessionListElement);
    expect(document.createElement('user-session')).to.be.instanceOf(kit.UserSessionElement);
  });
});
