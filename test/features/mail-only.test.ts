// Mail on the core and the `mail` feature only (what the mail actions import).
import { expect } from '@open-wc/testing';
import '../../src/define/request-password-reset-action.js';
import { features, sessionOn } from './split-page.js';

describe('the mail feature alone on the core', () => {
  it('checks the address before any request, then asks the backend; no other feature loads', async () => {
    const { session, backend } = await sessionOn(undefined, { signedIn: false });
    const asked: string[] = [];
    Object.assign(backend, {
      capabilities: [...backend.capabilities, 'password-reset'],
      requestPasswordReset: (email: string) => (asked.push(email), Promise.resolve()),
    });
    const bad = await session.requestPasswordReset('not-an-address').catch((e: unknown) => e);
    expect(bad).to.have.property('code', 'bad-request');
    await session.requestPasswordReset('  ada@example.com ');
    expect(asked).to.deep.equal(['ada@example.com']);
    expect(features()).to.deep.equal(['mail']);
  });
});
