// The README's quick start, end to end: `npm start` (node scripts/start.mjs, the command it runs)
// on free ports and a throw-away database, the demo page in headless Chromium as a newcomer uses
// it (a failed log-in, a sign-up, a log-out), the session revoked on the real Parse Server, then
// Ctrl-C (SIGINT to the process group, as a terminal sends it) and nothing left running.
//
// It also takes the README's screenshot (docs/demo.png) in the signed-in state:
//
//   node --test test/node/demo.test.mjs      # the picture goes to a temp dir, deleted afterwards
//   npm run screenshot                       # the same with UPDATE_SCREENSHOT=1: docs/demo.png
//   CHROMIUM_PATH=/path/to/chrome …          # another Chromium (scripts/chromium.mjs)
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a cold start may take (initdb of a new PostgreSQL cluster, first esbuild compile). */
const START_TIMEOUT_MS = 120_000;
/** How long Ctrl-C may take to stop the dev server, Parse Server and PostgreSQL. */
const STOP_TIMEOUT_MS = 15_000;

// The README's picture: the same page size and settings whoever takes it.
const SCREENSHOT = { width: 1280, height: 800 };
const updateScreenshot = process.env.UPDATE_SCREENSHOT === '1';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes whose process group is `pgid`, or whose command line mentions `text`. */
function processesOf({ pgid, text }) {
  const ps = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m) => m && Number(m[1]) !== process.pid)
    .filter((m) => (pgid !== undefined && Number(m[2]) === pgid) || (text !== undefined && m[3].includes(text)))
    .map((m) => `${m[1]} ${m[3]}`);
}

/** `promise`'s value, or null when it takes longer than `ms`. */
const within = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms, null).unref())]);

