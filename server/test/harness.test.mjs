// Node's built-in test runner: `node --test server/test/`
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { startParseServer, startFaultProxy } from '../index.mjs';

const harnessURL = new URL('../parse-harness.mjs', import.meta.url).href;

/**
 * One REST call the way a browser page would make it.
 * @param {string} serverURL
 * @param {string} appId
 * @param {string} route e.g. '/users/me'
 * @param {{ method?: string, body?: unknown, token?: string }} [init]
 */
async function api(serverURL, appId, route, { method = 'GET', body, token } = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'X-Parse-Application-Id': appId };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['X-Parse-Session-Token'] = token;
  const res = await fetch(serverURL + route, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/**
 * PIDs of `postgres` processes whose parent is `ppid`.
 * @param {number} ppid
 */
function postgresChildrenOf(ppid) {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(ppid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when nothing matches
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, comm]) => pid && comm === 'postgres')
    .map(([pid]) => Number(pid));
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a small ESM script in a child Node process.
 * @param {string} source
 * @param {(child: import('node:child_process').ChildProcess, stdout: () => string) => void} [onSpawn]
 */
function runNode(source, onSpawn) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onSpawn?.(child, () => stdout);
  });
}

/** The bcrypt hash Parse stored for `username`, read from its PostgreSQL with Parse's own `pg`. */
async function storedPasswordHash(databaseURI, username) {
  const require = createRequire(import.meta.url);
  const { Client } = createRequire(require.resolve('parse-server'))('pg');
  const client = new Client({ connectionString: databaseURI });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT "_hashed_password" FROM "_User" WHERE username = $1', [username]);
    return rows[0]?._hashed_password;
  } finally {
    await client.end();
  }
}

