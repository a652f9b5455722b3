// The real Better Auth server (scripts/wtr-better-auth-plugin.mjs) from a real page: plain fetch
// with `credentials: 'include'` against http://localhost:<proxy port>/api/auth, cross-origin but
// same-site with the page, so the httpOnly SameSite=Lax session cookie goes along in every engine.
import { expect } from '@open-wc/testing';
import {
  betterAuthConfig,
  betterAuthFault,
  betterAuthProxyReset,
  betterAuthRequests,
  call,
  createUser,
  resetBetterAuth,
  revokeSessionById,
  sessionsOf,
  signInElsewhere,
  startBetterAuth,
  stopBetterAuth,
} from './better-auth-server.js';

interface User {
  id: string;
  email: string;
  name: string;
  username?: string | null;
}
interface Session {
  id: string;
  token: string;
  userId: string;
  userAgent: string | null;
}

const ada = { email: 'ada@example.test', password: 'lovelace-secret', name: 'Ada Lovelace', username: 'ada' };
const getSession = () => call<{ session: Session; user: User } | null>('/get-session');

describe('Better Auth server from the browser', () => {
  beforeEach(async () => {
    await resetBetterAuth();
    await betterAuthProxyReset();
  });
  after(async () => {
    await betterAuthFault(null);
    await resetBetterAuth();
  });

  it('is on localhost, same-site with this page', async () => {
    const { serverUrl } = await betterAuthConfig();
    const url = new URL(serverUrl);
    expect(url.hostname).to.equal(location.hostname);
    expect(url.origin).not.to.equal(location.origin);
    expect(url.pathname).to.equal('/api/auth');
  });

  it('signs up, and get-session returns the user; the cookie is out of the page’s reach', async () => {
    const up = await call<{ token: string; user: User }>('/sign-up/email', ada);
    expect(up.status).to.equal(200);
    expect(up.json.user.email).to.equal(ada.email);
    const session = await getSession();
    expect(session.status).to.equal(200);
    expect(session.json?.user.email).to.equal(ada.email);
    expect(session.json?.user.username).to.equal('ada');
    expect(session.json?.session.userAgent).to.equal(navigator.userAgent);
    expect(document.cookie).not.to.include('better-auth');
  });

  it('signs in by email and by username', async () => {
    await createUser(ada);
    expect((await getSession()).json).to.equal(null);
    const byEmail = await call<{ user: User }>('/sign-in/email', { email: ada.email, password: ada.password });
    expect(byEmail.status).to.equal(200);
    expect((await getSession()).json?.user.email).to.equal(ada.email);
    expect((await call('/sign-out', {})).status).to.equal(200);
    expect((await getSession()).json).to.equal(null);

    const byName = await call<{ user: User }>('/sign-in/username', { username: 'ada', password: ada.password });
    expect(byName.status).to.equal(200);
    expect((await getSession()).json?.user.name).to.equal(ada.name);

    const wrong = await call<{ code: string }>('/sign-in/email', { email: ada.email, password: 'not-it' });
    expect(wrong.status).to.equal(401);
    expect(wrong.json.code).to.equal('INVALID_EMAIL_OR_PASSWORD');
  });

  it('lists a session made elsewhere, revokes it, then signs out', async () => {
    await createUser(ada);
    await call('/sign-in/email', { email: ada.email, password: ada.password });
    const { sessionId } = await signInElsewhere({ emailOrUsername: 'ada', password: ada.password, userAgent: 'Phone/1.0' });

    const list = await call<Session[]>('/list-sessions');
    expect(list.status).to.equal(200);
    expect(list.json.map((s) => s.userAgent)).to.have.members([navigator.userAgent, 'Phone/1.0']);
    const other = list.json.find((s) => s.id === sessionId);
    expect(other, 'the other device is listed').to.exist;

    // revoke-session takes the other session's token, as list-sessions gives it.
    const revoked = await call<{ status: boolean }>('/revoke-session', { token: other?.token });
    expect(revoked.status).to.equal(200);
    expect(revoked.json).to.deep.equal({ status: true });
    expect((await sessionsOf('ada')).map((s) => s.id)).not.to.include(sessionId);
    expect((await call<Session[]>('/list-sessions')).json).to.have.length(1);

    const out = await call<{ success: boolean }>('/sign-out', {});
    expect(out.json).to.deep.equal({ success: true });
    expect((await getSession()).json).to.equal(null);
    expect(await sessionsOf('ada')).to.deep.equal([]);
    expect((await call<{ code: string }>('/list-sessions')).json.code).to.equal('UNAUTHORIZED');
  });

  it('sees a server-side revocation of its own session at once', async () => {
    await createUser(ada);
    await call('/sign-in/username', { username: 'ada', password: ada.password });
    const [mine] = await sessionsOf('ada');
    expect(await revokeSessionById(mine.id)).to.equal(true);
    const session = await getSession();
    expect(session.status).to.equal(200);
    expect(session.json).to.equal(null);
  });

  it('gets the proxy’s faults: a readable 503, and a dropped connection as a TypeError', async () => {
    await betterAuthFault({ status: 503, path: '/api/auth/get-session', times: 1 });
    const faulted = await getSession();
    expect(faulted.status).to.equal(503);
    expect((await getSession()).status).to.equal(200);

    // Not `times: 1`: a browser retries a request once when a reused keep-alive connection closes.
    await betterAuthFault({ drop: true, path: '/api/auth/get-session' });
    let error: unknown;
    try {
      await getSession();
    } catch (e) {
      error = e;
    } finally {
      await betterAuthFault(null);
    }
    expect(error).to.be.instanceOf(TypeError);
    const { requests } = await betterAuthRequests();
    expect(requests.slice(0, 2).map((r) => r.fault)).to.deep.equal(['status', null]);
    expect(requests.slice(2).every((r) => r.fault === 'drop')).to.equal(true);
  });

  it('keeps the session across a server stop and start', async () => {
    await createUser(ada);
    await call('/sign-in/email', { email: ada.email, password: ada.password });
    await stopBetterAuth();
    try {
      expect((await getSession()).status).to.equal(502);
    } finally {
      await startBetterAuth();
    }
    expect((await getSession()).json?.user.email).to.equal(ada.email);
  });
});