describe('npm start, the README quick start, in headless Chromium', { timeout: 240_000 }, () => {
  // One dir for this run: the PostgreSQL data dir inside it, and the screenshot by default.
  // PostgreSQL runs as the `postgres` user when we are root: it must be able to traverse it.
  const workDir = mkdtempSync(path.join(tmpdir(), 'demo-test-'));
  chmodSync(workDir, 0o711);
  const dataDir = path.join(workDir, 'parse');
  const screenshotPath = updateScreenshot ? path.join(rootDir, 'docs', 'demo.png') : path.join(workDir, 'demo.png');

  /** @type {import('node:child_process').ChildProcess} */
  let child;
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} once it exited and its output is read */
  let closed;
  let running = false;
  let output = '';
  /** @type {{ url: string, serverURL: string, appId: string }} */
  let demo;
  /** @type {import('playwright').Browser | undefined} */
  let browser;
  /** @type {import('playwright').Page} */
  let page;
  /** @type {Array<{ type: string, text: string, url: string, args: Promise<string> }>} */
  const consoleMessages = [];
  /** @type {Error[]} */
  const pageErrors = [];

  // What the newcomer types; a fresh database, so the name has no account yet.
  const username = `ada-${Math.random().toString(36).slice(2, 6)}`;
  const password = 'correct horse battery staple';
  const email = `${username}@example.com`;
  /** The session token the page held while signed in. */
  let sessionToken = '';

  /** The event log as the user reads it, oldest first, each detail parsed back from its JSON. */
  const readLog = () =>
    page.$$eval('#log > li', (items) =>
      items.reverse().map((li) => ({
        type: li.querySelector('.entry-type')?.textContent,
        source: li.querySelector('.entry-source')?.textContent,
        detail: JSON.parse(li.querySelector('.entry-detail')?.textContent ?? 'null'),
      })),
    );
  const logSummary = (log) => log.map((entry) => `${entry.type} ${entry.source}`);
  const storageKey = () => `Parse/${demo.appId}/currentUser`;
  /** GET /users/me with `token`, from Node, straight to Parse Server's REST API. */
  const usersMe = async (token) => {
    const res = await fetch(`${demo.serverURL}/users/me`, {
      headers: { 'X-Parse-Application-Id': demo.appId, 'X-Parse-Session-Token': token },
    });
    return { status: res.status, body: await res.json() };
  };

  before(
    async () => {
      const env = { ...process.env, PORT: '0', PARSE_PORT: '0', DEMO_DATA_DIR: dataDir };
      delete env.PARSE_DATABASE_URI; // the embedded PostgreSQL, whatever this shell points at
      delete env.NODE_TEST_CONTEXT; // start.mjs is not a test file
      const t0 = performance.now();
      // `npm start` runs `node scripts/start.mjs`: run that, in its own process group, so Ctrl-C
      // can be sent the way a terminal does (to the whole group, PostgreSQL included).
      child = spawn(process.execPath, ['scripts/start.mjs'], {
        cwd: rootDir,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      running = true;
      // If this test process dies before after() (a CI timeout, Ctrl-C), take the demo down with it.
      const killGroup = () => {
        try {
          if (running) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      process.once('exit', killGroup);
      closed = new Promise((resolve) =>
        child.once('close', (code, signal) => {
          running = false;
          resolve({ code, signal });
        }),
      );
      child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));

      // Wait for the lines it prints once both servers are up.
      const printed = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`npm start printed no URLs within ${START_TIMEOUT_MS / 1000} s. Output:\n${output}`));
        }, START_TIMEOUT_MS);
        const check = () => {
          const demoLine = output.match(/^ {2}Demo page +(http:\/\/\S+)$/m);
          const parseLine = output.match(/^ {2}Parse Server +(http:\/\/\S+) +\(app id "([^"]+)"\)$/m);
          if (demoLine && parseLine && /^ {2}Ready in /m.test(output)) {
            clearTimeout(timer);
            resolve({ url: demoLine[1], serverURL: parseLine[1], appId: parseLine[2] });
          }
        };
        child.stdout.on('data', check);
        closed.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`npm start exited early (code ${code}, signal ${signal}). Output:\n${output}`));
        });
      });
      demo = printed;
      const startMs = performance.now() - t0;

      browser = await chromium.launch(chromiumLaunchOptions);
      page = await browser.newPage({
        viewport: SCREENSHOT,
        colorScheme: 'light',
        reducedMotion: 'reduce',
      });
      page.on('pageerror', (error) => pageErrors.push(error));
      page.on('console', (message) => {
        consoleMessages.push({
          type: message.type(),
          text: message.text(),
          url: message.location().url,
          // The arguments themselves too: an object's fields are not in text().
          args: Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => null))).then(
            (values) => JSON.stringify(values),
            () => '',
          ),
        });
      });
      console.log(`npm start was up in ${(startMs / 1000).toFixed(2)} s: ${demo.url} (Parse ${demo.serverURL})`);
    },
    { timeout: START_TIMEOUT_MS + 30_000 },
  );

  after(async () => {
    // Whatever failed above: no browser, no server, no PostgreSQL and no temp dir left behind.
    await browser?.close().catch(() => {});
    if (running) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
      if (!(await within(closed, STOP_TIMEOUT_MS))) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await within(closed, 5_000);
      }
    }
    for (const line of processesOf({ text: dataDir })) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(workDir, { recursive: true, force: true });
  });

  test('the dev server hands the page the Parse Server that npm start printed', async () => {
    assert.ok(output.includes(dataDir), `the data dir is ${dataDir}:\n${output}`);
    assert.match(output, /\(new database: created on this start\)/, 'a new database in the temp dir');
    const res = await fetch(new URL('/demo/config.js', demo.url));
    assert.equal(res.status, 200);
    const config = await res.text();
    assert.ok(config.includes(JSON.stringify(demo.serverURL)), config);
    assert.ok(config.includes(JSON.stringify(demo.appId)), config);
    const health = await fetch(`${demo.serverURL}/health`);
    assert.equal(health.status, 200, 'Parse Server answers');
  });

  test('the page starts signed out', async () => {
    await page.goto(demo.url);
    await page.waitForSelector('user-session:defined');
    assert.equal(await page.getAttribute('user-session', 'authenticated'), null);
    assert.equal(await page.textContent('#status-text'), 'Signed out');
    assert.ok(await page.isVisible('#auth-form'), 'the log-in / sign-up form shows');
    assert.equal(await page.isVisible('.when-signed-in'), false);
    assert.deepEqual(await readLog(), [], 'no event yet');
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), storageKey()), null);
  });

  test('a log-in for a name without an account fails: invalid-credentials', async () => {
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('log-in-action button');
    await page.waitForSelector('#log .entry-failure');
    const log = await readLog();
    assert.deepEqual(logSummary(log), ['failure <log-in-action>']);
    assert.equal(log[0].detail.error.code, 'invalid-credentials');
    assert.equal(await page.textContent('#auth-error'), log[0].detail.error.message, 'the alert says why');
    assert.ok(log[0].detail.error.message, 'a readable message');
    assert.equal(await page.getAttribute('user-session', 'authenticated'), null);
  });

  test('sign-up signs the new user in (logged-in, reason sign-up); the README screenshot', async (t) => {
    await page.fill('#password', password);
    await page.fill('#email', email);
    await page.click('sign-up-action button');
    await page.waitForSelector('user-session[authenticated]');
    await page.waitForSelector('#log .entry-success');

    const log = await readLog();
    assert.deepEqual(logSummary(log), ['failure <log-in-action>', 'logged-in <user-session>', 'success <sign-up-action>']);
    assert.equal(log[1].detail.reason, 'sign-up');
    assert.equal(log[1].detail.user.username, username);
    assert.equal(log[1].detail.user.email, email);
    assert.deepEqual(log[2].detail.user, log[1].detail.user);
    assert.equal(await page.textContent('#status-text'), `Signed in as ${username}`);
    assert.equal(await page.textContent('#who-name'), username);
    assert.equal(await page.textContent('#who-email'), email);
    assert.equal(await page.isVisible('#auth-form'), false, 'the form is hidden');

    // The token the page holds, where the Parse SDK keeps it; the server knows it as this user.
    const stored = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), storageKey())) ?? 'null');
    assert.equal(typeof stored?.sessionToken, 'string');
    sessionToken = stored.sessionToken;
    assert.ok(sessionToken.length >= 16, 'a real token');
    const me = await usersMe(sessionToken);
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.username, username);

    // The screenshot, at this point: the pointer out of the way and the fonts loaded.
    await page.mouse.move(0, 0);
    await page.evaluate(() => document.fonts.ready);
    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    const png = readFileSync(screenshotPath);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [SCREENSHOT.width, SCREENSHOT.height], 'its size');
    assert.ok(png.length > 40_000, `a real picture, not a blank page (${png.length} bytes)`);
    t.diagnostic(
      `screenshot: ${updateScreenshot ? path.relative(rootDir, screenshotPath) : screenshotPath} (${Math.round(png.length / 1024)} KB)`,
    );
  });

  test('log-out: authenticated goes, logged-out then success, and the server revoked the token', async () => {
    assert.ok(sessionToken, 'signed in by the previous test');
    await page.click('#log-out button');
    await page.waitForSelector('user-session:not([authenticated])');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#log .entry-success .entry-source')].some((el) => el.textContent === '<log-out-action>'),
    );

    const log = await readLog();
    // The README: success comes after the attribute went and logged-out fired.
    assert.deepEqual(logSummary(log).slice(3), ['logged-out <user-session>', 'success <log-out-action>']);
    assert.deepEqual(log[3].detail, { reason: 'log-out' });
    assert.deepEqual(log[4].detail, { scope: 'current', revoked: true });
    assert.equal(await page.textContent('#status-text'), 'Signed out');
    assert.equal(await page.textContent('#auth-notice'), 'Signed out. The server has revoked the session.');
    assert.ok(await page.isVisible('#auth-form'), 'the form is back');
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), storageKey()), null, 'forgotten here');

    const me = await usersMe(sessionToken);
    assert.equal(me.status, 400, JSON.stringify(me.body));
    assert.equal(me.body.code, 209, 'Parse: invalid session token');
  });

  test('the token never reached the DOM, the event log or the console; no page errors', async (t) => {
    assert.ok(sessionToken, 'signed in by an earlier test');
    // The whole document with its attributes, and every shadow root in it.
    const html = await page.evaluate(() => {
      const parts = [document.documentElement.outerHTML];
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot) {
            parts.push(el.shadowRoot.innerHTML);
            walk(el.shadowRoot);
          }
        }
      };
      walk(document);
      return parts.join('\n');
    });
    assert.ok(html.includes(username), 'the serialisation holds the page (sanity check)');
    assert.equal(html.includes(sessionToken), false, 'not in the DOM');
    assert.equal((await page.textContent('#log')).includes(sessionToken), false, 'not in the event log');
    for (const message of consoleMessages) {
      const args = await message.args;
      assert.equal(`${message.text}\n${args}`.includes(sessionToken), false, `not in the console: ${message.text}`);
    }
    assert.deepEqual(
      pageErrors.map((error) => error.message),
      [],
      'no page errors',
    );
    for (const message of consoleMessages) t.diagnostic(`console.${message.type}: ${message.text} ${message.url}`);
    // The one console error expected: the browser's note on the failed log-in's 404 (Parse's answer;
    // its wording varies between versions).
    const errors = consoleMessages.filter((m) => m.type === 'error');
    assert.equal(errors.length, 1, `one console error: ${JSON.stringify(errors)}`);
    assert.match(errors[0].text, /\b404\b/, 'console error: the 404');
    assert.equal(errors[0].url, `${demo.serverURL}/login`, 'console error: of the log-in');
  });

  test('Ctrl-C (SIGINT to the process group) stops it: exit code 0, no PostgreSQL left', async () => {
    await browser?.close();
    browser = undefined;
    const t0 = performance.now();
    process.kill(-child.pid, 'SIGINT');
    const exit = await within(closed, STOP_TIMEOUT_MS);
    assert.ok(exit, `still running ${STOP_TIMEOUT_MS / 1000} s after SIGINT. Output:\n${output}`);
    assert.deepEqual(exit, { code: 0, signal: null }, `exit status. Output:\n${output}`);
    assert.match(output, /Stopped in \d+ ms\./);
    // PostgreSQL is stopped before the process exits; give ps a moment all the same.
    let left = [];
    for (let i = 0; i < 20; i++) {
      left = [...new Set([...processesOf({ pgid: child.pid }), ...processesOf({ text: dataDir })])];
      if (left.length === 0) break;
      await sleep(100);
    }
    assert.deepEqual(left, [], 'no process of the group and no PostgreSQL of the data dir is left');
    console.log(`stopped in ${Math.round(performance.now() - t0)} ms`);
  });
});
