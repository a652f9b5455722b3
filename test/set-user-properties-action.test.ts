import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from './helpers/wait-until.js';
import type { SetUserPropertiesActionElement } from '../src/elements/set-user-properties-action.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { OidcBackend } from '../src/backends/oidc.js';
import type { StoredSession } from '../src/backends/backend.js';
import { RecordingBackend } from './helpers/recording-backend.js';
import { afterConnect, clearStorage, recordEvents, signIn, storageKey } from './helpers/fixtures.js';

interface OtherTab extends Window {
  ready?: boolean;
  session: UserSessionElement;
  seen: { type: string; reason: string | null }[];
}

async function page(backend = new RecordingBackend()) {
  const session = await fixture<UserSessionElement>(html`
    <user-session .backend=${backend} storage-key=${storageKey}>
      <form>
        <input name="email" type="email" />
        <input name="favouriteColour" />
        <input name="nickname" />
        <set-user-properties-action></set-user-properties-action>
      </form>
    </user-session>
  `);
  await afterConnect();
  const form = session.querySelector('form')!;
  const fill = (values: Record<string, string>) => {
    for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
  };
  const action = session.querySelector('set-user-properties-action')!;
  await action.updateComplete;
  return { session, form, fill, backend, action };
}

function storedSession(): StoredSession {
  return JSON.parse(localStorage.getItem(storageKey)!) as StoredSession;
}

