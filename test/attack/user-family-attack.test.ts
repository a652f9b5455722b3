// Black-box attack round on the user family: <set-user-properties-action> / updateUser(),
// <request-password-reset-action>, <request-verification-email-action>, "sessions that notice"
// (re-validation, ready) and idle sign-out. Written from README.md and SPEC.md only.
// Tests named `[Un sev] …` are findings (they fail now); the rest document what held.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { SetUserPropertiesActionElement } from '../../src/elements/set-user-properties-action.js';
import type { RequestPasswordResetActionElement } from '../../src/elements/request-password-reset-action.js';
import type { RequestVerificationEmailActionElement } from '../../src/elements/request-verification-email-action.js';
import { AuthError } from '../../src/errors.js';
import { clock, recheckGap } from '../../src/session/clock.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { afterConnect, clearStorage, recordEvents, signIn, storageKey } from '../helpers/fixtures.js';
import { RecordingBackend } from '../helpers/recording-backend.js';
import {
  proxy,
  signUpRest,
  storeSession,
  storageKeyFor,
  uniqueName,
  until,
  whoAmI,
  type ParseConfig,
  useParseServer,
} from '../integration/parse-server.js';
import { inbox, waitForMail } from '../integration/mail.js';

const minute = 60_000;
const activityKey = `${storageKey}:last-activity`;
const t0 = () => Math.floor(Date.now() / minute) * minute;
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

function pretendHidden(hidden: boolean): void {
  if (hidden) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  else delete (document as unknown as Record<string, unknown>).visibilityState;
}

async function memorySession(attributes: Record<string, string> = {}, backend = new RecordingBackend()) {
  const session = await fixture<UserSessionElement>(html`
    <user-session .backend=${backend} storage-key=${storageKey}>
      <form>
        <input name="email" type="email" />
        <input name="favouriteColour" />
        <set-user-properties-action></set-user-properties-action>
      </form>
    </user-session>
  `);
  for (const [name, value] of Object.entries(attributes)) session.setAttribute(name, value);
  await session.updateComplete;
  await afterConnect();
  const action = session.querySelector<SetUserPropertiesActionElement>('set-user-properties-action')!;
  await action.updateComplete;
  return { session, backend, action, form: session.querySelector('form')! };
}

