import { expect, oneEvent } from '@open-wc/testing';
import { AuthError } from '../src/errors.js';
import { clearStorage, recordEvents, sessionWithAction, signIn, storageKey } from './helpers/fixtures.js';

/** Captures everything written to the console while `run` runs. */
async function captureConsole(run: () => Promise<void>): Promise<string> {
  const methods = ['log', 'info', 'debug', 'warn', 'error'] as const;
  const originals = methods.map((m) => console[m]);
  const lines: string[] = [];
  methods.forEach((m) => (console[m] = (...args: unknown[]) => lines.push(args.map(String).join(' '))));
  try {
    await run();
  } finally {
    methods.forEach((m, i) => (console[m] = originals[i]!));
  }
  return lines.join('\n');
}

describe('the session token never leaks', () => {
  beforeEach(clearStorage);

  it('not in attributes, event details, user, errors or console output, through a full sign-in/out cycle', async () => {
    const { session, action, backend } = await sessionWithAction();
    const events = recordEvents(session, ['logged-in', 'logged-out', 'user-change']);
    const actionEvents = recordEvents(action, ['success', 'failure']);
    let token = '';
    const output = await captureConsole(async () => {
      await signIn(session);
      token = JSON.parse(localStorage.getItem(storageKey)!).token;
      await session.refresh();
      backend.hold('logOut').reject(new AuthError('network'));
      await action.do();
      await signIn(session);
      await action.do();
    });
    expect(token).to.match(/^m:/);
    const seen = [
      document.documentElement.outerHTML,
      JSON.stringify(events.map((e) => e.detail)),
      JSON.stringify(actionEvents.map((e) => e.detail)),
      actionEvents.map((e) => (e.detail.error ? `${e.detail.error.message} ${e.detail.error.stack}` : '')).join(),
      JSON.stringify(session.user),
      action.error,
      output,
    ].join('\n');
    expect(seen.includes(token), 'token visible somewhere').to.equal(false);
    expect(Object.keys(session.user ?? {})).not.to.include('token');
  });

  it('a backend error whose message contains the token reaches the page redacted', async () => {
    const { session, action, backend } = await sessionWithAction();
    await signIn(session);
    const token = JSON.parse(localStorage.getItem(storageKey)!).token as string;
    backend.hold('logOut').reject(new Error(`could not revoke ${token} just now`));
    const failure = oneEvent(action, 'failure');
    await action.do();
    const { error } = (await failure).detail;
    expect(error.code).to.equal('server');
    expect(error.message).not.to.contain(token);
    expect(error.message).to.contain('[redacted]');
    expect(action.error).not.to.contain(token);
  });

  it('user never carries sessionToken or password fields, even if a backend returns them', async () => {
    const { session, backend } = await sessionWithAction();
    const original = backend.logIn.bind(backend);
    backend.logIn = async (u, p, o) => {
      const s = await original(u, p, o);
      return { ...s, user: { ...s.user, sessionToken: s.token, password: p } };
    };
    const user = await session.logIn('ada', 'secret-pw');
    expect(Object.keys(user)).not.to.include.members(['sessionToken', 'password']);
  });
});
