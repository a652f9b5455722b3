// Issue 22 (4): on a page whose Content-Security-Policy requires Trusted Types
// (`require-trusted-types-for 'script'`, `trusted-types 'none'`: no policy either) and allows no
// inline script, eval or inline style, every tag of the kit that puts DOM in the page renders:
// <session-list> (its default item markup and a page's <template>) and each action's button.
// No string-to-HTML sink may be used (innerHTML from a string threw there, so <session-list>
// showed no item). The page is an iframe, test/pages/csp-page.html, whose policy is a <meta> in its
// head from the start; its script (test/helpers/csp-page.ts) records every violation and unhandled
// rejection. Trusted Types are enforced only where the engine has them (`window.trustedTypes`):
// the "a string sink throws" test is skipped elsewhere; every other test runs in every engine.
import { expect } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import { deviceLabel } from '../src/internal/device-label.js';
import type { SessionListElement } from '../src/elements/session-list.js';
import { clearStorage } from './helpers/fixtures.js';
import { actionTags, type CspPage } from './helpers/csp-page.js';

const firefoxLinux = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const safariIPhone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const hour = 3_600_000;
const minute = 60_000;

/** Lets queued `securitypolicyviolation` events and late rejections arrive. */
const settle = () => new Promise((r) => setTimeout(r, 150));

/** Drawn on the page: it has a box (not `hidden`, not inside something hidden). */
const shown = (el: Element | null | undefined) => !!el && el.getClientRects().length > 0;
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const items = (list: SessionListElement) => [...list.shadowRoot!.querySelectorAll('li')];
/** What each item shows, as a person reads it: its shown parts (buttons apart), then its shown buttons. */
const readItems = (list: SessionListElement) =>
  items(list).map((li) =>
    [...li.querySelectorAll('[part], button')]
      .filter((el) => shown(el) && !el.matches('button'))
      .map(text)
      .concat([...li.querySelectorAll('button')].filter(shown).map((b) => `[${text(b)}]`))
      .join(' | '),
  );

let keyCount = 0;
const frames: HTMLIFrameElement[] = [];

async function openPage(): Promise<CspPage> {
  const frame = document.createElement('iframe');
  frame.src = '/test/pages/csp-page.html';
  frame.style.width = '800px';
  frame.style.height = '600px';
  frames.push(frame);
  document.body.append(frame);
  await waitUntil(() => (frame.contentWindow as CspPage | null)?.ready === true, 'the CSP page loaded the kit', {
    timeout: 8000,
  });
  return frame.contentWindow as CspPage;
}

/** The CSP page with every tag, Ada signed in here, on a Firefox/Linux and on an iPhone, and both lists filled (or failed). */
async function builtPage() {
  const page = await openPage();
  const now = Date.now();
  const built = await page.build(`csp/${Date.now()}/${keyCount++}`, [
    { userAgent: firefoxLinux, createdAt: now - 3 * hour, lastActiveAt: now - 5 * minute },
    { userAgent: safariIPhone, createdAt: now - 50 * hour },
  ]);
  await waitUntil(
    () => (items(built.list).length === 3 && items(built.templated).length === 3) || page.uncaught.length > 0,
    'both lists filled, or something escaped',
    { timeout: 8000 },
  );
  await settle();
  return { page, ...built };
}