describe('<set-user-properties-action>', () => {
  beforeEach(clearStorage);

  it('submitting the form sets its non-empty fields: success { user } with the new fields, user-change, stored, email unverified', async () => {
    const { session, form, fill, action, backend } = await page();
    await signIn(session);
    fill({ email: 'ada@lovelace.example', favouriteColour: 'teal', nickname: '' });
    const changes = recordEvents(session, ['user-change', 'logged-in', 'logged-out']);
    const results = recordEvents(action, ['success', 'failure']);
    const submit = new Event('submit', { cancelable: true, bubbles: true });
    form.dispatchEvent(submit);
    expect(submit.defaultPrevented).to.equal(true);
    await oneEvent(action, 'success');

    expect(results.map((e) => e.type)).to.deep.equal(['success']);
    const detail = results[0]!.detail as { user: Record<string, unknown> };
    expect(Object.keys(detail)).to.deep.equal(['user']);
    expect(detail.user).to.deep.equal({
      id: session.userId,
      username: 'ada',
      email: 'ada@lovelace.example',
      favouriteColour: 'teal',
      emailVerified: false,
    });
    expect(detail.user).to.deep.equal(session.user);
    expect(Object.isFrozen(detail.user)).to.equal(true);
    expect(results[0]!.bubbles).to.equal(false);
    expect(detail.user).not.to.have.property('nickname'); // empty field: left unchanged
    expect(changes.map((e) => e.type)).to.deep.equal(['user-change']);
    expect(changes[0]!.detail.user).to.deep.equal(detail.user);
    expect(session.email).to.equal('ada@lovelace.example');
    expect(storedSession().user).to.deep.equal(detail.user);
    expect(backend.count('updateUser')).to.equal(1);
    expect(action.error).to.equal('');
  });

  it('the properties object is merged over the form; an unchanged email stays as it was (no emailVerified)', async () => {
    const { session, fill, action } = await page();
    await signIn(session);
    fill({ favouriteColour: 'red' });
    action.properties = { favouriteColour: 'green', plan: { tier: 'pro', seats: 3 }, email: 'ada@example.com' };
    expect(await action.do()).to.equal(true);
    expect(session.user).to.deep.equal({
      id: session.userId,
      username: 'ada',
      email: 'ada@example.com',
      favouriteColour: 'green',
      plan: { tier: 'pro', seats: 3 },
    });
  });

  const refusedFields: [string, Record<string, unknown>][] = [
    ['_hashed_password', { _hashed_password: 'x' }],
    ['objectId', { objectId: 'x' }],
    ['id', { id: 'x' }],
    ['createdAt', { createdAt: '2020-01-01' }],
    ['updatedAt', { updatedAt: '2020-01-01' }],
    ['sessionToken', { sessionToken: 'r:x' }],
    ['authData', { authData: {} }],
    ['ACL', { ACL: { '*': { write: true } } }],
    ['password', { password: 'new-pw' }],
    ['emailVerified', { emailVerified: true }],
    ['username', { username: 'eve' }],
    ['a function', { colour: () => 'x' }],
    ['a symbol', { colour: Symbol('x') }],
    ['a Date', { colour: new Date() }],
    ['NaN', { score: NaN }],
    ['a Parse operator', { friends: { __op: 'AddRelation', objects: [] } }],
    ['a nested $-key', { colour: { $where: '1' } }],
    ['a non-identifier name', { 'favourite colour': 'x' }],
    ['constructor-like names', { 'toString()': 'x' }],
    ['nothing', {}],
  ];
  for (const [what, properties] of refusedFields) {
    it(`refuses ${what} with bad-request before any request`, async () => {
      const { session, action, backend } = await page();
      await signIn(session);
      const before = localStorage.getItem(storageKey);
      action.properties = { email: 'new@example.com', ...properties };
      if (what === 'nothing') action.properties = properties;
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      const { error } = (await failure).detail;
      expect(error.code).to.equal('bad-request');
      expect(action.error).to.equal(error.message);
      expect(backend.count('updateUser')).to.equal(0);
      expect(localStorage.getItem(storageKey)).to.equal(before);
      expect(session.email).to.equal('ada@example.com');
    });
  }

  it('the refusal messages say why: password → a password flow, username → how the user logs in', async () => {
    const { session } = await page();
    await signIn(session);
    const password = await session.updateUser({ password: 'x' }).catch((e: Error) => e.message);
    expect(password).to.match(/"password".*password change or reset flow/);
    const username = await session.updateUser({ username: 'x' }).catch((e: Error) => e.message);
    expect(username).to.match(/"username".*logs in/);
  });

  it('a password field in the form is refused too (no request)', async () => {
    const { session, form, action, backend } = await page();
    await signIn(session);
    const field = document.createElement('input');
    field.name = 'password';
    field.value = 'new-password';
    form.prepend(field);
    const failure = oneEvent(action, 'failure');
    await action.do();
    expect((await failure).detail.error.code).to.equal('bad-request');
    expect(backend.count('updateUser')).to.equal(0);
  });

  it('is busy while the server works; calls and clicks meanwhile join the run (one request, one event)', async () => {
    const { session, action, backend } = await page();
    await signIn(session);
    action.properties = { favouriteColour: 'teal' };
    const gate = backend.hold('updateUser');
    const results = recordEvents(action, ['success', 'failure']);
    const first = action.do();
    expect(action.busy).to.equal(true);
    expect(action.hasAttribute('busy')).to.equal(true);
    expect(action.getAttribute('aria-busy')).to.equal('true');
    action.shadowRoot!.querySelector('button')!.click();
    const second = action.do();
    expect(second).to.equal(first);
    gate.resolve();
    expect(await first).to.equal(true);
    expect(action.busy).to.equal(false);
    expect(action.hasAttribute('busy')).to.equal(false);
    expect(results.map((e) => e.type)).to.deep.equal(['success']);
    expect(backend.count('updateUser')).to.equal(1);
  });

  it('a second <user-session> on the same key gets user-change', async () => {
    const { session, action, backend } = await page();
    const other = document.createElement('user-session');
    other.backend = backend;
    other.storageKey = storageKey;
    document.body.append(other);
    try {
      const all = recordEvents(other, ['logged-in', 'user-change', 'logged-out']);
      await signIn(session);
      await waitUntil(() => all.length === 1, 'second element signed in');
      action.properties = { favouriteColour: 'teal' };
      expect(await action.do()).to.equal(true);
      await waitUntil(() => all.length === 2, 'user-change in the second element');
      expect(all.map((e) => e.type)).to.deep.equal(['logged-in', 'user-change']);
      expect((all[1]!.detail.user as Record<string, unknown>).favouriteColour).to.equal('teal');
      expect(other.user).to.deep.equal(session.user);
    } finally {
      other.remove();
    }
  });

  it('another tab gets user-change with the new fields', async () => {
    const { session, action } = await page();
    const frame = document.createElement('iframe');
    frame.src = `/test/pages/other-tab.html?key=${encodeURIComponent(storageKey)}`;
    document.body.append(frame);
    try {
      await waitUntil(() => (frame.contentWindow as OtherTab | null)?.ready === true, 'other tab ready', { timeout: 8000 });
      const tab = frame.contentWindow as OtherTab;
      await signIn(session);
      await waitUntil(() => tab.session.authenticated, 'other tab signed in');
      action.properties = { email: 'ada@lovelace.example' };
      expect(await action.do()).to.equal(true);
      await waitUntil(() => tab.session.email === 'ada@lovelace.example', 'other tab shows the new email');
      expect(tab.session.user?.emailVerified).to.equal(false);
      expect(tab.seen.map((e) => e.type)).to.deep.equal(['logged-in', 'user-change']);
    } finally {
      frame.remove();
    }
  });

  it('an invalid session fails with invalid-session and signs out as session-lost', async () => {
    const { session, action, backend } = await page();
    await signIn(session);
    await backend.logOut(storedSession(), { scope: 'current', signal: new AbortController().signal }); // ended elsewhere (another device, an admin)
    const loggedOut = oneEvent(session, 'logged-out');
    action.properties = { favouriteColour: 'teal' };
    const failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('invalid-session');
    expect((await loggedOut).detail.reason).to.equal('session-lost');
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
  });

  it('signed out: bad-request, no request', async () => {
    const { action, backend } = await page();
    action.properties = { favouriteColour: 'teal' };
    const failure = oneEvent(action, 'failure');
    await action.do();
    const { error } = (await failure).detail;
    expect(error.code).to.equal('bad-request');
    expect(error.message).to.match(/not signed in/i);
    expect(backend.count('updateUser')).to.equal(0);
  });

  it('with the OpenID Connect backend: misconfigured, naming the capability update-user', async () => {
    const backend = new OidcBackend({ issuer: 'https://idp.example', clientId: 'x' });
    const session = await fixture<UserSessionElement>(
      html`<user-session .backend=${backend} storage-key=${storageKey}
        ><set-user-properties-action></set-user-properties-action
      ></user-session>`,
    );
    const action = session.querySelector<SetUserPropertiesActionElement>('set-user-properties-action')!;
    action.properties = { favouriteColour: 'teal' };
    const failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    const { error } = (await failure).detail;
    expect(error.code).to.equal('misconfigured');
    expect(error.message).to.include('update-user');
  });
});
