// updateUser on the core and the `update-user` feature only.
import { expect } from '@open-wc/testing';
import '../../src/define/features/update-user.js';
import { features, key, sessionOn } from './split-page.js';

describe('the update-user feature alone on the core', () => {
  it('refuses reserved names before any request, stores the answer; no other feature loads', async () => {
    const { session, backend } = await sessionOn();
    const refused = await session.updateUser({ password: 'x' }).catch((e: unknown) => e);
    expect(refused).to.have.property('code', 'bad-request');
    expect(backend.count('updateUser')).to.equal(0);
    await session.updateUser({ email: 'ada@lovelace.example' });
    expect(session.email).to.equal('ada@lovelace.example');
    expect(JSON.parse(localStorage.getItem(key)!).user.email).to.equal('ada@lovelace.example');
    expect(features()).to.deep.equal(['update-user']);
  });
});