// ---------------------------------------------------------------------------------------------
describe('attack: updateUser / <set-user-properties-action> (memory backend)', () => {
  beforeEach(clearStorage);

  const refused: [string, () => Record<string, unknown>][] = [
    ['__proto__ from JSON.parse', () => JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>],
    ['_hashed_password', () => ({ _hashed_password: 'x' })],
    ['_rperm', () => ({ _rperm: ['*'] })],
    ['id of another user', () => ({ id: 'someoneElse' })],
    ['objectId of another user', () => ({ objectId: 'someoneElse' })],
    ['__op deep in an array', () => ({ list: [1, { a: { __op: 'Delete' } }] })],
    ['$ operator deep in an array', () => ({ list: [{ $ne: null }] })],
    ['__type Pointer to a user', () => ({ boss: { __type: 'Pointer', className: '_User', objectId: 'x' } })],
    ['nested __proto__ key', () => ({ plan: JSON.parse('{"__proto__": {"x": 1}}') as unknown })],
    ['Infinity', () => ({ score: Infinity })],
    ['a Map', () => ({ colour: new Map() })],
    [
      'a cycle',
      () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return { colour: o };
      },
    ],
    ['a BigInt', () => ({ score: BigInt(1) })],
  ];
  for (const [what, make] of refused) {
    it(`refuses ${what}: bad-request, no request, nothing stored`, async () => {
      const { session, action, backend } = await memorySession();
      await signIn(session);
      const before = localStorage.getItem(storageKey);
      action.properties = make();
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('bad-request');
      expect(backend.count('updateUser')).to.equal(0);
      expect(localStorage.getItem(storageKey)).to.equal(before);
      expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
    });
  }

  it('[U1 low] a value with a getter that throws fails as "server" instead of bad-request', async () => {
    // What the page sees: failure code "server" ("the server failed") for its own bad object.
    // README: "values that are not plain JSON (… class instances …) fail with bad-request before any request".
    const { session, action, backend } = await memorySession();
    await signIn(session);
    action.properties = {
      colour: Object.defineProperty({}, 'x', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      }),
    };
    const failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    expect(backend.count('updateUser')).to.equal(0);
    expect((await failure).detail.error.code).to.equal('bad-request');
  });

  it('check-then-use: a getter that answers harmless first, then a Parse operator, never sends __op', async () => {
    // Check-then-use: validation reads the properties, the request reads them again.
    // README: objects with _/$ keys (Parse operators such as __op) fail with bad-request before any request.
    const sent: Record<string, unknown>[] = [];
    class Capturing extends RecordingBackend {
      override updateUser(...args: Parameters<RecordingBackend['updateUser']>) {
        sent.push(JSON.parse(JSON.stringify(args[1])) as Record<string, unknown>);
        return super.updateUser(...args);
      }
    }
    const { session, action } = await memorySession({}, new Capturing());
    await signIn(session);
    let reads = 0;
    const props = {} as Record<string, unknown>;
    Object.defineProperty(props, 'colour', {
      enumerable: true,
      get: () => (reads++ === 0 ? 'teal' : { __op: 'Delete' }),
    });
    action.properties = props;
    await action.do();
    for (const fields of sent) expect(JSON.stringify(fields)).not.to.include('__op');
  });

  it('[U2 low] a stored field named hasOwnProperty / toString breaks plain use of session.user', async () => {
    // What the page sees: after saving a profile field named "toString" (an identifier, accepted),
    // `${session.user}` / String(user) throws "Cannot convert object to primitive value" and
    // user.hasOwnProperty(...) throws. README only refuses server names, _ and non-identifiers.
    const { session, action } = await memorySession();
    await signIn(session);
    action.properties = { toString: 'y', hasOwnProperty: 'z' };
    const ok = await action.do();
    // Restoring the stored session in a fresh element must work in any case.
    const el = document.createElement('user-session');
    el.backend = (session as unknown as { backend: RecordingBackend }).backend;
    el.setAttribute('storage-key', storageKey);
    document.body.append(el);
    await afterConnect();
    await settle();
    expect(el.authenticated, 'restores').to.equal(true);
    el.remove();
    if (ok) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the point: plain use of user must not throw
      expect(() => String(session.user)).not.to.throw();
      expect(
        () =>
          Object.prototype.hasOwnProperty.call(session.user, 'id') &&
          // eslint-disable-next-line no-prototype-builtins -- the point: user's own hasOwnProperty must still work
          (session.user as unknown as { hasOwnProperty(k: string): boolean }).hasOwnProperty('id'),
      ).not.to.throw();
    }
  });

  for (const field of ['username', 'password', 'emailVerified', 'sessionToken', 'objectId']) {
    it(`a filled form field named ${field} fails with bad-request before any request`, async () => {
      const { session, action, backend, form } = await memorySession();
      await signIn(session);
      const input = document.createElement('input');
      input.name = field;
      input.value = field === 'emailVerified' ? 'true' : 'eve';
      form.prepend(input);
      (form.elements.namedItem('favouriteColour') as HTMLInputElement).value = 'teal';
      const failure = oneEvent(action, 'failure');
      expect(await action.do()).to.equal(false);
      expect((await failure).detail.error.code).to.equal('bad-request');
      expect(backend.count('updateUser')).to.equal(0);
      expect(session.username).to.equal('ada');
    });
  }

  it('properties named constructor / toString / hasOwnProperty: never an uncaught error, user readable', async () => {
    const { session, action } = await memorySession();
    await signIn(session);
    action.properties = { constructor: 'x', toString: 'y', hasOwnProperty: 'z', valueOf: 'v' };
    const ok = await action.do();
    expect(typeof ok).to.equal('boolean');
    expect(session.user?.username).to.equal('ada');
    expect(() => JSON.stringify(session.user)).not.to.throw();
  });

  it('1000 fields and a 1 MB string: a boolean result, no uncaught error', async () => {
    const { session, action } = await memorySession();
    await signIn(session);
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) many[`f${i}`] = 'x';
    many.big = 'y'.repeat(1_000_000);
    action.properties = many;
    expect(typeof (await action.do())).to.equal('boolean');
    expect(session.authenticated).to.equal(true);
  });

  it('updateUser racing logOut: resolves, the session stays signed out, nothing written', async () => {
    const { session, backend } = await memorySession();
    await signIn(session);
    const gate = backend.hold('updateUser');
    const events = recordEvents(session, ['user-change', 'logged-in', 'logged-out']);
    const update = session.updateUser({ favouriteColour: 'teal' });
    update.catch(() => undefined);
    await session.logOut();
    gate.resolve();
    await update.catch(() => undefined);
    await settle();
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(events.map((e) => e.type)).to.deep.equal(['logged-out']);
  });

  it('updateUser racing logOut and a new log-in: the new session is not overwritten by the stale update', async () => {
    const { session, backend } = await memorySession();
    await signIn(session);
    const gate = backend.hold('updateUser');
    const update = session.updateUser({ favouriteColour: 'teal' });
    update.catch(() => undefined);
    await session.logOut();
    await signIn(session);
    const fresh = localStorage.getItem(storageKey);
    gate.resolve();
    await update.catch(() => undefined);
    await settle();
    expect(session.authenticated).to.equal(true);
    expect(localStorage.getItem(storageKey)).to.equal(fresh);
    expect(session.user).not.to.have.property('favouriteColour');
  });

  it('a second do() on a different action while one runs: no uncaught error; signed-out run is bad-request', async () => {
    const { session, action, backend } = await memorySession();
    await signIn(session);
    const gate = backend.hold('updateUser');
    action.properties = { favouriteColour: 'a' };
    const first = action.do();
    const second = action.do();
    await session.logOut();
    gate.resolve();
    expect(await first).to.equal(await second);
    action.properties = { favouriteColour: 'b' };
    const failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('bad-request');
  });
});

