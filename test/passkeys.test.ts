// The passkeys add-on where no authenticator is needed (every engine): what a backend without
// passkeys answers, a browser without WebAuthn, bad input. The ceremonies themselves run against
// the real Better Auth server in test/integration/passkeys-better-auth.test.ts.
import { expect, fixture, html } from '@open-wc/testing';
import '../src/passkeys.js';
import '../src/define/user-session.js';
import '../src/define/memory-backend.js';
import { ParseBackend } from '../src/backends/parse.js';
import { MemoryBackend } from '../src/backends/memory.js';
import { BetterAuthBackend } from '../src/backends/better-auth.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import type { PasskeyLogInActionElement } from '../src/elements/passkey-log-in-action.js';
import type { PasskeyListElement } from '../src/elements/passkey-list.js';
import { rejection } from './helpers/rejection.js';
import { afterConnect, recordEvents } from './helpers/fixtures.js';

describe('passkeys add-on without an authenticator', () => {
  let key = 0;
  const storageKey = () => `passkeys-unit/${key++}`;

  it('gives <user-session> its passkey methods once imported', () => {
    const session = document.createElement('user-session');
    for (const name of ['logInWithPasskey', 'addPasskey', 'listPasskeys', 'deletePasskey'] as const)
      expect(typeof session[name], name).to.equal('function');
  });

  it('Parse Server: every passkey call is misconfigured, saying Parse has no passkey support; nothing stored', async () => {
    const session = await fixture<UserSessionElement>(html`<user-session storage-key=${storageKey()}></user-session>`);
    session.backend = new ParseBackend({ serverURL: 'http://localhost:1/parse', appId: 'x' });
    const error = await rejection(session.logInWithPasskey());
    expect(error.code).to.equal('misconfigured');
    expect(error.message).to.include('Parse Server has no passkey support');
    expect(session.authenticated).to.equal(false);
  });

  it("OpenID Connect: misconfigured, saying passkeys belong to the provider's sign-in page", async () => {
    const session = await fixture<UserSessionElement>(html`<user-session storage-key=${storageKey()}></user-session>`);
    const oidcLike = new MemoryBackend();
    Object.assign(oidcLike, { capabilities: ['redirect-log-in'], finishLogIn: () => null });
    session.backend = oidcLike;
    const error = await rejection(session.logInWithPasskey());
    expect(error.code).to.equal('misconfigured');
    expect(error.message).to.include("provider's own sign-in page");
  });

  it('<passkey-log-in-action> with a backend without passkeys: failure misconfigured with the reason, error string set', async () => {
    const session = await fixture<UserSessionElement>(
      html`<user-session backend="memory" storage-key=${storageKey()}
        ><passkey-log-in-action></passkey-log-in-action
      ></user-session>`,
    );
    await afterConnect();
    const action = session.querySelector<PasskeyLogInActionElement>('passkey-log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    expect(await action.do()).to.equal(false);
    expect(seen.map((e) => e.type)).to.deep.equal(['failure']);
    expect(seen[0].detail.error.code).to.equal('misconfigured');
    expect(action.error).to.include('no passkeys');
  });

  it('<passkey-list> on a backend without passkeys fires failure once and says why in its status', async () => {
    const backend = new MemoryBackend({ users: [{ username: 'ada', password: 'pw' }] });
    const session = await fixture<UserSessionElement>(
      html`<user-session .backend=${backend} storage-key=${storageKey()}><passkey-list></passkey-list></user-session>`,
    );
    const list = session.querySelector<PasskeyListElement>('passkey-list')!;
    const seen = recordEvents(list, ['failure']);
    await session.logIn('ada', 'pw');
    await new Promise((r) => setTimeout(r, 50));
    await list.refresh();
    expect(seen).to.have.length(1);
    expect(seen[0].detail.error.code).to.equal('misconfigured');
    expect(list.shadowRoot!.querySelector('[part=status]')!.textContent).to.include('Could not list the passkeys');
  });

  it('deletePasskey with no id is bad-request, before any request', async () => {
    const session = await fixture<UserSessionElement>(
      html`<user-session backend="memory" storage-key=${storageKey()}></user-session>`,
    );
    expect((await rejection(session.deletePasskey('  '))).code).to.equal('bad-request');
  });

  it('a browser without WebAuthn: unsupported, with a message a person can act on, before any request', async () => {
    const session = await fixture<UserSessionElement>(html`<user-session storage-key=${storageKey()}></user-session>`);
    // Better Auth on a closed port: `unsupported` comes before any request.
    session.backend = new BetterAuthBackend({ serverURL: 'http://localhost:9/api/auth' });
    const saved = Object.getOwnPropertyDescriptor(window, 'PublicKeyCredential');
    // An engine that has WebAuthn runs this without it, as an older browser would (WebKitGTK's
    // MiniBrowser here has none to begin with).
    if (saved) delete (window as { PublicKeyCredential?: unknown }).PublicKeyCredential;
    try {
      for (const call of [() => session.logInWithPasskey(), () => session.addPasskey('x')]) {
        const error = await rejection(call());
        expect(error.code).to.equal('unsupported');
        expect(error.message).to.equal('This browser cannot use passkeys.');
      }
    } finally {
      if (saved) Object.defineProperty(window, 'PublicKeyCredential', saved);
    }
  });
});
