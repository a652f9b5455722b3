// <session-list> with a MemoryBackend (RecordingBackend): what a user sees (items, names, the
// live region), what a page hears (events and their order) and how many requests it takes.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import { sendKeys } from '@web/test-runner-commands';
import type { AuthBackend } from '../src/backends/backend.js';
import type { SessionListElement } from '../src/elements/session-list.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { deviceLabel } from '../src/internal/device-label.js';
import { afterConnect, clearStorage, recordEvents, storageKey } from './helpers/fixtures.js';
import { RecordingBackend } from './helpers/recording-backend.js';

const firefoxLinux = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const safariIPhone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const hour = 3_600_000;
const minute = 60_000;

/** Lets late answers and stray events arrive. */
const settle = () => new Promise((r) => setTimeout(r, 60));

interface Page {
  session: UserSessionElement;
  list: SessionListElement;
  backend: RecordingBackend;
  /** The other devices' tokens. */
  firefox: string;
  iphone: string;
}

/**
 * Ada signed in here, on a Firefox/Linux (3 h ago, active 5 min ago) and on an iPhone (2 days
 * ago), then a `<session-list>` put inside her `<user-session>`.
 */
async function signedInPage(): Promise<Page> {
  const backend = new RecordingBackend();
  const session = await fixture<UserSessionElement>(
    html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
  );
  await afterConnect();
  await session.logIn('ada', 'secret-pw');
  const now = Date.now();
  const firefox = backend.openSession('ada', {
    userAgent: firefoxLinux,
    createdAt: now - 3 * hour,
    lastActiveAt: now - 5 * minute,
  }).token;
  const iphone = backend.openSession('ada', { userAgent: safariIPhone, createdAt: now - 50 * hour }).token;
  const list = document.createElement('session-list');
  list.innerHTML = '<p slot="empty">Nobody signed in.</p>';
  session.append(list);
  await waitUntil(() => items(list).length === 3, 'three sessions listed');
  return { session, list, backend, firefox, iphone };
}

const shadow = (list: SessionListElement) => list.shadowRoot!;
const items = (list: SessionListElement) => [...shadow(list).querySelectorAll('li')];
const visible = (el: Element | null) => !!el && !(el as HTMLElement).hidden && !el.closest('[hidden]');
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
/** What each item shows, as a person reads it. */
const readItems = (list: SessionListElement) =>
  items(list).map((li) =>
    [...li.querySelectorAll('[part]')]
      .filter((el) => visible(el) && !el.matches('button'))
      .map(text)
      .join(' | '),
  );
const revokeButtons = (list: SessionListElement) =>
  [...shadow(list).querySelectorAll<HTMLButtonElement>('button[part=revoke]')].filter(visible);
const othersButton = (list: SessionListElement) => shadow(list).querySelector<HTMLButtonElement>('[part=revoke-others]')!;
const status = (list: SessionListElement) => shadow(list).querySelector('[part=status]')!;

