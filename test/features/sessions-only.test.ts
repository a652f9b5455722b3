// Session management on the core and the `sessions` feature only.
import { expect } from '@open-wc/testing';
import '../../src/define/features/sessions.js';
import { features, recordEvents, sessionOn } from './split-page.js';

describe('the sessions feature alone on the core', () => {
  it('lists, revokes another device, announces sessions-change; no other feature loads', async () => {
    const { session, backend } = await sessionOn();
    backend.openSession('ada', { userAgent: 'Other device' });
    const list = await session.listSessions();
    expect(list.map((s) => s.current)).to.deep.equal([true, false]);
    const changes = recordEvents(session, ['sessions-change']);
    await session.revokeSession(list[1].id);
    expect(changes.length).to.equal(1);
    expect((await session.listSessions()).length).to.equal(1);
    const result = await session.logOut({ scope: 'all' });
    expect(result.ok).to.equal(true);
    expect(features()).to.deep.equal(['sessions']);
  });
});
