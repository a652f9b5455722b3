// From a code review (failed before its fix): this file runs in its own page and must not import the package entry statically:
// the markup exists first, then the kit is loaded, as with <script type="module"> in a page.
import '../helpers/safe-errors.js';
import { expect } from '@open-wc/testing';

describe('backend="memory" in markup parsed before the package entry loads', () => {
  it('R7 the element uses the memory backend once the entry has loaded', async () => {
    localStorage.clear();
    const el = document.createElement('user-session');
    el.setAttribute('backend', 'memory');
    el.setAttribute('storage-key', 'review/memory');
    document.body.append(el);
    const kit = await import('../../src/index.js');
    kit.MemoryBackend.shared.addUser({ username: 'ada', password: 'secret-pw' });
    const session = el as InstanceType<typeof kit.UserSessionElement>;
    let error: unknown = null;
    await session.logIn('ada', 'secret-pw').catch((e) => (error = e));
    expect(String((error as Error | null)?.message ?? ''), 'log-in error').to.equal('');
    expect(session.authenticated).to.equal(true);
  });
});