describe('<session-list>', () => {
  beforeEach(clearStorage);

  it('lists the sessions: this device first with its marker, the others with device, times and a named Sign out button', async () => {
    const { list, backend } = await signedInPage();
    const here = deviceLabel(navigator.userAgent);
    expect(here, 'this browser is recognised').to.be.a('string');
    expect(readItems(list)).to.deep.equal([
      `${here} | This device | Signed in now | Last active now`,
      'Firefox on Linux | Signed in 3 hours ago | Last active 5 minutes ago',
      'Safari on iPhone | Signed in 2 days ago | Last active 2 days ago',
    ]);
    expect(items(list)[0]!.getAttribute('part')).to.equal('item current-item');
    expect(
      items(list)[0]!.querySelector<HTMLButtonElement>('button[part=revoke]')!.hidden,
      'no Sign out for this device',
    ).to.equal(true);
    expect(revokeButtons(list).map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'Sign out Firefox on Linux, signed in 3 hours ago',
      'Sign out Safari on iPhone, signed in 2 days ago',
    ]);
    const time = items(list)[1]!.querySelector('time')!;
    expect(Date.parse(time.dateTime)).to.be.closeTo(Date.now() - 3 * hour, 5000);
    expect(shadow(list).querySelector('ul')!.localName).to.equal('ul');
    expect(visible(othersButton(list))).to.equal(true);
    expect(text(othersButton(list))).to.equal('Sign out all other devices');
    expect(status(list).getAttribute('role')).to.equal('status');
    expect(status(list).getAttribute('aria-live')).to.equal('polite');
    expect(visible(shadow(list).querySelector('[part=empty]')), 'the empty slot hides').to.equal(false);
    expect(list.sessions.map((s) => s.current)).to.deep.equal([true, false, false]);
    expect(Object.isFrozen(list.sessions) && list.sessions.every((s) => Object.isFrozen(s))).to.equal(true);
    await settle();
    expect(backend.count('listSessions'), 'one request').to.equal(1);
  });

  it('reads the page language for times', async () => {
    const backend = new RecordingBackend();
    const wrapper = await fixture<HTMLDivElement>(
      html`<div lang="de">
        <user-session .backend=${backend} storage-key=${storageKey}><session-list></session-list></user-session>
      </div>`,
    );
    const session = wrapper.querySelector('user-session')!;
    await session.logIn('ada', 'secret-pw');
    backend.openSession('ada', { userAgent: firefoxLinux, createdAt: Date.now() - 3 * hour });
    const list = wrapper.querySelector('session-list')!;
    await list.refresh();
    expect(text(items(list)[1]!.querySelector('time'))).to.equal('vor 3 Stunden');
  });

  it('a session restored on load is listed with one request (the restored logged-in adds none)', async () => {
    const backend = new RecordingBackend();
    const first = await fixture<UserSessionElement>(
      html`<user-session .backend=${backend} storage-key=${storageKey}></user-session>`,
    );
    await first.logIn('ada', 'secret-pw');
    first.remove();
    const session = await fixture<UserSessionElement>(
      html`<user-session .backend=${backend} storage-key=${storageKey}><session-list></session-list></user-session>`,
    );
    const list = session.querySelector('session-list')!;
    await waitUntil(() => items(list).length === 1, 'listed');
    await session.ready;
    await settle();
    expect(backend.count('listSessions')).to.equal(1);
  });

  it("Sign out on one item: busy while it runs, then gone, announced, `revoked` after the session's `sessions-change`", async () => {
    const { session, list, backend, firefox, iphone } = await signedInPage();
    const order: string[] = [];
    session.addEventListener('sessions-change', () => order.push('sessions-change'));
    const events = recordEvents(list, ['revoked', 'failure']);
    list.addEventListener('revoked', () => order.push('revoked'));
    const gate = backend.hold('revokeSession');
    const [button] = revokeButtons(list);
    button!.click();
    await waitUntil(() => backend.count('revokeSession') === 1, 'the request');
    expect(button!.getAttribute('aria-disabled')).to.equal('true');
    expect(shadow(list).querySelector('ul')!.getAttribute('aria-busy')).to.equal('true');
    button!.click(); // joins the run
    gate.resolve();
    await waitUntil(() => events.length > 0, 'the outcome');
    await waitUntil(() => !list.busy, 'idle');
    expect(order).to.deep.equal(['sessions-change', 'revoked']);
    expect(events.map((e) => e.type)).to.deep.equal(['revoked']);
    const detail = events[0]!.detail;
    expect(detail.scope).to.equal('session');
    expect(detail.session).to.deep.include({ current: false, userAgent: firefoxLinux });
    expect(JSON.stringify(detail)).to.not.contain(firefox.slice(2));
    expect(backend.isActive(firefox)).to.equal(false);
    expect(backend.isActive(iphone)).to.equal(true);
    expect(backend.count('revokeSession'), 'one request for two clicks').to.equal(1);
    expect(readItems(list).map((t) => t.split(' | ')[0])).to.deep.equal([deviceLabel(navigator.userAgent), 'Safari on iPhone']);
    expect(text(status(list))).to.equal('Signed out Firefox on Linux.');
    expect(shadow(list).querySelector('ul')!.hasAttribute('aria-busy')).to.equal(false);
  });

  it('works from the keyboard: Enter on a Sign out button revokes it', async () => {
    const { list, backend, iphone } = await signedInPage();
    const events = recordEvents(list, ['revoked']);
    revokeButtons(list)[1]!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => events.length === 1, 'revoked');
    expect(backend.isActive(iphone)).to.equal(false);
    expect(items(list)).to.have.length(2);
  });

  it('"Sign out all other devices" ends the others, keeps this one, and hides itself', async () => {
    const { session, list, backend, firefox, iphone } = await signedInPage();
    const events = recordEvents(list, ['revoked', 'failure']);
    const changes = recordEvents(session, ['sessions-change', 'logged-out']);
    othersButton(list).click();
    await waitUntil(() => events.length > 0, 'the outcome');
    expect(events.map((e) => [e.type, e.detail])).to.deep.equal([['revoked', { scope: 'others' }]]);
    expect(changes.map((e) => e.type)).to.deep.equal(['sessions-change']);
    expect([backend.isActive(firefox), backend.isActive(iphone)]).to.deep.equal([false, false]);
    expect(session.authenticated).to.equal(true);
    await waitUntil(() => !list.busy, 'idle');
    expect(items(list)).to.have.length(1);
    expect(visible(othersButton(list))).to.equal(false);
    expect(text(status(list))).to.equal('Signed out all other devices.');
  });

  it('signed out: nothing listed, the empty slot shows, no request', async () => {
    const { session, list, backend } = await signedInPage();
    const before = backend.count('listSessions');
    await session.logOut();
    await settle();
    expect(items(list)).to.have.length(0);
    expect(visible(shadow(list).querySelector('[part=empty]'))).to.equal(true);
    expect(list.querySelector('[slot=empty]')!.assignedSlot?.name).to.equal('empty');
    expect(visible(othersButton(list))).to.equal(false);
    expect(backend.count('listSessions')).to.equal(before);
  });

  it('reloads on the session events and when the page becomes visible again', async () => {
    const { session, list, backend } = await signedInPage();
    const count = () => backend.count('listSessions');
    await settle();
    const start = count();
    document.dispatchEvent(new Event('visibilitychange'));
    await waitUntil(() => count() === start + 1, 'reload on visibilitychange');
    await session.updateUser({ nickname: 'A' });
    await waitUntil(() => count() === start + 2, 'reload on user-change');
    backend.openSession('ada', { userAgent: firefoxLinux });
    await list.refresh();
    expect(items(list)).to.have.length(4);
  });

  it('a newer load aborts the older one, whose late answer is ignored: one request in flight', async () => {
    const { list, backend } = await signedInPage();
    const gate = backend.hold('listSessions');
    const older = list.refresh();
    await waitUntil(() => backend.calls.filter((c) => c.method === 'listSessions').length === 2, 'the older request');
    const olderCall = backend.calls.filter((c) => c.method === 'listSessions').at(-1)!;
    backend.openSession('ada', { userAgent: safariIPhone });
    const newer = list.refresh();
    expect(olderCall.signal.aborted, 'the older request is aborted').to.equal(true);
    await newer;
    expect(items(list)).to.have.length(4);
    gate.resolve();
    await older;
    await settle();
    expect(items(list)).to.have.length(4);
    expect(recordEvents(list, ['failure'])).to.have.length(0);
  });

  it('a backend without the capabilities: one `failure` (misconfigured) and a visible message', async () => {
    const memory = new RecordingBackend();
    const limited: AuthBackend = {
      capabilities: ['password-log-in'],
      logIn: (u, p, o) => memory.logIn(u, p, o),
      logOut: (s, o) => memory.logOut(s, o),
      currentUser: (s, o) => memory.currentUser(s, o),
    };
    const session = await fixture<UserSessionElement>(
      html`<user-session .backend=${limited} storage-key=${storageKey}></user-session>`,
    );
    await session.logIn('ada', 'secret-pw');
    const list = document.createElement('session-list');
    const failures = recordEvents(list, ['failure']);
    session.append(list);
    await waitUntil(() => failures.length === 1, 'failure');
    await list.refresh();
    document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    expect(failures).to.have.length(1);
    expect(failures[0]!.detail.error.code).to.equal('misconfigured');
    expect(failures[0]!.bubbles).to.equal(false);
    expect(text(status(list))).to.contain('list-sessions');
    expect(visible(status(list))).to.equal(true);
    expect(items(list)).to.have.length(0);
  });

  it('a page template renders each item its own way', async () => {
    const backend = new RecordingBackend();
    const session = await fixture<UserSessionElement>(html`
      <user-session .backend=${backend} storage-key=${storageKey}>
        <session-list>
          <template>
            <b part="who" data-field="device"></b><i data-if="current">(you)</i>
            <button data-action="revoke" part="out">Log off</button>
          </template>
        </session-list>
      </user-session>
    `);
    await session.logIn('ada', 'secret-pw');
    const firefox = backend.openSession('ada', { userAgent: firefoxLinux, createdAt: Date.now() - hour }).token;
    const list = session.querySelector('session-list')!;
    await list.refresh();
    expect(items(list).map((li) => text(li.querySelector('[part=who]')))).to.deep.equal([
      deviceLabel(navigator.userAgent),
      'Firefox on Linux',
    ]);
    expect(visible(items(list)[0]!.querySelector('i'))).to.equal(true);
    expect(visible(items(list)[1]!.querySelector('i'))).to.equal(false);
    const off = items(list)[1]!.querySelector('button')!;
    expect(off.getAttribute('aria-label')).to.equal('Sign out Firefox on Linux, signed in 1 hour ago');
    off.click();
    await waitUntil(() => !backend.isActive(firefox), 'revoked');
  });

  it('finds its session by `session="id"` outside it', async () => {
    const backend = new RecordingBackend();
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <user-session id="s1" .backend=${backend} storage-key=${storageKey}></user-session>
        <user-session id="s2" .backend=${new RecordingBackend()} storage-key="other/key"></user-session>
        <session-list session="s1"></session-list>
      </div>
    `);
    await page.querySelector<UserSessionElement>('#s1')!.logIn('ada', 'secret-pw');
    const list = page.querySelector('session-list')!;
    await waitUntil(() => items(list).length === 1, 'listed');
  });

  it('passes an accessibility audit, listed and busy', async () => {
    const { list, backend } = await signedInPage();
    await expect(list).to.be.accessible();
    const gate = backend.hold('revokeSession');
    const run = list.revoke(list.sessions[1]!.id);
    await expect(list).to.be.accessible();
    gate.resolve();
    await run;
  });

  it('no token in the markup, attributes or event details', async () => {
    const { session, list, firefox, iphone } = await signedInPage();
    const events = recordEvents(list, ['revoked', 'failure']);
    await list.revoke(list.sessions[1]!.id);
    const seen =
      shadow(list).innerHTML + list.outerHTML + JSON.stringify(events.map((e) => e.detail)) + JSON.stringify(list.sessions);
    const own = JSON.parse(localStorage.getItem(storageKey)!).token as string;
    for (const token of [own, firefox, iphone]) expect(seen).to.not.contain(token);
    expect(session.authenticated).to.equal(true);
  });
});