// ---------------------------------------------------------------------------------------------
describe('attack: sessions that notice (memory backend, fake clock)', () => {
  let fake: FakeClock;
  beforeEach(() => {
    clearStorage();
    fake = new FakeClock(t0()).install(clock);
  });
  afterEach(() => {
    fake.uninstall(clock);
    pretendHidden(false);
  });

  it('re-validation storm: 20 elements, 200 visibility/online events → one request per 30 s window', async () => {
    const { session, backend } = await memorySession();
    const extra: UserSessionElement[] = [];
    for (let i = 0; i < 19; i++) {
      const el = document.createElement('user-session');
      el.backend = backend;
      el.setAttribute('storage-key', storageKey);
      el.setAttribute('revalidate', '30s');
      session.after(el);
      extra.push(el);
    }
    await afterConnect();
    await signIn(session);
    await settle();
    const before = backend.count('currentUser');
    for (let i = 0; i < 100; i++) {
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('online'));
    }
    await settle();
    expect(backend.count('currentUser') - before).to.equal(1);
    fake.advance(recheckGap - 1);
    document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    expect(backend.count('currentUser') - before, 'within the window').to.be.at.most(2);
    extra.forEach((el) => el.remove());
  });

  it('ready settles even when the element is removed before its first check ends (check released later)', async () => {
    const backend = new RecordingBackend();
    const first = await memorySession({}, backend);
    await signIn(first.session);
    first.session.remove();
    const gate = backend.hold('currentUser');
    const el = document.createElement('user-session');
    el.backend = backend;
    el.setAttribute('storage-key', storageKey);
    document.body.append(el);
    let settled = false;
    let rejected = false;
    el.ready.then(
      () => (settled = true),
      () => (rejected = true),
    );
    await afterConnect();
    el.remove();
    gate.resolve();
    await settle(300);
    expect(rejected, 'never rejects').to.equal(false);
    expect(settled, 'ready settled').to.equal(true);
  });

  it('ready settles when the element is removed while its first check never answers', async () => {
    // What the user sees: a React page that unmounts <user-session> while the first check
    // hangs (server never answers) keeps a `ready.then(...)` pending forever. README: ready
    // "settles once the first check … has finished … It never rejects"; removal ends the check.
    const backend = new RecordingBackend();
    const first = await memorySession({}, backend);
    await signIn(first.session);
    first.session.remove();
    backend.hold('currentUser'); // never released
    const el = document.createElement('user-session');
    el.backend = backend;
    el.setAttribute('storage-key', storageKey);
    document.body.append(el);
    let settled = false;
    el.ready.then(
      () => (settled = true),
      () => (settled = true),
    );
    await afterConnect();
    el.remove();
    await settle(300);
    expect(settled, 'ready settled after removal').to.equal(true);
  });

  it('idle sign-out while offline: signed out locally at once with reason idle', async () => {
    const { session, backend } = await memorySession({ 'idle-timeout': '15m' });
    await signIn(session);
    const seen = recordEvents(session, ['logged-out']);
    const gate = backend.hold('logOut');
    fake.advance(15 * minute);
    expect(session.authenticated).to.equal(false);
    gate.reject(new AuthError('network', 'offline'));
    await settle();
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    expect(seen.map((e) => e.detail.reason)).to.deep.equal(['idle']);
  });

  it('a far-future last-activity arriving from "another tab" (storage event) keeps the user at most one more period', async () => {
    const { session } = await memorySession({ 'idle-timeout': '15m' });
    await signIn(session);
    fake.advance(5 * minute);
    localStorage.setItem(activityKey, String(8.64e15));
    window.dispatchEvent(new StorageEvent('storage', { key: activityKey, newValue: String(8.64e15), storageArea: localStorage }));
    fake.advance(15 * minute + 1); // the check at 15 m sees "future" → counts as now: one more period
    await settle();
    fake.advance(15 * minute + 1);
    await settle();
    expect(session.authenticated).to.equal(false);
  });

  for (const garbage of [
    '-1e400',
    'NaN',
    '1e400',
    '{"x":1}',
    '',
    '\u0000',
    '0x7fffffffffff',
    String(Number.MAX_SAFE_INTEGER + 2),
  ]) {
    it(`garbage last-activity ${JSON.stringify(garbage)} on sign-in: ignored, signed out after 15 min`, async () => {
      localStorage.setItem(activityKey, garbage);
      const { session } = await memorySession({ 'idle-timeout': '15m' });
      await signIn(session);
      expect(session.authenticated).to.equal(true);
      fake.advance(15 * minute + 1);
      await settle();
      expect(session.authenticated).to.equal(false);
    });
  }

  it('activity faked in a hidden tab (pointerdown, wheel, scroll, focus on window/body) does not keep it signed in', async () => {
    const { session } = await memorySession({ 'idle-timeout': '15m' });
    await signIn(session);
    pretendHidden(true);
    for (let i = 0; i < 16; i++) {
      fake.advance(minute);
      document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      document.dispatchEvent(new WheelEvent('wheel', { bubbles: true }));
      document.dispatchEvent(new Event('scroll'));
      window.dispatchEvent(new Event('scroll'));
      window.dispatchEvent(new FocusEvent('focus'));
      window.dispatchEvent(new Event('pageshow'));
    }
    expect(session.authenticated).to.equal(false);
  });

  for (const value of ['0', '-5m', '2147483648', '9999999999999', '1e309', '  ', 'Infinity', '15m;', 'null']) {
    it(`idle-timeout=${JSON.stringify(value)}: off, no sign-out, no uncaught error`, async () => {
      const { session } = await memorySession({ 'idle-timeout': value, 'idle-warning': value, revalidate: value });
      await signIn(session);
      fake.advance(60 * minute);
      await settle();
      expect(session.authenticated).to.equal(true);
    });
  }

  it('a stale tab (its clock behind) that says "stay" after the idle sign-out brings no session back', async () => {
    type IdleTab = Window & {
      ready?: boolean;
      session: UserSessionElement;
      fakeClock: FakeClock;
      stay: boolean;
      seen: { type: string; reason: string | null }[];
    };
    const { session } = await memorySession({ 'idle-timeout': '15m', 'idle-warning': '60s' });
    const frame = document.createElement('iframe');
    frame.src = `/test/pages/idle-tab.html?key=${encodeURIComponent(storageKey)}&t0=${fake.now()}`;
    document.body.append(frame);
    try {
      await until(() => (frame.contentWindow as IdleTab | null)?.ready === true, 'idle tab ready', 8000);
      const tab = frame.contentWindow as IdleTab;
      tab.stay = true;
      await signIn(session);
      await until(() => tab.session.authenticated, 'other tab signed in');
      fake.advance(15 * minute); // only this tab's clock: the other one is "asleep"
      await until(() => !tab.session.authenticated, 'other tab signed out');
      tab.fakeClock.advance(20 * minute); // the stale tab wakes: its old timers run
      await settle(100);
      expect(session.authenticated).to.equal(false);
      expect(tab.session.authenticated).to.equal(false);
      expect(localStorage.getItem(storageKey)).to.equal(null);
      expect(tab.seen.filter((e) => e.type === 'logged-in').length).to.equal(1);
    } finally {
      frame.remove();
    }
  });

  it('idle-warning preventDefault from a listener that kept a stale event (after the sign-out): no effect, no throw', async () => {
    const { session } = await memorySession({ 'idle-timeout': '15m', 'idle-warning': '60s' });
    let stale: Event | null = null;
    session.addEventListener('idle-warning', (e) => (stale = e));
    await signIn(session);
    fake.advance(15 * minute);
    expect(session.authenticated).to.equal(false);
    expect(stale).not.to.equal(null);
    stale!.preventDefault();
    await signIn(session);
    fake.advance(15 * minute);
    expect(session.authenticated).to.equal(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('attack: real Parse Server (user properties, mail)', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  async function profilePage() {
    const existing = await signUpRest(uniqueName('atk'));
    storeSession(cfg.appId, existing);
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}>
        <form>
          <input name="favouriteColour" />
          <set-user-properties-action></set-user-properties-action>
        </form>
      </user-session>
    `);
    await afterConnect();
    await until(() => !session.pending, 'the check on connect');
    await proxy.reset();
    const action = session.querySelector<SetUserPropertiesActionElement>('set-user-properties-action')!;
    return { existing, session, action };
  }

  async function mailPage() {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}>
        <request-password-reset-action></request-password-reset-action>
        <request-verification-email-action></request-verification-email-action>
      </user-session>
    `);
    await afterConnect();
    return {
      session,
      reset: session.querySelector<RequestPasswordResetActionElement>('request-password-reset-action')!,
      verify: session.querySelector<RequestVerificationEmailActionElement>('request-verification-email-action')!,
    };
  }

  it('refused fields never reach the server (ACL, authData, _hashed_password, emailVerified, another objectId)', async () => {
    const { session, action } = await profilePage();
    for (const properties of [
      { ACL: { '*': { read: true, write: true } } },
      { authData: { anonymous: { id: 'x' } } },
      { _hashed_password: 'x' },
      { emailVerified: true },
      { objectId: 'other' },
      { plan: { __op: 'Delete' } },
    ]) {
      action.properties = properties;
      expect(await action.do(), JSON.stringify(properties)).to.equal(false);
    }
    expect((await proxy.log()).requests.filter((r) => r.path.includes('/users/'))).to.have.length(0);
    expect(session.authenticated).to.equal(true);
  });

  it('updateUser racing logOut (slow PUT): the session never comes back, storage stays empty', async () => {
    const { existing, session, action } = await profilePage();
    await proxy.setFault({ delayMs: 1200, path: `/parse/users/${existing.objectId}` });
    const events = recordEvents(session, ['logged-in', 'user-change', 'logged-out']);
    action.properties = { favouriteColour: 'teal' };
    const run = action.do();
    let done = false;
    void run.then(() => (done = true));
    await settle(150);
    expect(done, 'the update is still in flight').to.equal(false);
    await session.logOut();
    await run;
    await settle(300);
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(storageKeyFor(cfg.appId))).to.equal(null);
    expect(events.map((e) => e.type)).to.deep.equal(['logged-out']);
    expect((await whoAmI(existing.sessionToken)).status, 'session revoked').to.not.equal(200);
  });

  it('an email with CRLF + Bcc set through updateUser: refused, nobody else gets mail, nothing changed', async () => {
    const { existing, session, action } = await profilePage();
    const eve = `${uniqueName('eve')}@evil.example`;
    action.properties = { email: `${existing.username}@example.com\r\nBcc: ${eve}` };
    expect(await action.do()).to.equal(false);
    await settle(500);
    expect(await inbox(eve)).to.have.length(0);
    expect(session.email).to.equal(`${existing.username}@example.com`);
    expect(session.authenticated).to.equal(true);
  });

  it('constructor / toString named properties against Parse: no uncaught error, state consistent', async () => {
    const { session, action } = await profilePage();
    action.properties = { constructor: 'x', toString: 'y' };
    const ok = await action.do();
    expect(typeof ok).to.equal('boolean');
    expect(session.authenticated).to.equal(true);
    expect(() => JSON.stringify(session.user)).not.to.throw();
  });

  it('reset for a known and an unknown email: the same success detail; the unknown gets no mail', async () => {
    const { reset } = await mailPage();
    const known = await signUpRest(uniqueName('rk'));
    const knownEmail = `${known.username}@example.com`;
    const unknownEmail = `${uniqueName('nobody')}@example.com`;
    reset.email = knownEmail;
    const a = oneEvent(reset, 'success');
    expect(await reset.do()).to.equal(true);
    const da = (await a).detail;
    reset.email = unknownEmail;
    const b = oneEvent(reset, 'success');
    expect(await reset.do()).to.equal(true);
    const db = (await b).detail;
    expect(Object.keys(da)).to.deep.equal(Object.keys(db));
    expect(da).to.deep.equal({ email: knownEmail });
    expect(db).to.deep.equal({ email: unknownEmail });
    await waitForMail(knownEmail, /Password Reset/);
    expect(await inbox(unknownEmail)).to.have.length(0);
  });

  for (const bad of [
    'a@example.com\r\nBcc: eve@evil.example',
    'a@example.com\nBcc: eve@evil.example',
    'eve@evil.example,victim@example.com',
    'victim@example.com; eve@evil.example',
    '"eve@evil.example"@example.com\r\n',
    'not-an-email',
    '@example.com',
    'a@',
    'a@b@c',
  ]) {
    it(`malformed / header-injecting address ${JSON.stringify(bad)}: bad-request before any request, both actions`, async () => {
      const { reset, verify } = await mailPage();
      for (const action of [reset, verify]) {
        action.email = bad;
        const failure = oneEvent(action, 'failure');
        expect(await action.do()).to.equal(false);
        expect((await failure).detail.error.code).to.equal('bad-request');
      }
      const { requests } = await proxy.log();
      expect(requests.map((r) => r.path)).to.deep.equal([]);
    });
  }

  it('[U3 low] an address in angle brackets "<victim@example.com>" is sent to Parse and answered success', async () => {
    // What the user sees: "If an account has this address, a link is on its way" for an address
    // that no mail can go to; README: "An empty or malformed address fails with bad-request before any request".
    const { reset } = await mailPage();
    reset.email = '<victim@example.com>';
    const failure = oneEvent(reset, 'failure');
    expect(await reset.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('bad-request');
    expect((await proxy.log()).requests).to.have.length(0);
  });

  it('the reset token appears in no event, storage, console output or element attribute', async () => {
    const { session, reset } = await mailPage();
    const user = await signUpRest(uniqueName('tok'));
    const email = `${user.username}@example.com`;
    const logged: string[] = [];
    const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug };
    for (const k of Object.keys(saved) as (keyof typeof saved)[])
      console[k] = (...args: unknown[]) => {
        logged.push(
          args
            .map((a) => {
              try {
                return typeof a === 'string' ? a : JSON.stringify(a);
              } catch {
                return String(a);
              }
            })
            .join(' '),
        );
        saved[k].apply(console, args);
      };
    const seen = recordEvents(reset, ['success', 'failure']);
    const onSession = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
    try {
      reset.email = ` ${email} `;
      expect(await reset.do()).to.equal(true);
    } finally {
      Object.assign(console, saved);
    }
    const mail = await waitForMail(email, /Password Reset/);
    const link = mail.links.find((l) => l.includes('token='))!;
    const token = new URL(link).searchParams.get('token')!;
    expect(token).to.have.length.greaterThan(10);
    expect(seen[0]!.detail).to.deep.equal({ email });
    const everything = [
      JSON.stringify(seen.map((e) => e.detail)),
      JSON.stringify(onSession.map((e) => e.detail)),
      JSON.stringify({ ...localStorage }),
      JSON.stringify({ ...sessionStorage }),
      logged.join('\n'),
      session.outerHTML,
      reset.outerHTML,
      reset.error,
    ].join('\n');
    expect(everything).not.to.include(token);
    expect(session.authenticated).to.equal(false);
  });

  it('verification mail for an unknown address: success, the same detail shape; no account revealed', async () => {
    const { verify } = await mailPage();
    const email = `${uniqueName('nobody')}@example.com`;
    verify.email = email;
    const ok = oneEvent(verify, 'success');
    expect(await verify.do()).to.equal(true);
    expect((await ok).detail).to.deep.equal({ email });
  });

  it('re-validation storm against Parse: 10 elements, 50 visibility changes → at most one GET /users/me', async () => {
    const { session } = await profilePage();
    const extra: UserSessionElement[] = [];
    for (let i = 0; i < 9; i++) {
      const el = document.createElement('user-session');
      el.setAttribute('app-id', cfg.appId);
      el.setAttribute('server-url', cfg.proxyServerURL);
      session.after(el);
      extra.push(el);
    }
    await afterConnect();
    await settle(500);
    await proxy.reset();
    for (let i = 0; i < 50; i++) {
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('online'));
    }
    await settle(800);
    expect(await proxy.count('GET', '/parse/users/me')).to.be.at.most(1);
    extra.forEach((el) => el.remove());
  });
});

