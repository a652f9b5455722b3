// The OIDC harness (server/oidc-harness.mjs) from Node: `node --test server/test/oidc-harness.test.mjs`
//
// A browser's journey done by hand with oauth4webapi and fetch (cookies kept by a tiny jar):
// discovery through the proxy, an authorization request with PKCE, the login page, the form
// POST, the redirect with the code, the code exchange, refresh (rotated, reuse refused),
// revocation, RP-initiated logout, refused redirect URIs, the settable access-token TTL, a proxy
// fault, and the provider stopped and started again behind the running proxy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';

import { startOidcProvider } from '../index.mjs';

const insecure = { [oauth.allowInsecureRequests]: true };
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cookies a browser would keep for the provider (one host; name + path, no expiry rules beyond deletion). */
class CookieJar {
  /** @type {Map<string, { name: string, value: string, path: string, raw: string }>} */
  cookies = new Map();
  /** @param {Response} res */
  take(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const expires = attributes.find((a) => /^expires=/i.test(a))?.slice(8);
      const key = `${name} ${path}`;
      if (value === '' || (expires && Date.parse(expires) <= Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path, raw: line });
    }
  }
  /** @param {string} url */
  header(url) {
    const { pathname } = new URL(url);
    return [...this.cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/**
 * A browser-ish request: cookies from and into `jar`, no redirect followed.
 * @param {CookieJar} jar @param {string} url @param {RequestInit} [init]
 */
async function visit(jar, url, init = {}) {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('Cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.take(res);
  return res;
}

/**
 * Follows redirects (GET) from `url` until one leaves the issuer or a page is answered.
 * @param {CookieJar} jar @param {string} issuer @param {string} url
 * @returns {Promise<{ res: Response, url: string }>} the last answer (a page, or the redirect out) and its URL
 */
async function follow(jar, issuer, url) {
  let current = url;
  for (let i = 0; i < 10; i++) {
    const res = await visit(jar, current);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status > 399 || !location) return { res, url: current };
    const next = new URL(location, current).href;
    if (!next.startsWith(`${issuer}/`)) return { res, url: next };
    await res.arrayBuffer();
    current = next;
  }
  throw new Error('too many redirects');
}

describe('OIDC harness: oidc-provider behind the fault proxy', { timeout: 60_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startOidcProvider>>} */
  let op;
  /** @type {oauth.AuthorizationServer} */
  let as;
  /** @type {oauth.Client} */
  let client;
  const clientAuth = oauth.None();
  const redirectUri = 'http://localhost:5173/callback';
  /** Filled by the code flow, used by later tests. */
  const flow = { jar: new CookieJar(), refreshToken: '', accessToken: '', idToken: '' };

  /**
   * An authorization request with PKCE, the login form posted, and the redirect back with a code.
   * @param {CookieJar} jar
   * @param {{ login?: string, password?: string, redirect?: string, extra?: Record<string, string> }} [options]
   */
  async function signIn(jar, { login = 'ada', password = 'lovelace-secret', redirect = redirectUri, extra = {} } = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorize = new URL(/** @type {string} */ (as.authorization_endpoint));
    for (const [k, v] of Object.entries({
      client_id: client.client_id,
      redirect_uri: redirect,
      response_type: 'code',
      scope: 'openid profile email',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...extra,
    })) {
      authorize.searchParams.set(k, v);
    }
    const page = await follow(jar, op.issuer, authorize.href);
    assert.equal(page.res.status, 200, 'the login page');
    const html = await page.res.text();
    const uid = /"type":"oidc-login-page","uid":"([^"]+)"/.exec(html)?.[1];
    assert.ok(uid && page.url === `${op.issuer}/interaction/${uid}`, `login page at /interaction/<uid>: ${page.url}`);
    const posted = await visit(jar, `${op.issuer}/interaction/${uid}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }),
    });
    if (posted.status === 200) return { uid, loginPage: await posted.text() }; // wrong password: the form again
    assert.equal(posted.status, 303, 'the form answers 303 to the authorization endpoint');
    const back = await follow(jar, op.issuer, new URL(/** @type {string} */ (posted.headers.get('location')), op.issuer).href);
    assert.equal(back.res.status, 303);
    const callback = new URL(back.url);
    assert.equal(`${callback.origin}${callback.pathname}`, redirect, 'back at the redirect_uri');
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirect, verifier, insecure);
    const result = await oauth.processAuthorizationCodeResponse(as, client, response);
    return { uid, result, callback };
  }

  before(async () => {
    const t0 = performance.now();
    op = await startOidcProvider();
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < 5000, `starts fast (${Math.round(elapsed)} ms)`);
    client = { client_id: op.clientId };
  });

  after(async () => {
    await op?.stop();
  });

  test('discovery through the proxy: the issuer is the proxy, every endpoint on it', async () => {
    assert.match(op.issuer, /^http:\/\/localhost:\d+$/);
    assert.equal(op.issuer, `http://localhost:${op.proxy.port}`);
    const issuerURL = new URL(op.issuer);
    as = await oauth.processDiscoveryResponse(
      issuerURL,
      await oauth.discoveryRequest(issuerURL, { algorithm: 'oidc', ...insecure }),
    );
    assert.equal(as.issuer, op.issuer);
    assert.deepEqual(
      {
        authorization: as.authorization_endpoint,
        token: as.token_endpoint,
        userinfo: as.userinfo_endpoint,
        revocation: as.revocation_endpoint,
        end_session: as.end_session_endpoint,
        jwks: as.jwks_uri,
      },
      {
        authorization: `${op.issuer}/auth`,
        token: `${op.issuer}/token`,
        userinfo: `${op.issuer}/me`,
        revocation: `${op.issuer}/revoke`,
        end_session: `${op.issuer}/session/end`,
        jwks: `${op.issuer}/jwks`,
      },
    );
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
    assert.ok(op.proxy.requests.some((r) => r.path === '/.well-known/openid-configuration' && r.fault === null));
  });

  test('a wrong password shows the form again with an error (and tells the driver)', async () => {
    const jar = new CookieJar();
    const answer = await signIn(jar, { password: 'not-it' });
    assert.ok('loginPage' in answer);
    assert.match(answer.loginPage, /Wrong login or password\./);
    assert.ok(answer.loginPage.includes(`{"type":"oidc-login-page","uid":"${answer.uid}","error":"Wrong login or password."}`));
  });

  test('the login page: labelled inputs, the client name, frameable, the postMessage driver', async () => {
    const jar = new CookieJar();
    const authorize = new URL(/** @type {string} */ (as.authorization_endpoint));
    authorize.search = new URLSearchParams({
      client_id: op.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const { res } = await follow(jar, op.issuer, authorize.href);
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('x-frame-options'), null, 'no X-Frame-Options');
    assert.equal(res.headers.get('content-security-policy'), null, 'no CSP (frame-ancestors)');
    assert.match(html, /<label for="login">[^<]+<\/label>\s*<input id="login" name="login"/);
    assert.match(html, /<label for="password">[^<]+<\/label>\s*<input id="password" name="password" type="password"/);
    assert.match(html, /<button type="submit">/);
    assert.match(html, /Demo SPA/);
    assert.match(html, /addEventListener\('message'/);
    // The provider's cookies: SameSite=Lax and no Secure (http), so a same-site frame keeps them.
    const cookies = [...jar.cookies.values()].map((c) => c.raw);
    assert.ok(cookies.length >= 2, JSON.stringify(cookies));
    for (const raw of cookies) {
      assert.match(raw, /samesite=lax/i);
      assert.doesNotMatch(raw, /;\s*secure/i);
    }
  });

  test('the code flow: PKCE, login, code, tokens with the profile and email claims, userinfo', async () => {
    const answer = await signIn(flow.jar);
    assert.ok('result' in answer && answer.result);
    const { result, callback } = answer;
    assert.equal(callback.searchParams.get('iss'), op.issuer, 'RFC 9207 iss in the redirect');
    assert.equal(result.token_type.toLowerCase(), 'bearer');
    assert.equal(result.expires_in, 300);
    assert.ok(result.refresh_token, 'a refresh token without prompt=consent or offline_access');
    const claims = /** @type {oauth.IDToken} */ (oauth.getValidatedIdTokenClaims(result));
    assert.equal(claims.iss, op.issuer);
    assert.equal(claims.aud, op.clientId);
    assert.equal(claims.sub, 'user-ada');
    assert.equal(claims.email, 'ada@example.test');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.name, 'Ada Lovelace');
    assert.equal(claims.preferred_username, 'ada');
    flow.refreshToken = /** @type {string} */ (result.refresh_token);
    flow.accessToken = result.access_token;
    flow.idToken = /** @type {string} */ (result.id_token);

    const info = await oauth.processUserInfoResponse(
      as,
      client,
      'user-ada',
      await oauth.userInfoRequest(as, client, flow.accessToken, { ...insecure, headers: { Origin: 'http://localhost:5173' } }),
    );
    assert.deepEqual(
      { ...info },
      { sub: 'user-ada', email: 'ada@example.test', email_verified: true, name: 'Ada Lovelace', preferred_username: 'ada' },
    );
  });

  test('CORS: the token endpoint answers a page on any localhost port (preflight from the provider itself)', async () => {
    const origin = 'http://localhost:61234';
    const pre = await fetch(as.token_endpoint, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'dpop' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    assert.equal(pre.headers.get('access-control-allow-headers'), 'dpop');
    assert.ok(
      op.proxy.preflights.some((r) => r.path === '/token'),
      'counted as a preflight',
    );
    const res = await fetch(as.token_endpoint, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: op.clientId }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    assert.equal((await res.json()).error, 'invalid_grant');
  });

  test('refresh: a new refresh token each time; the used one then gives invalid_grant', async () => {
    const first = flow.refreshToken;
    const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, first, insecure);
    const result = await oauth.processRefreshTokenResponse(as, client, response);
    assert.ok(result.refresh_token && result.refresh_token !== first, 'rotated');
    assert.ok(result.access_token && result.access_token !== flow.accessToken);
    assert.equal(oauth.getValidatedIdTokenClaims(result)?.sub, 'user-ada');
    await assert.rejects(
      async () =>
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, clientAuth, first, insecure),
        ),
      (/** @type {any} */ error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant',
    );
    // Reuse detection: the reuse revoked the whole grant, the new refresh token too.
    await assert.rejects(
      async () =>
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, clientAuth, /** @type {string} */ (result.refresh_token), insecure),
        ),
      (/** @type {any} */ error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant',
    );
  });

  test('revocation (RFC 7009) of the refresh token makes it unusable', async () => {
    const jar = new CookieJar();
    const answer = await signIn(jar, { login: 'grace', password: 'hopper-secret' });
    assert.ok('result' in answer && answer.result);
    const token = /** @type {string} */ (answer.result.refresh_token);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, token, {
        ...insecure,
        additionalParameters: { token_type_hint: 'refresh_token' },
      }),
    );
    assert.ok(op.proxy.requests.some((r) => r.method === 'POST' && r.path === '/revoke'));
    await assert.rejects(
      async () =>
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, clientAuth, token, insecure),
        ),
      (/** @type {any} */ error) => error.error === 'invalid_grant',
    );
  });

  test('redirect URIs: any http://localhost or 127.0.0.1 port; any other host refused', async () => {
    const jar = new CookieJar();
    const other = await signIn(jar, { redirect: 'http://127.0.0.1:40999/some/page' });
    assert.ok('result' in other && other.result?.access_token, 'a 127.0.0.1 page on another port');
    for (const evil of [
      'http://evil.example/cb',
      'https://localhost:5173/callback',
      'http://localhost.evil.example/cb',
      'http://user@localhost:5173/cb',
    ]) {
      const url = new URL(/** @type {string} */ (as.authorization_endpoint));
      url.search = new URLSearchParams({
        client_id: op.clientId,
        redirect_uri: evil,
        response_type: 'code',
        scope: 'openid',
        code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
        code_challenge_method: 'S256',
      }).toString();
      const res = await visit(new CookieJar(), url.href);
      const html = await res.text();
      assert.equal(res.status, 400, evil);
      assert.equal(res.headers.get('location'), null, `no redirect to ${evil}`);
      assert.match(html, /invalid_redirect_uri/);
      assert.match(html, /"type":"oidc-error-page","error":"invalid_redirect_uri"/);
    }
  });

  test('setAccessTokenTtl(1): expires_in 1 on the next tokens; the access token then expires', async () => {
    const jar = new CookieJar();
    op.setAccessTokenTtl(1);
    try {
      const answer = await signIn(jar);
      assert.ok('result' in answer && answer.result);
      assert.equal(answer.result.expires_in, 1);
      const refreshed = await oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(
          as,
          client,
          clientAuth,
          /** @type {string} */ (answer.result.refresh_token),
          insecure,
        ),
      );
      assert.equal(refreshed.expires_in, 1);
      await sleep(2100);
      const res = await oauth.userInfoRequest(as, client, refreshed.access_token, insecure);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
    } finally {
      op.setAccessTokenTtl(300);
    }
    assert.throws(() => op.setAccessTokenTtl(0), TypeError);
  });

  test('a proxy fault on /token reaches the client; the refresh token was not used up', async () => {
    const jar = new CookieJar();
    const answer = await signIn(jar);
    assert.ok('result' in answer && answer.result);
    const token = /** @type {string} */ (answer.result.refresh_token);
    op.proxy.setFault({ status: 503, path: '/token', times: 1 });
    const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth, token, insecure);
    assert.equal(res.status, 503);
    assert.equal(op.proxy.requests.at(-1)?.fault, 'status');
    const again = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, token, insecure),
    );
    assert.ok(again.access_token);
  });

  test('RP-initiated logout: the confirm form submits itself, the grant is revoked, back to the page', async () => {
    const jar = new CookieJar();
    const answer = await signIn(jar);
    assert.ok('result' in answer && answer.result);
    const url = new URL(/** @type {string} */ (as.end_session_endpoint));
    url.search = new URLSearchParams({
      id_token_hint: /** @type {string} */ (answer.result.id_token),
      post_logout_redirect_uri: 'http://localhost:5173/signed-out',
      state: 'bye',
    }).toString();
    const page = await visit(jar, url.href);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('x-frame-options'), null);
    assert.match(html, /document\.getElementById\('op\.logoutForm'\)\.submit\(\)/, 'auto-submits');
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
    const form = new URLSearchParams(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]),
    );
    assert.equal(form.get('logout'), 'yes');
    assert.ok(action && form.get('xsrf'));
    const confirmed = await visit(jar, /** @type {string} */ (action), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.headers.get('location'), 'http://localhost:5173/signed-out?state=bye');
    await assert.rejects(
      async () =>
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(
            as,
            client,
            clientAuth,
            /** @type {string} */ (answer.result.refresh_token),
            insecure,
          ),
        ),
      (/** @type {any} */ error) => error.error === 'invalid_grant',
      'logout revoked the grant',
    );
    // Without a post_logout_redirect_uri: the provider's own "Signed out" page.
    const done = await visit(jar, `${op.issuer}/session/end/success`);
    assert.match(await done.text(), /Signed out of the provider/);
    // Another host as post_logout_redirect_uri: refused.
    const evil = new URL(/** @type {string} */ (as.end_session_endpoint));
    evil.search = new URLSearchParams({ client_id: op.clientId, post_logout_redirect_uri: 'http://evil.example/bye' }).toString();
    const refused = await visit(jar, evil.href);
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get('location'), null);
  });

  test('the provider stopped: the proxy answers 502; started again: same port, same state', async () => {
    const jar = new CookieJar();
    const answer = await signIn(jar);
    assert.ok('result' in answer && answer.result);
    const token = /** @type {string} */ (answer.result.refresh_token);
    await op.stopProvider();
    assert.equal(op.providerRunning(), false);
    const down = await fetch(`${op.issuer}/.well-known/openid-configuration`);
    assert.equal(down.status, 502);
    assert.match((await down.json()).error, /ECONNREFUSED/);
    const refresh = await oauth.refreshTokenGrantRequest(as, client, clientAuth, token, insecure);
    assert.equal(refresh.status, 502);
    await op.startProvider();
    await op.startProvider(); // no-op when running
    assert.equal(op.providerRunning(), true);
    const up = await fetch(`${op.issuer}/.well-known/openid-configuration`);
    assert.equal(up.status, 200);
    assert.equal((await up.json()).issuer, op.issuer);
    const result = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, token, insecure),
    );
    assert.ok(result.access_token, 'the refresh token still works: the state survived');
    // The login session too: prompt=none gets a code without the login page.
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(/** @type {string} */ (as.authorization_endpoint));
    url.search = new URLSearchParams({
      client_id: op.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const silent = await follow(jar, op.issuer, url.href);
    assert.ok(new URL(silent.url).searchParams.get('code'), `a code: ${silent.url}`);
  });

  test('prompt=none without a session: login_required to the redirect_uri; resetState() forgets sessions and tokens', async () => {
    const jar = new CookieJar();
    const answer = await signIn(jar);
    assert.ok('result' in answer && answer.result);
    op.resetState();
    const url = new URL(/** @type {string} */ (as.authorization_endpoint));
    url.search = new URLSearchParams({
      client_id: op.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
      state: 's1',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const silent = await follow(jar, op.issuer, url.href);
    const back = new URL(silent.url);
    assert.equal(back.searchParams.get('error'), 'login_required');
    assert.equal(back.searchParams.get('state'), 's1');
    await assert.rejects(
      async () =>
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(
            as,
            client,
            clientAuth,
            /** @type {string} */ (answer.result.refresh_token),
            insecure,
          ),
        ),
      (/** @type {any} */ error) => error.error === 'invalid_grant',
    );
  });
});