describe('a page with a strict Content-Security-Policy and Trusted Types (issue 22)', () => {
  beforeEach(clearStorage);
  afterEach(() => {
    for (const frame of frames.splice(0)) frame.remove();
  });

  it('every tag that renders shows its content there, with no violation and no unhandled rejection: <session-list> items with their text and Sign out buttons, a <template> list, each action button', async () => {
    const { page, session, list, templated } = await builtPage();
    expect(
      { violations: page.violations, uncaught: page.uncaught },
      'policy violations; uncaught errors and rejections',
    ).to.deep.equal({
      violations: [],
      uncaught: [],
    });

    const here = deviceLabel(navigator.userAgent);
    expect(here, 'this browser is recognised').to.be.a('string');
    expect(readItems(list)).to.deep.equal([
      `${here} | This device | Signed in now | Last active now`,
      'Firefox on Linux | Signed in 3 hours ago | Last active 5 minutes ago | [Sign out]',
      'Safari on iPhone | Signed in 2 days ago | Last active 2 days ago | [Sign out]',
    ]);
    expect(items(list).map((li) => li.getAttribute('part'))).to.deep.equal(['item current-item', 'item', 'item']);
    const revoke = [...list.shadowRoot!.querySelectorAll('button[part=revoke]')].filter(shown);
    expect(revoke.map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'Sign out Firefox on Linux, signed in 3 hours ago',
      'Sign out Safari on iPhone, signed in 2 days ago',
    ]);
    const others = list.shadowRoot!.querySelector('[part=revoke-others]');
    expect(shown(others) && text(others)).to.equal('Sign out all other devices');
    expect(shown(list.shadowRoot!.querySelector('[part=empty]')), 'the empty box hides').to.equal(false);

    expect(readItems(templated)).to.deep.equal([here, 'Firefox on Linux | [End]', 'Safari on iPhone | [End]']);

    const buttons = actionTags.map((tag) => {
      const button = session.querySelector(tag)!.shadowRoot!.querySelector('button[part=button]');
      return `${tag}: ${shown(button) ? text(button) : '(not shown)'}`;
    });
    expect(buttons).to.deep.equal([
      'log-out-action: Log out',
      'log-in-action: Enter',
      'sign-up-action: Sign up',
      'set-user-properties-action: Save',
      'request-password-reset-action: Reset password',
      'request-verification-email-action: Send verification email',
    ]);
  });

  it('there a Sign out button ends its device and says so, and the log-out action empties the lists, still with no violation', async () => {
    const { page, session, list, templated } = await builtPage();
    expect(items(list)).to.have.length(3);
    // The second item: the first is this browser's (maybe a Firefox on Linux too), whose button is hidden.
    const firefox = items(list)[1]!.querySelector<HTMLButtonElement>('button[part=revoke]')!;
    expect(firefox.getAttribute('aria-label')).to.equal('Sign out Firefox on Linux, signed in 3 hours ago');
    firefox.click();
    await waitUntil(() => items(list).length === 2 && items(templated).length === 2, 'Firefox signed out');
    expect(text(list.shadowRoot!.querySelector('[part=status]'))).to.equal('Signed out Firefox on Linux.');
    session.querySelector('log-out-action')!.shadowRoot!.querySelector('button')!.click();
    await waitUntil(() => items(list).length === 0 && items(templated).length === 0, 'both lists emptied');
    expect(shown(list.shadowRoot!.querySelector('[part=empty]')), 'the empty box shows').to.equal(true);
    await settle();
    expect(
      { violations: page.violations, uncaught: page.uncaught },
      'policy violations; uncaught errors and rejections',
    ).to.deep.equal({
      violations: [],
      uncaught: [],
    });
  });

  it('the page enforces its policy in every engine: no eval, no inline script (each reported as a violation)', async () => {
    const page = await openPage();
    expect(page.tryEval(), 'eval').to.equal('EvalError');
    expect(page.tryInlineScript(), 'an inline script ran').to.equal(false);
    await settle();
    expect(page.violations.length, page.violations.join('\n')).to.be.at.least(2);
  });

  it('where the engine has Trusted Types, a string sink throws a TypeError there and no policy may be created (skipped without window.trustedTypes)', async function () {
    const page = await openPage();
    if (!page.hasTrustedTypes) this.skip();
    expect(page.tryInnerHtml(), 'innerHTML = string').to.equal('TypeError');
    expect(page.tryCreatePolicy(), 'trustedTypes.createPolicy').to.equal('TypeError');
    await settle();
    expect(page.violations.map((v) => v.split(':')[0])).to.deep.equal(['require-trusted-types-for', 'trusted-types']);
  });
});