describe('Parse harness: one server', () => {
  /** @type {Awaited<ReturnType<typeof startParseServer>>} */
  let parse;
  before(async () => {
    parse = await startParseServer();
  });
  after(async () => {
    await parse?.stop();
  });

  test('returns its URL, keys and database', () => {
    assert.match(parse.serverURL, /^http:\/\/127\.0\.0\.1:\d+\/parse$/);
    assert.equal(parse.serverURL, `http://127.0.0.1:${parse.port}/parse`);
    assert.equal(parse.appId, 'demo-app');
    assert.ok(parse.masterKey.length >= 16);
    assert.match(parse.databaseURI, /^postgres:\/\/.*@127\.0\.0\.1:\d+\/parse$/);
    assert.equal(parse.embeddedPostgres, true);
    assert.equal(postgresChildrenOf(process.pid).length, 1);
    assert.equal(existsSync('logs'), false, 'Parse must not write ./logs');
  });

  test('sign up, log in, /users/me, sessions, log out, old token refused (209)', async () => {
    const { serverURL, appId } = parse;
    const signUp = await api(serverURL, appId, '/users', {
      method: 'POST',
      body: { username: 'alice', password: 's3cret!', email: 'alice@example.com' },
    });
    assert.equal(signUp.status, 201);
    assert.match(signUp.json.sessionToken, /^r:/);
    assert.equal(signUp.headers.get('access-control-allow-origin'), '*');

    const dup = await api(serverURL, appId, '/users', {
      method: 'POST',
      body: { username: 'alice', password: 'x' },
    });
    assert.equal(dup.status, 400);
    assert.equal(dup.json.code, 202);

    const badLogin = await api(serverURL, appId, '/login', {
      method: 'POST',
      body: { username: 'alice', password: 'wrong' },
    });
    assert.equal(badLogin.status, 404);
    assert.equal(badLogin.json.code, 101);

    const login = await api(serverURL, appId, '/login', {
      method: 'POST',
      body: { username: 'alice', password: 's3cret!' },
    });
    assert.equal(login.status, 200);
    const token = login.json.sessionToken;
    assert.match(token, /^r:/);
    assert.notEqual(token, signUp.json.sessionToken);

    const me = await api(serverURL, appId, '/users/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.json.username, 'alice');
    assert.equal(me.json.objectId, signUp.json.objectId);

    // Two sessions (sign-up + log-in); revoke the sign-up one with the log-in token.
    const sessions = await api(serverURL, appId, '/sessions', { token });
    assert.equal(sessions.status, 200);
    assert.equal(sessions.json.results.length, 2);
    const other = sessions.json.results.find((/** @type {any} */ s) => s.sessionToken !== token);
    const revoke = await api(serverURL, appId, `/sessions/${other.objectId}`, {
      method: 'DELETE',
      token,
    });
    assert.equal(revoke.status, 200);
    const revokedMe = await api(serverURL, appId, '/users/me', { token: signUp.json.sessionToken });
    assert.equal(revokedMe.status, 400);
    assert.equal(revokedMe.json.code, 209);

    const logout = await api(serverURL, appId, '/logout', { method: 'POST', token });
    assert.equal(logout.status, 200);
    assert.deepEqual(logout.json, {});

    const after = await api(serverURL, appId, '/users/me', { token });
    assert.equal(after.status, 400);
    assert.equal(after.json.code, 209);
    assert.equal(after.json.error, 'Invalid session token');

    const logoutAgain = await api(serverURL, appId, '/logout', { method: 'POST', token });
    assert.equal(logoutAgain.status, 400);
    assert.equal(logoutAgain.json.code, 209);
  });

  test('the master key works from loopback', async () => {
    const res = await fetch(`${parse.serverURL}/users?where=${encodeURIComponent('{"username":"alice"}')}`, {
      headers: { 'X-Parse-Application-Id': parse.appId, 'X-Parse-Master-Key': parse.masterKey },
    });
    const json = await res.json();
    assert.equal(res.status, 200, JSON.stringify(json));
    assert.equal(json.results.length, 1);
    assert.equal(json.results[0].email, 'alice@example.com', 'the master key sees protected fields');
  });

  test('CORS preflight from another origin is allowed by Parse itself', async () => {
    const res = await fetch(`${parse.serverURL}/logout`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:8000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-parse-application-id,x-parse-session-token',
      },
    });
    await res.arrayBuffer();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  describe('fault proxy', () => {
    /** @type {Awaited<ReturnType<typeof startFaultProxy>>} */
    let proxy;
    let proxyURL = '';
    let token = '';
    before(async () => {
      proxy = await startFaultProxy({ target: parse.serverURL });
      proxyURL = `${proxy.url}/parse`;
      const su = await api(parse.serverURL, parse.appId, '/users', {
        method: 'POST',
        body: { username: 'bob', password: 'pw' },
      });
      token = su.json.sessionToken;
    });
    after(async () => {
      await proxy?.close();
    });

    test('url is an origin; pass-through works and is counted', async () => {
      assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      proxy.reset();
      const me = await api(proxyURL, parse.appId, '/users/me', { token });
      assert.equal(me.status, 200);
      assert.equal(me.json.username, 'bob');
      assert.equal(me.headers.get('access-control-allow-origin'), '*');
      const login = await api(proxyURL, parse.appId, '/login', {
        method: 'POST',
        body: { username: 'bob', password: 'pw' },
      });
      assert.equal(login.status, 200);
      assert.deepEqual(
        proxy.requests.map((r) => [r.method, r.path, r.fault]),
        [
          ['GET', '/parse/users/me', null],
          ['POST', '/parse/login', null],
        ],
      );
      assert.equal(proxy.requests[0].headers['x-parse-session-token'], token);
    });

    test('answers CORS preflights itself, not counted as requests', async () => {
      proxy.reset();
      proxy.setFault({ status: 500 }); // must not affect preflights
      const res = await fetch(`${proxyURL}/logout`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:8000',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'x-parse-application-id,x-parse-session-token,content-type',
        },
      });
      await res.arrayBuffer();
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const allowHeaders = res.headers.get('access-control-allow-headers').toLowerCase();
      for (const h of [
        'x-parse-application-id',
        'x-parse-session-token',
        'x-parse-javascript-key',
        'x-parse-installation-id',
        'content-type',
      ]) {
        assert.ok(allowHeaders.includes(h), `allow-headers has ${h}`);
      }
      const allowMethods = res.headers.get('access-control-allow-methods');
      for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']) assert.ok(allowMethods.includes(m));
      assert.equal(proxy.requests.length, 0);
      assert.equal(proxy.preflights.length, 1);
      proxy.setFault(null);
    });

    test('status 500 without forwarding, readable cross-origin', async () => {
      proxy.reset();
      proxy.setFault({ status: 500 });
      const res = await api(proxyURL, parse.appId, '/logout', { method: 'POST', token });
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(typeof res.json.error, 'string');
      assert.equal(proxy.requests.at(-1).fault, 'status');
      // Not forwarded: the session is still valid.
      proxy.setFault(null);
      const me = await api(proxyURL, parse.appId, '/users/me', { token });
      assert.equal(me.status, 200);

      proxy.setFault({ status: 503, body: 'upstream unavailable', contentType: 'text/plain' });
      const custom = await api(proxyURL, parse.appId, '/users/me', { token });
      assert.equal(custom.status, 503);
      assert.equal(custom.text, 'upstream unavailable');
      proxy.setFault(null);
    });

    test('a fault limited to a path prefix, method and number of times', async () => {
      proxy.reset();
      proxy.setFault({ status: 500, path: '/parse/logout', method: 'POST', times: 1 });
      const me = await api(proxyURL, parse.appId, '/users/me', { token });
      assert.equal(me.status, 200, 'other paths pass through');
      const first = await api(proxyURL, parse.appId, '/logout', { method: 'POST', token });
      assert.equal(first.status, 500);
      assert.equal(proxy.getFault(), null, 'times: 1 clears the fault after one use');
      assert.deepEqual(
        proxy.requests.map((r) => [r.path, r.fault]),
        [
          ['/parse/users/me', null],
          ['/parse/logout', 'status'],
        ],
      );
    });

    test('delay forwards after the delay', async () => {
      proxy.reset();
      proxy.setFault({ delayMs: 300 });
      const t0 = performance.now();
      const me = await api(proxyURL, parse.appId, '/users/me', { token });
      const elapsed = performance.now() - t0;
      assert.equal(me.status, 200);
      assert.ok(elapsed >= 290, `took ${elapsed} ms`);
      assert.equal(proxy.requests.at(-1).delayMs, 300);
      proxy.setFault(null);
    });

    test('hold keeps requests until release(), then forwards them; later ones wait again', async () => {
      proxy.reset();
      proxy.setFault({ hold: true, path: '/parse/users/me' });
      let answered = 0;
      const first = api(proxyURL, parse.appId, '/users/me', { token }).finally(() => answered++);
      const second = api(proxyURL, parse.appId, '/users/me', { token }).finally(() => answered++);
      while (proxy.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(answered, 0, 'nothing answered while held');
      const other = await api(proxyURL, parse.appId, '/health');
      assert.equal(other.status, 200, 'a request the fault does not match goes through');
      assert.equal(proxy.release(), 2);
      assert.equal((await first).status, 200);
      assert.equal((await second).status, 200);
      assert.deepEqual(
        proxy.requests.map((r) => [r.path, r.held]),
        [
          ['/parse/users/me', true],
          ['/parse/users/me', true],
          ['/parse/health', false],
        ],
      );
      const third = api(proxyURL, parse.appId, '/users/me', { token });
      while (proxy.requests.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(proxy.release(), 1, 'held again while the fault lasts');
      assert.equal((await third).status, 200);
      assert.equal(proxy.release(), 0);
      proxy.setFault(null);
    });

    test('hold with status answers that status on release; reset() drops what is still held', async () => {
      proxy.reset();
      proxy.setFault({ hold: true, status: 503, path: '/parse/users/me', times: 1 });
      const held = api(proxyURL, parse.appId, '/users/me', { token });
      while (proxy.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      proxy.release();
      assert.equal((await held).status, 503);
      proxy.setFault({ hold: true, path: '/parse/users/me' });
      const dropped = api(proxyURL, parse.appId, '/users/me', { token });
      while (proxy.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      proxy.reset();
      await assert.rejects(dropped, TypeError);
      assert.equal(proxy.release(), 0);
      assert.equal((await api(proxyURL, parse.appId, '/users/me', { token })).status, 200, 'reset cleared the fault');
    });

    test('holdReply forwards at once and keeps the answer until release(): the server has done the work', async () => {
      proxy.reset();
      proxy.setFault({ holdReply: true, path: '/parse/users', method: 'POST', times: 1 });
      let answered = false;
      const signUp = api(proxyURL, parse.appId, '/users', {
        method: 'POST',
        body: { username: 'held-dora', password: 'pw' },
      }).finally(() => (answered = true));
      const logIn = () =>
        api(parse.serverURL, parse.appId, '/login', { method: 'POST', body: { username: 'held-dora', password: 'pw' } });
      let direct = await logIn();
      for (let i = 0; direct.status !== 200 && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        direct = await logIn();
      }
      assert.equal(direct.status, 200, 'the user exists at the server while its answer is held');
      assert.equal(answered, false);
      assert.equal(proxy.release(), 1);
      const reply = await signUp;
      assert.equal(reply.status, 201);
      assert.equal(typeof reply.json.sessionToken, 'string');
      assert.equal(proxy.requests.at(-1).held, true);

      proxy.setFault({ holdReply: true, path: '/parse/users/me' });
      const dropped = api(proxyURL, parse.appId, '/users/me', { token });
      while (proxy.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      proxy.reset(); // before or after the answer came: dropped either way
      await assert.rejects(dropped, TypeError, 'reset() drops an answer still held');
      assert.throws(() => proxy.setFault({ holdReply: true, status: 500 }), TypeError);
    });

    test('html answers a 200 text/html page', async () => {
      proxy.setFault({ html: true });
      const res = await api(proxyURL, parse.appId, '/users/me', { token });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.match(res.text, /<html/);
      assert.equal(res.json, undefined);
      proxy.setFault(null);
    });

    test('raw body (e.g. malformed JSON)', async () => {
      proxy.setFault({ body: '{"not json' });
      const res = await api(proxyURL, parse.appId, '/users/me', { token });
      assert.equal(res.status, 200);
      assert.equal(res.text, '{"not json');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      proxy.setFault(null);
    });

    test('drop destroys the connection (a network error)', async () => {
      proxy.reset();
      proxy.setFault({ drop: true });
      await assert.rejects(api(proxyURL, parse.appId, '/logout', { method: 'POST', token }), TypeError);
      assert.equal(proxy.requests.at(-1).fault, 'drop');
      proxy.setFault(null);
      const me = await api(proxyURL, parse.appId, '/users/me', { token });
      assert.equal(me.status, 200, 'works again once cleared');
    });

    test('rejects malformed faults', () => {
      assert.throws(() => proxy.setFault(/** @type {any} */ ({})), TypeError);
      assert.throws(() => proxy.setFault({ status: 42 }), TypeError);
      assert.throws(() => proxy.setFault({ delayMs: -1 }), TypeError);
      assert.throws(() => proxy.setFault(/** @type {any} */ ({ hold: 'yes' })), TypeError);
    });
  });
});

test('start, stop, start again in one process (fresh data dirs)', async () => {
  const first = await startParseServer();
  const signUp1 = await api(first.serverURL, first.appId, '/users', {
    method: 'POST',
    body: { username: 'carol', password: 'pw' },
  });
  assert.equal(signUp1.status, 201);
  // Parse's own cost (10) unless told otherwise: `npm start` hashes as a real deployment does.
  assert.match(await storedPasswordHash(first.databaseURI, 'carol'), /^\$2[aby]\$10\$/);
  const firstDir = first.dataDir;
  assert.ok(firstDir && existsSync(firstDir));
  await first.stop();
  await first.stop(); // idempotent
  assert.equal(existsSync(firstDir), false, 'temp data dir removed');
  assert.equal(postgresChildrenOf(process.pid).length, 0);

  // The test runner's servers hash at cost 4 (process-wide from here: the later tests too).
  const second = await startParseServer({ cheapPasswordHashing: true });
  try {
    assert.notEqual(second.dataDir, firstDir);
    // A fresh database: the same username signs up again (and the schema cache was cleared,
    // or this fails with `relation "_User" does not exist`).
    const signUp2 = await api(second.serverURL, second.appId, '/users', {
      method: 'POST',
      body: { username: 'carol', password: 'pw' },
    });
    assert.equal(signUp2.status, 201, signUp2.text);
    const me = await api(second.serverURL, second.appId, '/users/me', {
      token: signUp2.json.sessionToken,
    });
    assert.equal(me.status, 200);
    assert.match(await storedPasswordHash(second.databaseURI, 'carol'), /^\$2[aby]\$04\$/);
    // Passwords are still checked: right, wrong, and a user that does not exist (the dummy hash).
    const logIn = (username, password) =>
      api(second.serverURL, second.appId, '/login', { method: 'POST', body: { username, password } });
    assert.equal((await logIn('carol', 'pw')).status, 200);
    assert.equal((await logIn('carol', 'pW')).json.code, 101);
    assert.equal((await logIn('nobody', 'pw')).json.code, 101);
  } finally {
    await second.stop();
  }
  assert.equal(postgresChildrenOf(process.pid).length, 0);
});

test('a persistent dataDir keeps users across stop/start', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'parse-harness-test-'));
  try {
    const first = await startParseServer({ dataDir, appId: 'persist-app', masterKey: 'mk-1' });
    assert.equal(first.dataDir, dataDir);
    const su = await api(first.serverURL, first.appId, '/users', {
      method: 'POST',
      body: { username: 'dave', password: 'pw' },
    });
    assert.equal(su.status, 201);
    await first.stop();
    assert.ok(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION')), 'data kept');

    const second = await startParseServer({ dataDir, appId: 'persist-app', masterKey: 'mk-2' });
    try {
      const login = await api(second.serverURL, second.appId, '/login', {
        method: 'POST',
        body: { username: 'dave', password: 'pw' },
      });
      assert.equal(login.status, 200, login.text);
      assert.equal(login.json.objectId, su.json.objectId);
      const me = await api(second.serverURL, second.appId, '/users/me', {
        token: su.json.sessionToken,
      });
      assert.equal(me.status, 200, 'sessions survive too');
    } finally {
      await second.stop();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});

test('databaseURI / PARSE_DATABASE_URI: use that database, start no PostgreSQL', async () => {
  const primary = await startParseServer();
  try {
    assert.equal(postgresChildrenOf(process.pid).length, 1);
    // A second server in the same process needs its own appId (Parse caches config per appId).
    const viaOption = await startParseServer({
      databaseURI: primary.databaseURI,
      appId: 'second-app',
    });
    try {
      assert.equal(viaOption.embeddedPostgres, false);
      assert.equal(viaOption.pgPort, null);
      assert.equal(viaOption.dataDir, null);
      assert.equal(viaOption.databaseURI, primary.databaseURI);
      assert.equal(viaOption.timings.postgresMs, 0);
      assert.equal(postgresChildrenOf(process.pid).length, 1, 'no second postgres');
      const su = await api(viaOption.serverURL, viaOption.appId, '/users', {
        method: 'POST',
        body: { username: 'erin', password: 'pw' },
      });
      assert.equal(su.status, 201, su.text);
    } finally {
      await viaOption.stop();
    }
    // Same database: the first server sees the user; it still works after the other stopped.
    const login = await api(primary.serverURL, primary.appId, '/login', {
      method: 'POST',
      body: { username: 'erin', password: 'pw' },
    });
    assert.equal(login.status, 200, login.text);

    const saved = process.env.PARSE_DATABASE_URI;
    process.env.PARSE_DATABASE_URI = primary.databaseURI;
    try {
      const viaEnv = await startParseServer({ appId: 'third-app' });
      try {
        assert.equal(viaEnv.embeddedPostgres, false);
        assert.equal(viaEnv.databaseURI, primary.databaseURI);
        assert.equal(postgresChildrenOf(process.pid).length, 1, 'no second postgres');
        const me = await api(viaEnv.serverURL, viaEnv.appId, '/users/me', {
          token: login.json.sessionToken,
        });
        assert.equal(me.status, 200, me.text);
        assert.equal(me.json.username, 'erin');
      } finally {
        await viaEnv.stop();
      }
    } finally {
      if (saved === undefined) delete process.env.PARSE_DATABASE_URI;
      else process.env.PARSE_DATABASE_URI = saved;
    }
  } finally {
    await primary.stop();
  }
  assert.equal(postgresChildrenOf(process.pid).length, 0);
});

describe('process exit (child processes, run concurrently)', { concurrency: true }, () => {
  test('a failing exit code is not hidden by the libraries’ exit handlers', async () => {
    const { code, stderr } = await runNode(`
      import { startParseServer } from ${JSON.stringify(harnessURL)};
      const parse = await startParseServer();
      await parse.stop();
      process.exitCode = 3;
    `);
    assert.equal(code, 3, stderr);
  });

  test('process.exit() without stop(): PostgreSQL stops, temp data dir removed', async () => {
    const result = await runNode(`
      import { execFileSync } from 'node:child_process';
      import { startParseServer } from ${JSON.stringify(harnessURL)};
      const parse = await startParseServer();
      const ps = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
      const pids = ps.split('\\n').map((l) => l.trim().split(/\\s+/)).filter(([, c]) => c === 'postgres').map(([p]) => Number(p));
      console.log(JSON.stringify({ dataDir: parse.dataDir, pids }));
      process.exit(4);
    `);
    assert.equal(result.code, 4, result.stderr);
    const { dataDir, pids } = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    assert.ok(dataDir);
    assert.equal(pids.length, 1, 'the child had started one postgres');
    const deadline = Date.now() + 8000;
    while ((pids.some(alive) || existsSync(dataDir)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(pids.some(alive), false, 'postgres stopped after its parent exited');
    assert.equal(existsSync(dataDir), false, 'temp data dir removed');
  });

  test('SIGTERM to the process stops its PostgreSQL (no orphan)', async () => {
    let pgPids = /** @type {number[]} */ ([]);
    const result = await runNode(
      `
      import { startParseServer } from ${JSON.stringify(harnessURL)};
      const parse = await startParseServer();
      console.log('READY ' + parse.serverURL);
      setInterval(() => {}, 1000); // stay alive until signalled
    `,
      (child, stdout) => {
        const poll = setInterval(() => {
          if (stdout().includes('READY')) {
            clearInterval(poll);
            pgPids = postgresChildrenOf(/** @type {number} */ (child.pid));
            child.kill('SIGTERM');
          }
        }, 50);
        child.on('close', () => clearInterval(poll));
      },
    );
    assert.equal(result.signal, 'SIGTERM', result.stderr);
    assert.equal(pgPids.length, 1, 'the child had started one postgres');
    const deadline = Date.now() + 5000;
    while (alive(pgPids[0]) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(pgPids[0]), false, 'postgres stopped with its parent');
  });
});