// ---------------------------------------------------------------------------------------------
describe('attack: garbage attributes on the new elements', () => {
  beforeEach(clearStorage);
  const junk = [
    '',
    ' ',
    '\u0000',
    '<img src=x onerror=alert(1)>',
    'a'.repeat(100_000),
    '-1',
    'NaN',
    '{}',
    'constructor',
    '__proto__',
  ];
  it('no uncaught error from any new element or user-session timing attribute, and actions fail cleanly', async () => {
    const root = await fixture<HTMLDivElement>(
      html`<div>
        <user-session backend="memory" storage-key=${storageKey}></user-session>
        <set-user-properties-action></set-user-properties-action>
        <request-password-reset-action></request-password-reset-action>
        <request-verification-email-action></request-verification-email-action>
      </div>`,
    );
    const session = root.querySelector('user-session')!;
    const actions = [
      ...root.querySelectorAll('set-user-properties-action, request-password-reset-action, request-verification-email-action'),
    ] as (HTMLElement & { do(): Promise<boolean>; updateComplete: Promise<unknown> })[];
    for (const value of junk) {
      for (const name of ['idle-timeout', 'idle-warning', 'revalidate']) session.setAttribute(name, value);
      for (const a of actions) {
        a.setAttribute('label', value);
        a.setAttribute('session', value);
        a.setAttribute('busy', value);
        a.setAttribute('email', value);
      }
      await session.updateComplete;
      for (const a of actions) await a.updateComplete;
    }
    for (const a of actions) expect(await a.do()).to.equal(false);
    let settled = false;
    void session.ready.then(() => (settled = true));
    await settle(100);
    expect(settled).to.equal(true);
  });
});
