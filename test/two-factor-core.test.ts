// A page WITHOUT the two-step add-on (no import of two-factor.js): a code is never ignored, and
// the add-on's methods are not there (SPEC §10.3: never a silent no-op).
import { expect, fixture, html } from '@open-wc/testing';
import '../src/define/user-session.js';
import '../src/define/log-in-action.js';
import { MemoryBackend } from '../src/backends/memory.js';
import { AuthError } from '../src/errors.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import type { LogInActionElement } from '../src/elements/log-in-action.js';

// Not the shared fixtures helper: it imports the package entry, which brings the add-on.
const afterConnect = () => new Promise((resolve) => setTimeout(resolve));

describe('two-step sign-in without its add-on', () => {
  let key = 0;
  async function page() {
    const session = await fixture<UserSessionElement>(html`
      <user-session storage-key=${`two-factor-core/${key++}`}>
        <form>
          <input name="username" value="ada" />
          <input name="password" value="pw" />
          <input name="code" value="123456" />
          <log-in-action></log-in-action>
        </form>
      </user-session>
    `);
    session.backend = new MemoryBackend({ users: [{ username: 'ada', password: 'pw' }] });
    await afterConnect();
    return { session, logIn: session.querySelector<LogInActionElement>('log-in-action')! };
  }

  it('logIn() with a code is misconfigured, naming the import; nothing is stored, no one is signed in', async () => {
    const { session } = await page();
    let error: unknown;
    try {
      await session.logIn('ada', 'pw', { code: '123456' });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(AuthError);
    expect((error as AuthError).code).to.equal('misconfigured');
    expect((error as AuthError).message).to.include("import 'user-session-elements/two-factor.js'");
    expect(session.authenticated).to.equal(false);
    expect(localStorage.getItem(session.storageKey!)).to.equal(null);
  });

  it("<log-in-action> in a form with a filled code field fails the same way (the form's code is never dropped)", async () => {
    const { session, logIn } = await page();
    const failure = new Promise<CustomEvent>((resolve) => logIn.addEventListener('failure', resolve as never, { once: true }));
    expect(await logIn.do()).to.equal(false);
    expect((await failure).detail.error.code).to.equal('misconfigured');
    expect(session.authenticated).to.equal(false);
  });

  it('an empty code field is no code: the log-in goes on as always', async () => {
    const { session, logIn } = await page();
    session.querySelector<HTMLInputElement>('[name=code]')!.value = '';
    expect(await logIn.do()).to.equal(true);
    expect(session.authenticated).to.equal(true);
  });

  it('the add-on methods are not there: a TypeError at the call, never a silent no-op', () => {
    const session = document.createElement('user-session') as unknown as Record<string, unknown>;
    for (const name of ['beginTwoFactor', 'enableTwoFactor', 'disableTwoFactor']) expect(session[name], name).to.equal(undefined);
  });
});
