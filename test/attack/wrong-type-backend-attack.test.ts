// Attack find (fuzz pass, a helper given the README and SPEC only): `backend` set to a number or
// a boolean on a `<user-session>` before it connected escaped as an uncaught TypeError ("Invalid
// value used in weak set") when it connected; the same values set after connecting were already
// handled (every call fails with an AuthError). Now both ways alike.
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { AuthError } from '../../src/errors.js';

/** What reaches the page's global handlers while `run` runs (and a few tasks after). */
async function escapedDuring(run: () => Promise<void>): Promise<unknown[]> {
  const escaped: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    escaped.push(event.error ?? event.message);
    event.preventDefault();
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    escaped.push(event.reason);
    event.preventDefault();
  };
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  // Mocha's own handler would end the test before the assertion.
  const mochaOnError = window.onerror;
  window.onerror = () => true;
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    window.onerror = mochaOnError;
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return escaped;
}

describe('attack: <user-session>.backend set to something that is neither a name nor an object', () => {
  afterEach(() => {
    document.querySelectorAll('user-session').forEach((session) => session.remove());
    localStorage.clear();
  });

  for (const [name, value] of [
    ['-1', -1],
    ['NaN', NaN],
    ['true', true],
  ] as [string, unknown][]) {
    for (const when of ['before', 'after'] as const) {
      it(`backend = ${name} ${when} connecting: nothing escapes, logIn() rejects with an AuthError`, async () => {
        let failure: unknown;
        const escaped = await escapedDuring(async () => {
          const session = document.createElement('user-session') as UserSessionElement;
          session.setAttribute('storage-key', 'wrong-type-backend');
          session.setAttribute('server-url', 'http://parse.invalid/parse');
          session.setAttribute('app-id', 'wrong-type');
          if (when === 'before') (session as unknown as { backend: unknown }).backend = value;
          document.body.append(session);
          if (when === 'after') (session as unknown as { backend: unknown }).backend = value;
          await session.ready;
          failure = await session.logIn('ada', 'pw').then(
            () => 'resolved',
            (error: unknown) => error,
          );
        });
        expect(escaped.map(String)).to.deep.equal([]);
        expect(failure).to.be.instanceOf(AuthError);
      });
    }
  }
});
