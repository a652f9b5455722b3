// The WebAuthn test harness itself (scripts/wtr-webauthn-plugin.mjs, test/helpers/webauthn.ts):
// where the engine's driver offers a virtual authenticator, a passkey is made and used for real on
// this page (rp id `localhost`); where it does not, the plugin must say why.
import './helpers/safe-errors.js';
import { expect } from '@open-wc/testing';
import {
  addVirtualAuthenticator,
  removeVirtualAuthenticator,
  removeVirtualCredential,
  setUserVerified,
  virtualAuthenticatorSupported,
  virtualCredentials,
  type VirtualAuthenticatorSupport,
} from './helpers/webauthn.js';

const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

describe('WebAuthn virtual authenticator (test harness)', () => {
  let support: VirtualAuthenticatorSupport;

  before(async () => {
    support = await virtualAuthenticatorSupported();
  });

  afterEach(async () => {
    if (support.supported) await removeVirtualAuthenticator();
  });

  it('says whether this engine has one, and why not', () => {
    if (support.supported) expect(support.reason).to.equal(undefined);
    else {
      expect(support.supported).to.equal(false);
      expect(support.reason).to.be.a('string').and.not.equal('');
    }
  });

  it('registers a passkey, signs in with it, and fails when user verification fails', async function () {
    if (!support.supported) this.skip();
    const { authenticatorId } = await addVirtualAuthenticator();
    expect(authenticatorId).to.be.a('string').and.not.equal('');
    const rpId = location.hostname;
    const userId = random(16);

    const created = (await navigator.credentials.create({
      publicKey: {
        rp: { id: rpId, name: 'Harness' },
        user: { id: userId, name: 'harness@example.test', displayName: 'Harness' },
        challenge: random(32),
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        timeout: 5000,
      },
    })) as PublicKeyCredential;
    expect(created.type).to.equal('public-key');

    const credentials = await virtualCredentials();
    expect(credentials).to.have.length(1);
    expect(credentials[0]).to.include({ credentialId: created.id, rpId, isResidentKey: true, userHandle: base64url(userId) });
    expect(credentials[0].signCount).to.be.a('number');
    expect(credentials[0]).not.to.have.property('privateKey');

    const request = (userVerification: UserVerificationRequirement): CredentialRequestOptions => ({
      publicKey: {
        challenge: random(32),
        rpId,
        userVerification,
        allowCredentials: [{ type: 'public-key', id: created.rawId }],
        timeout: 5000,
      },
    });
    const assertion = (await navigator.credentials.get(request('required'))) as PublicKeyCredential;
    expect(assertion.id).to.equal(created.id);
    const response = assertion.response as AuthenticatorAssertionResponse;
    expect(base64url(new Uint8Array(response.userHandle!))).to.equal(base64url(userId));
    // Flags byte of the authenticator data: user present (0x01) and verified (0x04).
    expect(new Uint8Array(response.authenticatorData)[32] & 0x05).to.equal(0x05);

    await setUserVerified(false);
    const refused = await navigator.credentials.get(request('required')).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(DOMException);
    expect((refused as DOMException).name).to.equal('NotAllowedError');

    await removeVirtualCredential(created.id);
    expect(await virtualCredentials()).to.deep.equal([]);
  });
});
