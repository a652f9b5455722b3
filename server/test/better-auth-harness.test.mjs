// The Better Auth harness (server/better-auth-harness.mjs) from Node:
// `node --test server/test/better-auth-harness.test.mjs`
//
// A browser page's requests made by hand through the proxy: an `Origin` header of the trusted page
// origin and the session cookie kept per "browser" (a tiny jar), as a page fetching with
// `credentials: 'include'` would send them.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';

import { startBetterAuth } from '../index.mjs';

const PAGE = 'http://localhost:8765';
const EVIL = 'http://evil.example';
const ada = { email: 'ada@example.test', password: 'lovelace-secret', name: 'Ada Lovelace', username: 'ada' };

/** One browser: its cookies for the server (name → value), sent back on every request. */
function browser(serverUrl, origin = PAGE) {
  /** @type {Map<string, string>} */
  const cookies = new Map();
  /**
   * @param {string} route e.g. '/get-session'
   * @param {{ method?: string, body?: unknown, headers?: Record<string, string> }} [init]
   */
  const call = async (route, { method = 'GET', body, headers = {} } = {}) => {
    const h = new Headers({ origin, ...headers });
    if (body !== undefined) h.set('content-type', 'application/json');
    if (cookies.size > 0) h.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(serverUrl + route, {
      method: body !== undefined ? 'POST' : method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const maxAge = attributes.find((a) => /^max-age=/i.test(a));
      if (pair.slice(eq + 1) === '' || maxAge === 'Max-Age=0') cookies.delete(pair.slice(0, eq));
      else cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const text = await res.text();
    return { res, status: res.status, json: text ? JSON.parse(text) : undefined, setCookie: res.headers.getSetCookie() };
  };
  return { call, cookies };
}

describe('Better Auth harness: better-auth behind the fault proxy', { timeout: 60_000 }, () => {
  /** @type {import('../better-auth-harness.mjs').BetterAuthHarness} */
  let ba;

  before(async () => {
    ba = await startBetterAuth({ trustedOrigins: [PAGE] });
  });
  after(async () => {
    await ba?.close();
  });
  beforeEach(() => {
    ba.resetState();
    ba.proxy.reset();
  });

  test('public URL is the proxy on localhost, with the base path', () => {
    assert.match(ba.serverUrl, /^http:\/\/localhost:\d+\/api\/auth$/);
    assert.equal(new URL(ba.serverUrl).port, String(ba.proxy.port));
    assert.match(ba.directUrl, /^http:\/\/127\.0\.0\.1:\d+\/api\/auth$/);
  });

  test('sign-up sets an httpOnly SameSite=Lax session cookie (not Secure) and signs in', async () => {
    const b = browser(ba.serverUrl);
    const up = await b.call('/sign-up/email', { body: ada });
    assert.equal(up.status, 200);
    assert.equal(up.json.user.email, ada.email);
    assert.equal(up.json.user.username, 'ada');
    assert.equal(typeof up.json.token, 'string', 'sign-up answers the session token in its JSON too');
    const [cookie] = up.setCookie;
    assert.match(cookie, /^better-auth\.session_token=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    const session = await b.call('/get-session');
    assert.equal(session.json.user.email, ada.email);
    assert.equal(session.json.session.userId, up.json.user.id);
    // The token is in get-session's JSON: a client must never store or expose it.
    assert.equal(session.json.session.token, up.json.token);
    // Better Auth's own rules: an existing email, a taken username.
    const again = await browser(ba.serverUrl).call('/sign-up/email', { body: { ...ada, username: 'ada2' } });
    assert.equal(again.status, 422);
    assert.equal(again.json.code, 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL');
    const taken = await browser(ba.serverUrl).call('/sign-up/email', { body: { ...ada, email: 'other@example.test' } });
    assert.equal(taken.status, 400);
    assert.equal(taken.json.code, 'USERNAME_IS_ALREADY_TAKEN');
  });

  test('sign-in by email and by username; a wrong password is 401 with a code', async () => {
    await ba.createUser(ada);
    assert.deepEqual(ba.sessionsOf('ada'), [], 'createUser leaves no session');
    const byEmail = await browser(ba.serverUrl).call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    assert.equal(byEmail.status, 200);
    assert.equal(byEmail.json.user.name, ada.name);
    const byName = await browser(ba.serverUrl).call('/sign-in/username', { body: { username: 'ADA', password: ada.password } });
    assert.equal(byName.status, 200);
    assert.equal(byName.json.user.email, ada.email);
    assert.equal(ba.sessionsOf(ada.email).length, 2);

    const wrong = await browser(ba.serverUrl).call('/sign-in/email', {
      body: { email: ada.email, password: 'not-the-password' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.code, 'INVALID_EMAIL_OR_PASSWORD');
    const wrongName = await browser(ba.serverUrl).call('/sign-in/username', {
      body: { username: 'ada', password: 'not-the-password' },
    });
    assert.equal(wrongName.status, 401);
    assert.equal(wrongName.json.code, 'INVALID_USERNAME_OR_PASSWORD');
  });

  test('get-session without a session is 200 null; list-sessions is 401 UNAUTHORIZED', async () => {
    const b = browser(ba.serverUrl);
    const session = await b.call('/get-session');
    assert.equal(session.status, 200);
    assert.equal(session.json, null);
    const list = await b.call('/list-sessions');
    assert.equal(list.status, 401);
    assert.equal(list.json.code, 'UNAUTHORIZED');
  });

  test('list-sessions shows a session signed in elsewhere; revoke-session ends it', async () => {
    await ba.createUser(ada);
    const b = browser(ba.serverUrl);
    await b.call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    const other = await ba.signInElsewhere({ emailOrUsername: 'ada', password: ada.password, userAgent: 'Phone/1.0' });
    const list = await b.call('/list-sessions');
    assert.equal(list.status, 200);
    assert.equal(list.json.length, 2);
    const listed = list.json.find((/** @type {any} */ s) => s.id === other.sessionId);
    assert.equal(listed.userAgent, 'Phone/1.0');
    assert.equal(typeof listed.token, 'string', 'list-sessions answers every session token too');
    assert.deepEqual(
      ba.sessionsOf('ada').map((s) => s.userAgent),
      ['node', 'Phone/1.0'],
    );

    // revoke-session takes the session's token (not its id), as list-sessions gives it.
    const revoked = await b.call('/revoke-session', { body: { token: listed.token } });
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.json, { status: true });
    assert.deepEqual(
      ba.sessionsOf('ada').map((s) => s.userAgent),
      ['node'],
    );
    // The other device's cookie now means nothing: 200 null, not 401.
    const theirs = await fetch(`${ba.serverUrl}/get-session`, { headers: { cookie: other.cookie } });
    assert.equal(theirs.status, 200);
    assert.equal(await theirs.json(), null);
  });

  test('revoke-other-sessions keeps only this one; revokeSessionById ends one server-side', async () => {
    await ba.createUser(ada);
    const b = browser(ba.serverUrl);
    const mine = await b.call('/sign-in/username', { body: { username: 'ada', password: ada.password } });
    await ba.signInElsewhere({ emailOrUsername: ada.email, password: ada.password, userAgent: 'Phone' });
    await ba.signInElsewhere({ emailOrUsername: 'ada', password: ada.password, userAgent: 'Tablet' });
    assert.equal(ba.sessionsOf('ada').length, 3);
    const others = await b.call('/revoke-other-sessions', { body: {} });
    assert.equal(others.status, 200);
    assert.deepEqual(others.json, { status: true });
    const left = ba.sessionsOf('ada');
    assert.equal(left.length, 1);
    assert.equal((await b.call('/get-session')).json.session.token, mine.json.token);

    assert.equal(ba.revokeSessionById(left[0].id), true);
    assert.equal(ba.revokeSessionById(left[0].id), false);
    assert.equal((await b.call('/get-session')).json, null);
  });

  test('sign-out clears the cookie and ends the session', async () => {
    await ba.createUser(ada);
    const b = browser(ba.serverUrl);
    await b.call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    const cookieBefore = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const out = await b.call('/sign-out', { body: {} });
    assert.equal(out.status, 200);
    assert.deepEqual(out.json, { success: true });
    assert.ok(out.setCookie.some((c) => c.startsWith('better-auth.session_token=; Max-Age=0')));
    assert.equal(b.cookies.size, 0);
    assert.deepEqual(ba.sessionsOf('ada'), []);
    const replay = await fetch(`${ba.serverUrl}/get-session`, { headers: { cookie: cookieBefore } });
    assert.equal(await replay.json(), null);
  });

  test('CORS with credentials for trusted origins only; preflights answered', async () => {
    const preflight = (/** @type {string} */ origin) =>
      fetch(`${ba.serverUrl}/sign-in/email`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const ok = await preflight(PAGE);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, POST');
    assert.equal(ok.headers.get('access-control-allow-headers'), 'content-type');
    assert.match(ok.headers.get('vary') ?? '', /Origin/);
    assert.equal(ba.proxy.preflights.length, 1, 'the proxy forwards preflights');

    const bad = await preflight(EVIL);
    assert.equal(bad.headers.get('access-control-allow-origin'), null);
    assert.equal(bad.headers.get('access-control-allow-credentials'), null);

    const get = await browser(ba.serverUrl).call('/get-session');
    assert.equal(get.res.headers.get('access-control-allow-origin'), PAGE);
    const foreign = await browser(ba.serverUrl, EVIL).call('/get-session');
    assert.equal(foreign.res.headers.get('access-control-allow-origin'), null);
    // 127.0.0.1 is another site than localhost: not trusted either.
    const ip = await browser(ba.serverUrl, PAGE.replace('localhost', '127.0.0.1')).call('/get-session');
    assert.equal(ip.res.headers.get('access-control-allow-origin'), null);
  });

  test("a POST with a foreign Origin is refused by Better Auth's own check (CSRF)", async () => {
    await ba.createUser(ada);
    const evil = await browser(ba.serverUrl, EVIL).call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    assert.equal(evil.status, 403);
    assert.equal(evil.json.code, 'INVALID_ORIGIN');
    assert.deepEqual(ba.sessionsOf('ada'), []);

    // With the victim's cookie: sign-out from a foreign page is refused too, the session stays.
    const b = browser(ba.serverUrl);
    await b.call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const forged = await fetch(`${ba.serverUrl}/sign-out`, {
      method: 'POST',
      headers: { origin: EVIL, cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(forged.status, 403);
    assert.equal((await forged.json()).code, 'INVALID_ORIGIN');
    assert.equal(ba.sessionsOf('ada').length, 1);
  });

  test('known gap, pinned: /sign-in/username from a foreign Origin without a cookie is not refused', async () => {
    // better-auth 1.7.25: /sign-in/email and /sign-up/email refuse any foreign Origin (their
    // Fetch Metadata "first login" CSRF check); the username plugin's endpoint has no such check,
    // so only the cookie-based Origin check applies, and a cookie-less sign-in goes through (login
    // CSRF). The page could not read the answer (no CORS for that origin). If this starts failing,
    // Better Auth closed the gap: update server/README.md.
    await ba.createUser(ada);
    const evil = await browser(ba.serverUrl, EVIL).call('/sign-in/username', {
      body: { username: 'ada', password: ada.password },
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
    });
    assert.equal(evil.status, 200);
    assert.equal(evil.res.headers.get('access-control-allow-origin'), null);
  });

  test('proxy faults are readable by the trusted page (credentialed CORS)', async () => {
    ba.proxy.setFault({ status: 503, path: '/api/auth/get-session', times: 1 });
    const faulted = await browser(ba.serverUrl).call('/get-session');
    assert.equal(faulted.status, 503);
    assert.equal(faulted.res.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(faulted.res.headers.get('access-control-allow-credentials'), 'true');
    assert.equal((await browser(ba.serverUrl).call('/get-session')).status, 200);
    assert.deepEqual(
      ba.proxy.requests.map((r) => [r.path, r.fault]),
      [
        ['/api/auth/get-session', 'status'],
        ['/api/auth/get-session', null],
      ],
    );
  });

  test('stop answers 502 through the proxy; start again keeps users and sessions', async () => {
    await ba.createUser(ada);
    const b = browser(ba.serverUrl);
    await b.call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    await ba.stop();
    assert.equal(ba.running(), false);
    const down = await b.call('/get-session');
    assert.equal(down.status, 502);
    assert.equal(down.res.headers.get('access-control-allow-origin'), PAGE);
    await ba.start();
    assert.equal(ba.running(), true);
    const up = await b.call('/get-session');
    assert.equal(up.json.user.email, ada.email);
  });

  test('resetState wipes users and sessions: the old cookie means nothing', async () => {
    await ba.createUser(ada);
    const b = browser(ba.serverUrl);
    await b.call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    ba.resetState();
    assert.equal((await b.call('/get-session')).json, null);
    assert.deepEqual(ba.sessionsOf('ada'), []);
    const signIn = await browser(ba.serverUrl).call('/sign-in/email', { body: { email: ada.email, password: ada.password } });
    assert.equal(signIn.status, 401);
    // The same user can be created again.
    await ba.createUser(ada);
  });

  test('trusted origins can be changed at run time', async () => {
    const later = 'http://localhost:9999';
    assert.equal((await browser(ba.serverUrl, later).call('/get-session')).res.headers.get('access-control-allow-origin'), null);
    ba.setTrustedOrigins([PAGE, later]);
    try {
      await ba.createUser(ada);
      const ok = await browser(ba.serverUrl, later).call('/sign-in/email', {
        body: { email: ada.email, password: ada.password },
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.res.headers.get('access-control-allow-origin'), later);
    } finally {
      ba.setTrustedOrigins([PAGE]);
    }
    assert.throws(() => ba.setTrustedOrigins(['http://localhost:1/path']), TypeError);
  });
});

describe('Better Auth harness with cheapPasswordHashing (the test runner plugin)', { timeout: 60_000 }, () => {
  test('the right password signs in, a wrong or truncated one is 401; the stored hash is scrypt at N = 2^10', async () => {
    const ba = await startBetterAuth({ trustedOrigins: [PAGE], cheapPasswordHashing: true });
    try {
      await ba.createUser(ada);
      const signIn = (password) => browser(ba.serverUrl).call('/sign-in/email', { body: { email: ada.email, password } });
      assert.deepEqual(
        [
          (await signIn(ada.password)).status,
          (await signIn('not-the-password')).status,
          (await signIn(ada.password.slice(0, -1))).status,
        ],
        [200, 401, 401],
      );
      const { password: hash } = ba.db.prepare("SELECT password FROM account WHERE providerId = 'credential'").get();
      // The cheap cost was used: the key is scrypt at N = 2^10 of the password with the stored salt.
      const [salt, key] = hash.split(':');
      const cheapKey = scryptSync(ada.password.normalize('NFKC'), salt, 64, { N: 1024, r: 16, p: 1 }).toString('hex');
      assert.equal(key, cheapKey);
      assert.ok(!hash.includes(ada.password));
    } finally {
      await ba.close();
    }
  });
});
