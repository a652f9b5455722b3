// Runs in its own page: the plain kit (as the CDN's user-session-elements.min.js) defines the
// tags first, then a second copy with OpenID Connect (as user-session-elements-oidc.min.js,
// loaded by another part of the site) registers `oidc`. Backends are one registry across
// copies, so `backend="oidc"` works whatever the order — against the real oidc-provider.
import '../helpers/safe-errors.js';
import { expect, fixture, html } from '@open-wc/testing';
import * as kit from '../../src/index.js';
import { recordEvents } from '../helpers/fixtures.js';
import { oidcConfig, type OidcConfig } from './oidc-server.js';

describe('two copies of the kit: the plain one first, then the one with OpenID Connect', () => {
  let cfg: OidcConfig;
  before(async () => {
    cfg = await oidcConfig();
  });

  it('a <user-session backend="oidc"> of the first copy, in the page before the second loads, takes up its backend', async () => {
    const session = await fixture<kit.UserSessionElement>(
      html`<user-session backend="oidc" issuer=${cfg.issuer} client-id=${cfg.clientId}></user-session>`,
    );
    const failures = recordEvents(session, ['failure']);
    const unknown = session.backend;
    // Before: the first copy knows no `oidc` (the message says so).
    const before = await unknown.currentUser({ token: 't', user: { id: 'u' } }, { signal: new AbortController().signal }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(before).to.match(/Unknown backend "oidc"/);

    // A URL in a variable: TypeScript and esbuild leave the import alone; the test server bundles it.
    const url = '/__kit-copy-oidc.js';
    const copy = (await import(url)) as typeof kit & { OidcBackend: new (...args: never[]) => kit.AuthBackend };
    expect(copy.UserSessionElement, 'really another copy').not.to.equal(kit.UserSessionElement);
    expect(customElements.get('user-session'), 'the tag stays the first copy’s').to.equal(kit.UserSessionElement);

    const backend = session.backend;
    expect(backend instanceof copy.OidcBackend, 'the backend registered by the second copy').to.equal(true);
    expect(backend.capabilities).to.include(kit.Capability.redirectLogIn);
    // It talks to the real provider: discovery, then the authorization URL of a new sign-in.
    const to = new URL(await backend.beginLogIn!({ signal: new AbortController().signal }));
    expect(`${to.origin}${to.pathname}`.startsWith(new URL(cfg.issuer).origin), to.href).to.equal(true);
    expect(to.searchParams.get('client_id')).to.equal(cfg.clientId);
    await session.ready;
    expect(failures.map((e) => (e.detail as { error: kit.AuthError }).error.message)).to.deep.equal([]);
  });

  it('a <user-session backend="oidc"> added after both copies loaded works at once', async () => {
    const session = await fixture<kit.UserSessionElement>(
      html`<user-session backend="oidc" issuer=${cfg.issuer} client-id=${cfg.clientId}></user-session>`,
    );
    expect(session.backend.capabilities).to.include(kit.Capability.redirectLogIn);
    expect(kit.hasCapability(session.backend, kit.Capability.endSession)).to.equal(true);
  });
});
