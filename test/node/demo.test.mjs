// The README's quick start, end to end: `npm start` (node scripts/start.mjs, the command it runs)
// on free ports and a throw-away database, the demo page in headless Chromium as a newcomer uses
// it (a failed log-in, a sign-up, a log-out), the session revoked on the real Parse Server, then
// Ctrl-C (SIGINT to the process group, as a terminal sends it) and nothing left running.
// Before Ctrl-C, the OpenID Connect page (demo/oidc.html) against the provider `npm start` runs:
// a sign-in through the provider's own login page (a wrong password first), no token in the
// page, a plain log-out (the provider still lets the user straight back in), then "Log out of
// the provider too" (its login page asks again), with the tokens checked at the provider.
// Then the Better Auth page (demo/better-auth.html) against the Better Auth server `npm start`
// runs, with the account it made: a wrong password, a sign-in, a second browser (an iPhone's
// User-Agent) signed in as the same user, both sessions in <session-list>, the iPhone signed out
// from the first browser, and the iPhone's next check finding its session gone (session-lost);
// no session token anywhere in either page.
//
// It also takes the README's screenshot (docs/demo.png), the OIDC page's (docs/demo-oidc.png) and
// the Better Auth page's with two sessions listed (docs/demo-better-auth.png):
//
//   node --test test/node/demo.test.mjs      # the pictures go to a temp dir, deleted afterwards
//   npm run screenshot                       # the same with UPDATE_SCREENSHOT=1: docs/*.png
//   CHROMIUM_PATH=/path/to/chrome …          # another Chromium (scripts/chromium.mjs)
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
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
  const screenshotPathOf = (name) => (updateScreenshot ? path.join(rootDir, 'docs', name) : path.join(workDir, name));
  const screenshotPath = screenshotPathOf('demo.png');
  const oidcScreenshotPath = screenshotPathOf('demo-oidc.png');
  const betterAuthScreenshotPath = screenshotPathOf('demo-better-auth.png');

  /** @type {import('node:child_process').ChildProcess} */
  let child;
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} once it exited and its output is read */
  let closed;
  let running = false;
  let output = '';
  /** @type {{ url: string, serverURL: string, appId: string, oidc: { issuer: string, clientId: string, page: string } }} */
  let demo;
  /** @type {import('playwright').Browser | undefined} */
  let browser;
  /** @type {import('playwright').Page} */
  let page;
  /** @type {Array<{ type: string, text: string, url: string, args: Promise<string> }>} */
  const consoleMessages = [];
  /** @type {Error[]} */
  const pageErrors = [];
  /** The OIDC page: its own browser context (cookies, storage), as another visitor's. */
  /** @type {import('playwright').Page} */
  let oidcPage;
  /** @type {typeof consoleMessages} */
  const oidcConsoleMessages = [];
  /** @type {Error[]} */
  const oidcPageErrors = [];
  /** The tokens the OIDC page held while signed in (`{ access, refresh, idToken }`). */
  let oidcTokens = null;
  /** Every document the OIDC tab asked for, redirects included, in order (cleared by the tests that read it). */
  const oidcNavigations = [];

  const pageOptions = { viewport: SCREENSHOT, colorScheme: 'light', reducedMotion: 'reduce' };
  /** Records `p`'s page errors and console messages in `errors` and `messages`. */
  const watchPage = (p, messages, errors) => {
    p.on('pageerror', (error) => errors.push(error));
    p.on('console', (message) => {
      messages.push({
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
  };

  // What the newcomer types; a fresh database, so the name has no account yet.
  const username = `ada-${Math.random().toString(36).slice(2, 6)}`;
  const password = 'correct horse battery staple';
  const email = `${username}@example.com`;
  /** The session token the page held while signed in. */
  let sessionToken = '';

  /** The event log as the user reads it, oldest first, each detail parsed back from its JSON. */
  const readLog = (p = page) =>
    p.$$eval('#log > li', (items) =>
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
  /** The whole document of `p` with its attributes, and every shadow root in it. */
  const documentHTML = (p) =>
    p.evaluate(() => {
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
  /** `p` as a PNG at `file` (the pointer out of the way, the fonts loaded), checked to be a real picture. */
  const takeScreenshot = async (t, p, file) => {
    await p.mouse.move(0, 0);
    await p.evaluate(() => document.fonts.ready);
    mkdirSync(path.dirname(file), { recursive: true });
    await p.screenshot({ path: file });
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [SCREENSHOT.width, SCREENSHOT.height], 'its size');
    assert.ok(png.length > 40_000, `a real picture, not a blank page (${png.length} bytes)`);
    t.diagnostic(`screenshot: ${updateScreenshot ? path.relative(rootDir, file) : file} (${Math.round(png.length / 1024)} KB)`);
  };
  const oidcPageURL = () => new URL('demo/oidc.html', demo.url).href;
  /** The OIDC page's stored session (localStorage 'demo/oidc'), its tokens parsed from `.token`. */
  const oidcStored = async () => {
    const raw = await oidcPage.evaluate(() => localStorage.getItem('demo/oidc'));
    if (raw === null) return null;
    const stored = JSON.parse(raw);
    return { ...stored, tokens: JSON.parse(stored.token) };
  };
  /** GET the provider's userinfo with `accessToken`, from Node (through the issuer, as the page does). */
  const userinfo = async (accessToken) => {
    const res = await fetch(`${demo.oidc.issuer}/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    return { status: res.status, body: await res.text() };
  };
  /** The provider's login page is the top-level page (a navigation, not a frame). */
  const assertOnLoginPage = async () => {
    await oidcPage.waitForURL((url) => url.href.startsWith(`${demo.oidc.issuer}/interaction/`));
    await oidcPage.waitForSelector('#login-form');
    assert.equal(oidcPage.mainFrame().url(), oidcPage.url());
    assert.equal(oidcPage.frames().length, 1, 'no frame: the whole tab went to the provider');
    assert.equal(await oidcPage.title(), 'Sign in – test provider');
    assert.equal(await oidcPage.textContent('#client-name'), 'Demo SPA');
    assert.equal(await oidcPage.$('user-session'), null, 'not the demo page any more');
  };
  /** What a person does on the provider's login page: type the login and password, press Sign in. */
  const submitLogin = async (login, password) => {
    await oidcPage.fill('input[name="login"]', login);
    await oidcPage.fill('input[name="password"]', password);
    await oidcPage.getByRole('button', { name: 'Sign in' }).click();
  };

  before(
    async () => {
      const env = { ...process.env, PORT: '0', PARSE_PORT: '0', OIDC_PORT: '0', BETTER_AUTH_PORT: '0', DEMO_DATA_DIR: dataDir };
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
          const oidcLine = output.match(
            /^ {2}OIDC provider +(http:\/\/\S+) +\(client id "([^"]+)"; demo page (http:\/\/\S+)\)$/m,
          );
          if (demoLine && parseLine && oidcLine && /^ {2}Ready in /m.test(output)) {
            clearTimeout(timer);
            resolve({
              url: demoLine[1],
              serverURL: parseLine[1],
              appId: parseLine[2],
              oidc: { issuer: oidcLine[1], clientId: oidcLine[2], page: oidcLine[3] },
            });
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
      page = await browser.newPage(pageOptions);
      watchPage(page, consoleMessages, pageErrors);
      oidcPage = await (await browser.newContext(pageOptions)).newPage();
      watchPage(oidcPage, oidcConsoleMessages, oidcPageErrors);
      oidcPage.on('request', (request) => {
        if (request.isNavigationRequest() && request.frame() === oidcPage.mainFrame()) oidcNavigations.push(request.url());
      });
      console.log(
        `npm start was up in ${(startMs / 1000).toFixed(2)} s: ${demo.url} (Parse ${demo.serverURL}, OIDC ${demo.oidc.issuer})`,
      );
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
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'the focus is back on the password');
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

    // The screenshot, at this point.
    await takeScreenshot(t, page, screenshotPath);
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

  test('"Forgot password?": the reset mail shows in the inbox panel, its link sets a new password on Parse\'s page, and it logs in', async () => {
    // Sign-up sent a verification mail already: the inbox panel lists it with its link.
    await page.click('#refresh-inbox');
    await page.waitForSelector('#inbox .mail a');
    assert.match(await page.textContent('#inbox'), /verify your e-mail/i);

    await page.click('.forgot summary');
    await page.fill('#reset-email', email);
    await page.click('#reset button');
    await page.waitForFunction(() => document.getElementById('reset-result')?.textContent);
    assert.equal(
      await page.textContent('#reset-result'),
      `If an account has the address ${email}, a reset link is on its way. See the inbox panel below.`,
    );
    await page.click('#refresh-inbox');
    const link = page.getByRole('link', { name: 'Open the reset link (opens a new tab)' });
    await link.waitFor();
    const href = await link.getAttribute('href');
    assert.ok(href.startsWith(`${demo.serverURL}/apps/${demo.appId}/request_password_reset?token=`), href);

    // Parse's own page, as a person would use it.
    const parsePage = await browser.newPage();
    try {
      await parsePage.goto(href);
      const newPassword = `${password}-renewed`;
      await parsePage.fill('#password', newPassword);
      await parsePage.fill('#password_confirm', newPassword);
      await parsePage.click('#change_password');
      await parsePage.waitForSelector('text=Your password has been updated');

      await page.fill('#username', username);
      await page.fill('#password', newPassword);
      await page.click('log-in-action button');
      await page.waitForSelector('user-session[authenticated]');
      assert.equal(await page.textContent('#status-text'), `Signed in as ${username}`);
    } finally {
      await parsePage.close();
    }
  });

  /**
   * Two-step sign-in on a demo page, as a person with an authenticator app: "Turn on" shows the
   * QR code and the key (the app's code is computed here from that key), the first code shows
   * the recovery codes, "Done" takes them away; then a sign-out, and the log-in asks for a code.
   * Resolves to what must never show again: the key and the recovery codes.
   */
  const twoStepOnDemoPage = async (p, { login, password, recoveryCodes }) => {
    const el = '#two-factor-enable';
    if (await p.isVisible('#two-factor-password')) await p.fill('#two-factor-password', password);
    await p.click(`${el} [part=button]`);
    await p.waitForSelector(`${el} [part=qr] svg`);
    const key = (await p.textContent(`${el} [part=secret]`)).replace(/\s/g, '');
    assert.match(key, /^[A-Z2-7]{32,}$/, 'a base32 key');
    const app = new TOTP({ secret: Secret.fromBase32(key) });
    await p.fill(`${el} [part=code-input]`, app.generate());
    await p.click(`${el} [part=confirm-button]`);
    await p.waitForSelector(`${el} [part=code-list] li`);
    const codes = await p.locator(`${el} [part=code-list] li`).allTextContents();
    assert.equal(codes.length, recoveryCodes);
    assert.match(await p.textContent('#two-factor-state'), /^On:/);
    assert.match(await p.textContent('#auth-notice'), /Two-step sign-in is on/);
    assert.equal(await p.isVisible('#two-factor-disable'), true, '"Turn off" shows');
    await p.click(`${el} [part=done-button]`);
    await p.waitForSelector(`${el}`, { state: 'hidden' });

    // Signed out, the log-in asks for the code; the code from the app signs in.
    await p.click('#log-out button');
    await p.waitForSelector('user-session:not([authenticated])');
    assert.equal(await p.isVisible('#code'), false, 'no code field yet');
    await p.fill('#username', login);
    await p.fill('#password', password);
    await p.click('log-in-action button');
    await p.waitForSelector('user-session[second-factor]');
    assert.equal(await p.isVisible('#code'), true, 'the code field shows');
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'code', 'and has the focus');
    assert.equal(await p.getAttribute('user-session', 'authenticated'), null);
    await p.fill('#code', app.generate({ timestamp: Date.now() + 30_000 }));
    await p.click('log-in-action button');
    await p.waitForSelector('user-session[authenticated]');
    assert.equal(await p.getAttribute('user-session', 'second-factor'), null, 'the code step is over');
    const log = logSummary(await readLog(p));
    for (const entry of [
      'second-factor-required <user-session>',
      'setup <enable-two-factor-action>',
      'success <enable-two-factor-action>',
    ])
      assert.ok(log.includes(entry), `${entry} in the log: ${log.join(', ')}`);
    assert.equal(log.at(-1), 'success <log-in-action>');

    // The key and the codes are nowhere now: not in the DOM (shadow roots included), storage or the log.
    const html = await documentHTML(p);
    const storage = await p.evaluate(() => JSON.stringify([localStorage, sessionStorage].map((s) => Object.entries({ ...s }))));
    const logText = await p.textContent('#log');
    for (const secret of [key, ...codes])
      for (const [where, text] of Object.entries({ html, storage, logText }))
        assert.equal(text.includes(secret), false, `not in ${where}`);
    return [key, ...codes];
  };

  test('the token never reached the DOM, the event log or the console; no page errors', async (t) => {
    assert.ok(sessionToken, 'signed in by an earlier test');
    const html = await documentHTML(page);
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

  test("two-step sign-in on the Parse page: turned on with the QR code's key, then the log-in asks for the code and signs in with it", async () => {
    const secrets = await twoStepOnDemoPage(page, { login: username, password: `${password}-renewed`, recoveryCodes: 2 });
    for (const message of consoleMessages) for (const secret of secrets) assert.equal(message.text.includes(secret), false);
    assert.deepEqual(
      pageErrors.map((error) => error.message),
      [],
      'no page errors',
    );
  });

  // The OpenID Connect page, in a browser context of its own (another visitor: no cookie, no storage).

  /** Every token the OIDC page held, for the checks that none of them leaked. */
  const oidcSeenTokens = [];
  /** Resolves with the tab's next top-level URL that `predicate` accepts (a committed navigation). */
  const oidcNavigatedTo = async (predicate) => {
    const frame = await oidcPage.waitForEvent('framenavigated', {
      predicate: (f) => f === oidcPage.mainFrame() && predicate(f.url()),
    });
    return frame.url();
  };
  /** The page's session tokens: present, and kept for the leak checks. */
  const readOidcTokens = async () => {
    const stored = await oidcStored();
    assert.ok(stored, 'a session in localStorage "demo/oidc"');
    const { access, refresh, idToken } = stored.tokens;
    for (const token of [access, refresh, idToken]) assert.ok(typeof token === 'string' && token.length >= 16, 'a real token');
    oidcSeenTokens.push(access, refresh, idToken);
    return stored.tokens;
  };
  /** The provider's token endpoint, asked from Node to renew with `refreshToken`. */
  const refreshAtProvider = async (refreshToken) => {
    const res = await fetch(`${demo.oidc.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: demo.oidc.clientId }),
    });
    return { status: res.status, body: await res.json() };
  };

  test('npm start prints the Better Auth server, which trusts the demo page (credentialed CORS)', async () => {
    const line = output.match(/^ {2}Better Auth +(http:\/\/localhost:\d+\/api\/auth) /m);
    assert.ok(line, output);
    const pageOrigin = new URL(demo.url).origin;
    const preflight = await fetch(`${line[1]}/sign-in/email`, {
      method: 'OPTIONS',
      headers: { origin: pageOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), pageOrigin);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    const session = await fetch(`${line[1]}/get-session`, { headers: { origin: pageOrigin } });
    assert.equal(session.status, 200);
    assert.equal(await session.json(), null);
  });

  test('the dev server hands the OIDC page the provider npm start printed; it answers discovery', async () => {
    assert.equal(demo.oidc.page, oidcPageURL(), 'the banner names the OIDC page');
    assert.equal(demo.oidc.clientId, 'demo-spa');
    assert.match(output, /^ {2}OIDC accounts +ada \/ lovelace-secret, /m, 'the banner names the demo accounts');
    const config = await (await fetch(new URL('/demo/config.js', demo.url))).text();
    assert.ok(config.includes(JSON.stringify(demo.oidc.issuer)), config);
    assert.ok(config.includes(JSON.stringify(demo.oidc.clientId)), config);
    const res = await fetch(`${demo.oidc.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const discovery = await res.json();
    assert.equal(discovery.issuer, demo.oidc.issuer);
    assert.equal(discovery.end_session_endpoint, `${demo.oidc.issuer}/session/end`);
  });

  test('the OIDC page starts signed out', async () => {
    await oidcPage.goto(oidcPageURL());
    // oidc.js defines <user-session> itself; the actions come with the package entry after it.
    await oidcPage.waitForSelector('user-session:defined');
    await oidcPage.waitForSelector('log-in-action:defined');
    assert.equal(await oidcPage.getAttribute('user-session', 'authenticated'), null);
    assert.equal(await oidcPage.textContent('#status-text'), 'Signed out');
    assert.ok(await oidcPage.getByRole('button', { name: 'Sign in with the provider' }).isVisible());
    assert.equal(await oidcPage.isVisible('.when-signed-in'), false);
    assert.equal(await oidcPage.textContent('#issuer'), demo.oidc.issuer, 'the footer names the provider');
    assert.equal(await oidcPage.textContent('#auth-error'), '', 'no error');
    assert.deepEqual(await readLog(oidcPage), [], 'no event yet');
    assert.equal(await oidcStored(), null);
  });

  test('"Sign in with the provider" takes the tab to the provider\'s login page', async () => {
    await oidcPage.getByRole('button', { name: 'Sign in with the provider' }).click();
    await assertOnLoginPage();
    const authorize = oidcNavigations.find((url) => url.startsWith(`${demo.oidc.issuer}/auth?`));
    assert.ok(authorize, `through the authorization endpoint: ${oidcNavigations.join(', ')}`);
    const params = new URL(authorize).searchParams;
    assert.equal(params.get('redirect_uri'), oidcPageURL(), 'back to this page');
    assert.equal(params.get('code_challenge_method'), 'S256');
  });

  test("a wrong password: the provider's page says so and stays there", async () => {
    await submitLogin('ada', 'not-the-password');
    await oidcPage.waitForSelector('#login-error');
    await assertOnLoginPage();
    assert.equal(await oidcPage.getByRole('alert').textContent(), 'Wrong login or password.');
    assert.equal(await oidcPage.inputValue('input[name="login"]'), 'ada', 'the login is kept');
    assert.equal(await oidcPage.inputValue('input[name="password"]'), '', 'the password is not');
  });

  test('the right password: back on demo/oidc.html signed in as Ada (logged-in, reason log-in); the screenshot', async (t) => {
    oidcNavigations.length = 0;
    await submitLogin('ada', 'lovelace-secret');
    await oidcPage.waitForSelector('user-session[authenticated]');
    await oidcPage.waitForSelector('#log .entry-logged-in');

    // The answer (code, state, iss) came to this page and went from the address bar.
    assert.ok(
      oidcNavigations.some((url) => url.startsWith(`${oidcPageURL()}?`) && new URL(url).searchParams.has('code')),
      `the provider sent the code to the page: ${oidcNavigations.join(', ')}`,
    );
    assert.equal(oidcPage.url(), oidcPageURL(), 'no code, state or iss in the address bar');
    const { searchParams } = new URL(oidcPage.url());
    for (const name of ['code', 'state', 'iss']) assert.equal(searchParams.has(name), false, name);

    assert.equal(await oidcPage.textContent('#status-text'), 'Signed in as Ada Lovelace');
    assert.equal(await oidcPage.textContent('#who-name'), 'Ada Lovelace');
    assert.equal(await oidcPage.textContent('#who-email'), 'ada@example.test');
    assert.equal(await oidcPage.textContent('#who-id'), 'user-ada');
    assert.equal(await oidcPage.textContent('#auth-notice'), 'Signed in at the provider.');
    assert.equal(await oidcPage.textContent('#auth-error'), '', 'no error');
    assert.ok(await oidcPage.isVisible('#log-out button'), 'log out');
    assert.ok(await oidcPage.getByRole('button', { name: 'Log out of the provider too' }).isVisible());
    assert.equal(await oidcPage.isVisible('.when-signed-out'), false);

    const log = await readLog(oidcPage);
    assert.deepEqual(logSummary(log), ['logged-in <user-session>']);
    assert.equal(log[0].detail.reason, 'log-in');
    assert.equal(log[0].detail.user.id, 'user-ada');
    assert.equal(log[0].detail.user.email, 'ada@example.test');

    // Real tokens: the provider answers userinfo with the access token the page holds.
    oidcTokens = await readOidcTokens();
    const me = await userinfo(oidcTokens.access);
    assert.equal(me.status, 200, me.body);
    assert.equal(JSON.parse(me.body).sub, 'user-ada');

    await takeScreenshot(t, oidcPage, oidcScreenshotPath);
  });

  test('no token in the DOM or the event log of the OIDC page', async () => {
    assert.ok(oidcTokens, 'signed in by the previous test');
    const html = await documentHTML(oidcPage);
    assert.ok(html.includes('ada@example.test'), 'the serialisation holds the page (sanity check)');
    const outerHTML = await oidcPage.evaluate(() => document.documentElement.outerHTML);
    const logText = await oidcPage.textContent('#log');
    // The secrets of the stored set (it also names its issuer and client, which the page shows).
    for (const name of ['access', 'refresh', 'idToken']) {
      const token = oidcTokens[name];
      assert.equal(typeof token, 'string', `a ${name} token is stored`);
      assert.equal(outerHTML.includes(token), false, `the ${name} token is not in document.documentElement.outerHTML`);
      assert.equal(html.includes(token), false, `the ${name} token is not in a shadow root`);
      assert.equal(logText.includes(token), false, `the ${name} token is not in the event log`);
    }
  });

  test('Log out (here only): signed out, tokens revoked, and the provider lets Ada straight back in', async () => {
    assert.ok(oidcTokens, 'signed in by an earlier test');
    await oidcPage.click('#log-out button');
    await oidcPage.waitForSelector('user-session:not([authenticated])');
    await oidcPage.waitForSelector('#log .entry-success');
    const log = await readLog(oidcPage);
    assert.deepEqual(logSummary(log).slice(1), ['logged-out <user-session>', 'success <log-out-action>']);
    assert.deepEqual(log[1].detail, { reason: 'log-out' });
    assert.deepEqual(log[2].detail, { scope: 'current', revoked: true });
    assert.equal(await oidcPage.textContent('#status-text'), 'Signed out');
    assert.equal(await oidcPage.textContent('#auth-notice'), 'Signed out. The provider has revoked the tokens.');
    assert.equal(oidcPage.url(), oidcPageURL(), 'still on the page: no trip to the provider');
    assert.equal(await oidcStored(), null, 'forgotten here');
    assert.equal((await userinfo(oidcTokens.access)).status, 401, 'the access token is revoked');
    assert.deepEqual(
      await refreshAtProvider(oidcTokens.refresh).then(({ status, body }) => [status, body.error]),
      [400, 'invalid_grant'],
      'the refresh token is revoked',
    );

    // The provider's own session is still there: signing in again asks for no password.
    oidcNavigations.length = 0;
    const back = oidcNavigatedTo((url) => url.startsWith(`${oidcPageURL()}?`));
    await oidcPage.getByRole('button', { name: 'Sign in with the provider' }).click();
    await back;
    await oidcPage.waitForSelector('user-session[authenticated]');
    await oidcPage.waitForSelector('#log .entry-logged-in');
    assert.equal(
      oidcNavigations.some((url) => url.startsWith(`${demo.oidc.issuer}/interaction/`)),
      false,
      `no login page on the way: ${oidcNavigations.join(', ')}`,
    );
    assert.equal(oidcPage.url(), oidcPageURL());
    assert.equal(await oidcPage.textContent('#who-name'), 'Ada Lovelace');
    const again = await readLog(oidcPage);
    assert.deepEqual(logSummary(again), ['logged-in <user-session>'], 'a new page load, a new log');
    assert.equal(again[0].detail.reason, 'log-in');
    const earlier = oidcTokens;
    oidcTokens = await readOidcTokens();
    assert.notEqual(oidcTokens.access, earlier.access, 'new tokens');
    assert.equal((await userinfo(oidcTokens.access)).status, 200);
  });

  test('"Log out of the provider too": back on demo/oidc.html signed out, and the provider asks for the password again', async () => {
    assert.ok(oidcTokens, 'signed in by an earlier test');
    oidcNavigations.length = 0;
    const back = oidcNavigatedTo((url) => url === oidcPageURL());
    await oidcPage.getByRole('button', { name: 'Log out of the provider too' }).click();
    await back;
    await oidcPage.waitForSelector('user-session:defined');
    await oidcPage.waitForSelector('log-in-action:defined'); // defined after <user-session>, which oidc.js defines
    await oidcPage.waitForFunction(() => document.querySelector('#status-text')?.textContent === 'Signed out');

    // Through the provider's end_session endpoint, which submitted its own form, and back.
    const endSession = oidcNavigations.find((url) => url.startsWith(`${demo.oidc.issuer}/session/end?`));
    assert.ok(endSession, `through end_session: ${oidcNavigations.join(', ')}`);
    const params = new URL(endSession).searchParams;
    assert.equal(params.get('post_logout_redirect_uri'), oidcPageURL());
    assert.equal(params.get('client_id'), demo.oidc.clientId);
    assert.equal(oidcNavigations.at(-1), oidcPageURL(), 'the last stop: demo/oidc.html');

    assert.equal(oidcPage.url(), oidcPageURL());
    assert.equal(await oidcPage.getAttribute('user-session', 'authenticated'), null);
    assert.equal(await oidcPage.isVisible('.when-signed-in'), false);
    assert.ok(await oidcPage.getByRole('button', { name: 'Sign in with the provider' }).isVisible());
    assert.equal(await oidcPage.textContent('#auth-error'), '', 'no error');
    assert.equal(await oidcStored(), null, 'forgotten here');
    assert.equal((await userinfo(oidcTokens.access)).status, 401, 'the access token is revoked');
    assert.deepEqual(
      await refreshAtProvider(oidcTokens.refresh).then(({ status, body }) => [status, body.error]),
      [400, 'invalid_grant'],
      'the refresh token is revoked',
    );

    // The provider's session has ended: a new sign-in shows its login page.
    await oidcPage.getByRole('button', { name: 'Sign in with the provider' }).click();
    await assertOnLoginPage();
    assert.equal(await oidcPage.$('#login-error'), null, 'a fresh login page');
  });

  test('the OIDC tokens never reached the console; no page errors, no console errors', async (t) => {
    assert.ok(oidcSeenTokens.length >= 6, 'two sign-ins by earlier tests');
    for (const message of oidcConsoleMessages) t.diagnostic(`console.${message.type}: ${message.text} ${message.url}`);
    for (const message of oidcConsoleMessages) {
      const text = `${message.text}\n${await message.args}`;
      for (const token of oidcSeenTokens) assert.equal(text.includes(token), false, `not in the console: ${message.text}`);
    }
    assert.deepEqual(
      oidcPageErrors.map((error) => error.message),
      [],
      'no page errors',
    );
    // The one console error allowed: Chromium's note on the provider's missing favicon (its own
    // pages' request, not the demo's).
    const errors = oidcConsoleMessages.filter((m) => m.type === 'error' && m.url !== `${demo.oidc.issuer}/favicon.ico`);
    assert.deepEqual(
      errors.map((m) => `${m.text} ${m.url}`),
      [],
      'no console errors',
    );
  });

  // The Better Auth page: two browser contexts of its own, as two devices of one person. The first
  // says it is desktop Chrome (headless Chromium's own User-Agent says "HeadlessChrome", which is
  // no browser a person has); the second an iPhone's Safari.

  /** @type {{ serverUrl: string, page: string, account: { email: string, username: string, password: string } }} */
  let ba;
  /** @type {import('playwright').Page} */
  let baPage;
  /** @type {import('playwright').Page} */
  let phonePage;
  /** @type {typeof consoleMessages} */
  const baConsoleMessages = [];
  /** @type {Error[]} */
  const baPageErrors = [];
  /** @type {typeof consoleMessages} */
  const phoneConsoleMessages = [];
  /** @type {Error[]} */
  const phonePageErrors = [];
  /** The session tokens of both browsers, read from the server's get-session reply (the cookie's session). */
  const baTokens = [];
  const iPhoneUserAgent =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

  /** The sessions `<session-list>` shows on `p`, as a person reads them. */
  const listedSessions = (p) =>
    p.$eval('#sessions', (list) =>
      [...list.shadowRoot.querySelectorAll('li')].map((li) => {
        const button = li.querySelector('[data-action=revoke]');
        return {
          device: li.querySelector('[data-field=device]')?.textContent,
          thisDevice: (li.getAttribute('part') ?? '').split(' ').includes('current-item'),
          marker: [...li.querySelectorAll('[part~=current]')].some((el) => !el.hidden),
          button: button && !button.hidden ? button.getAttribute('aria-label') : null,
        };
      }),
    );
  /** Waits until `p`'s list is done loading and shows `count` sessions. */
  const waitForListed = (p, count) =>
    p.waitForFunction((n) => {
      const list = document.getElementById('sessions');
      return !list.busy && list.sessions.length === n && list.shadowRoot.querySelectorAll('li').length === n;
    }, count);
  /** The cookie's session token, as the server tells the page (the page can read its own reply). */
  const sessionTokenOf = async (p) => {
    const reply = await p.evaluate(
      (url) => fetch(`${url}/get-session`, { credentials: 'include' }).then((res) => res.json()),
      ba.serverUrl,
    );
    const token = reply?.session?.token;
    assert.ok(typeof token === 'string' && token.length >= 16, `a session token: ${JSON.stringify(reply?.session ?? null)}`);
    return token;
  };
  /** Everything the page keeps or shows: its DOM with shadow roots, both storages, the event log. */
  const everythingIn = async (p) => ({
    html: await documentHTML(p),
    storage: await p.evaluate(() => JSON.stringify([localStorage, sessionStorage].map((store) => Object.entries({ ...store })))),
    log: await p.textContent('#log'),
  });

  /** No token of `baTokens` in what `p` keeps or shows; `signedIn`: its storage holds the session (sanity check). */
  const assertNoToken = async (name, p, { signedIn }) => {
    const { html, storage, log } = await everythingIn(p);
    assert.ok(html.includes('ada@example.test'), `${name}: the serialisation holds the page (sanity check)`);
    if (signedIn)
      assert.ok(storage.includes('ada@example.test'), `${name}: the stored session was read (sanity check): ${storage}`);
    for (const token of baTokens) {
      assert.equal(html.includes(token), false, `${name}: not in the DOM`);
      assert.equal(storage.includes(token), false, `${name}: not in localStorage or sessionStorage`);
      assert.equal(log.includes(token), false, `${name}: not in the event log`);
    }
  };

  test('npm start made the Better Auth demo account; the dev server hands the page its server', async () => {
    const line = output.match(
      /^ {2}Better Auth +(http:\/\/localhost:\d+\/api\/auth) +\(.*; demo page (http:\/\/\S+)\)\n {17}account (\S+) \(or username (\S+)\) \/ (\S+),/m,
    );
    assert.ok(line, `the banner names the page and the account:\n${output}`);
    ba = { serverUrl: line[1], page: line[2], account: { email: line[3], username: line[4], password: line[5] } };
    assert.equal(ba.page, new URL('demo/better-auth.html', demo.url).href);
    assert.deepEqual(ba.account, { email: 'ada@example.test', username: 'ada', password: 'lovelace-secret' });
    const config = await (await fetch(new URL('/demo/config.js', demo.url))).text();
    assert.ok(config.includes(JSON.stringify(ba.serverUrl)), config);

    const contextOptions = {
      ...pageOptions,
      userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`,
    };
    baPage = await (await browser.newContext(contextOptions)).newPage();
    watchPage(baPage, baConsoleMessages, baPageErrors);
    phonePage = await (await browser.newContext({ ...pageOptions, userAgent: iPhoneUserAgent })).newPage();
    watchPage(phonePage, phoneConsoleMessages, phonePageErrors);
  });

  test('the Better Auth page starts signed out, with the demo account and an empty session list', async () => {
    await baPage.goto(ba.page);
    await baPage.waitForSelector('user-session:defined');
    assert.equal(await baPage.getAttribute('user-session', 'server-url'), ba.serverUrl);
    assert.equal(await baPage.getAttribute('user-session', 'backend'), 'better-auth');
    assert.equal(await baPage.getAttribute('user-session', 'authenticated'), null);
    assert.equal(await baPage.textContent('#status-text'), 'Signed out');
    assert.equal(await baPage.textContent('#account'), 'ada@example.test (or ada) / lovelace-secret');
    assert.equal(await baPage.textContent('#server-url'), ba.serverUrl, 'the footer names the server');
    assert.ok(await baPage.getByLabel('Email or username').isVisible());
    assert.ok(await baPage.getByRole('button', { name: 'Sign in', exact: true }).isVisible());
    assert.ok(await baPage.getByRole('button', { name: 'Create account' }).isVisible());
    assert.ok(
      await baPage.getByText('Sign in to see the devices signed in to your account.').isVisible(),
      "the list's empty slot",
    );
    assert.deepEqual(await listedSessions(baPage), []);
    assert.equal(await baPage.isVisible('.when-signed-in'), false);
    assert.equal(await baPage.textContent('#auth-error'), '', 'no error');
    assert.deepEqual(await readLog(baPage), [], 'no event yet');
    // The other pages link here.
    assert.equal(await page.locator('a[href="/demo/better-auth.html"]').count(), 1, 'from the Parse page');
  });

  test('a wrong password: the alert says so, and the page stays signed out', async () => {
    await baPage.getByLabel('Email or username').fill(ba.account.username);
    await baPage.getByLabel('Password', { exact: true }).fill('not-the-password');
    await baPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await baPage.waitForSelector('#log .entry-failure');
    const log = await readLog(baPage);
    assert.deepEqual(logSummary(log), ['failure <log-in-action>']);
    assert.equal(log[0].detail.error.code, 'invalid-credentials');
    assert.equal(await baPage.getByRole('alert').textContent(), log[0].detail.error.message, 'the alert says why');
    assert.match(log[0].detail.error.message, /^Wrong username or password\./);
    assert.equal(await baPage.evaluate(() => document.activeElement?.id), 'password', 'the focus is back on the password');
    assert.equal(await baPage.getAttribute('user-session', 'authenticated'), null);
    assert.equal(await baPage.evaluate(() => localStorage.getItem('demo/better-auth')), null);
  });

  test('sign-in with the demo account (by email): signed in as Ada, this device in the list', async () => {
    await baPage.getByLabel('Email or username').fill(ba.account.email);
    await baPage.getByLabel('Password', { exact: true }).fill(ba.account.password);
    await baPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await baPage.waitForSelector('user-session[authenticated]');
    await baPage.waitForSelector('#log .entry-success');
    const log = await readLog(baPage);
    assert.deepEqual(logSummary(log), ['failure <log-in-action>', 'logged-in <user-session>', 'success <log-in-action>']);
    assert.equal(log[1].detail.reason, 'log-in');
    assert.equal(log[1].detail.user.email, 'ada@example.test');
    assert.equal(log[1].detail.user.username, 'ada');
    assert.equal(await baPage.textContent('#status-text'), 'Signed in as Ada Lovelace');
    assert.equal(await baPage.textContent('#who-name'), 'Ada Lovelace');
    assert.equal(await baPage.textContent('#who-email'), 'ada@example.test');
    assert.equal(await baPage.textContent('#who-username'), 'ada');
    assert.equal(await baPage.textContent('#auth-error'), '', 'no error');
    assert.ok(await baPage.getByRole('button', { name: 'Sign out my other devices' }).isVisible());
    assert.equal(await baPage.isVisible('#auth-form'), false, 'the form is hidden');
    await waitForListed(baPage, 1);
    assert.deepEqual(await listedSessions(baPage), [{ device: 'Chrome on Linux', thisDevice: true, marker: true, button: null }]);
    baTokens.push(await sessionTokenOf(baPage));
  });

  test('a second browser (an iPhone) signs in as Ada by username; the first lists two sessions; the screenshot', async (t) => {
    await phonePage.goto(ba.page);
    await phonePage.waitForSelector('user-session:defined');
    assert.equal(await phonePage.getAttribute('user-session', 'authenticated'), null, 'another browser: no cookie');
    await phonePage.getByLabel('Email or username').fill(ba.account.username);
    await phonePage.getByLabel('Password', { exact: true }).fill(ba.account.password);
    await phonePage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await phonePage.waitForSelector('user-session[authenticated]');
    assert.equal(await phonePage.textContent('#status-text'), 'Signed in as Ada Lovelace');
    await waitForListed(phonePage, 2);
    const phoneToken = await sessionTokenOf(phonePage);
    assert.notEqual(phoneToken, baTokens[0], 'a session of its own');
    baTokens.push(phoneToken);

    // Back to the first browser: the list asks the server again (as it does when the page is shown again).
    await baPage.bringToFront();
    await baPage.evaluate(() => document.getElementById('sessions').refresh());
    await waitForListed(baPage, 2);
    const listed = await listedSessions(baPage);
    assert.deepEqual(listed[0], { device: 'Chrome on Linux', thisDevice: true, marker: true, button: null }, 'this device first');
    assert.equal(listed[1].device, 'Safari on iPhone');
    assert.equal(listed[1].thisDevice, false);
    assert.equal(listed[1].marker, false);
    assert.match(listed[1].button ?? '', /^Sign out Safari on iPhone, signed in /, "the other device's button, named for it");
    assert.ok(await baPage.getByRole('button', { name: 'Sign out all other devices' }).isVisible());
    assert.equal(await baPage.textContent('#auth-error'), '', 'no error');
    // Both signed in, each with a stored session: no token in either.
    await assertNoToken('first browser', baPage, { signedIn: true });
    await assertNoToken('iPhone', phonePage, { signedIn: true });

    await takeScreenshot(t, baPage, betterAuthScreenshotPath);
  });

  test('"Sign out" on the iPhone from the first browser: one session left; revoked and sessions-change logged', async () => {
    await baPage.getByRole('button', { name: /^Sign out Safari on iPhone/ }).click();
    await baPage.waitForSelector('#log .entry-revoked');
    await waitForListed(baPage, 1);
    assert.deepEqual(await listedSessions(baPage), [{ device: 'Chrome on Linux', thisDevice: true, marker: true, button: null }]);
    assert.equal(await baPage.getByRole('button', { name: 'Sign out all other devices' }).isVisible(), false, 'no other device');
    const status = await baPage.$eval('#sessions', (list) => list.shadowRoot.querySelector('[part=status]').textContent);
    assert.equal(status, 'Signed out Safari on iPhone.');

    const log = await readLog(baPage);
    assert.deepEqual(logSummary(log).slice(3), ['sessions-change <user-session>', 'revoked <session-list>']);
    const { detail } = log[4];
    assert.equal(detail.scope, 'session');
    assert.equal(detail.session.current, false);
    assert.match(detail.session.userAgent, /iPhone/);
    assert.equal(await baPage.getAttribute('user-session', 'authenticated'), '', 'this browser stays signed in');

    // The server: the iPhone's cookie names no session any more.
    const reply = await phonePage.evaluate(
      (url) => fetch(`${url}/get-session`, { credentials: 'include' }).then((res) => res.json()),
      ba.serverUrl,
    );
    assert.equal(reply, null, 'get-session with the revoked cookie');
  });

  test("the iPhone's next check (a reload) finds its session gone: logged-out, reason session-lost", async (t) => {
    await phonePage.bringToFront();
    await phonePage.reload();
    await phonePage.waitForSelector('user-session:defined');
    await phonePage.waitForSelector('#log .entry-logged-out');
    await phonePage.waitForSelector('user-session:not([authenticated])');
    const log = await readLog(phonePage);
    t.diagnostic(`iPhone log: ${logSummary(log).join(', ')}`);
    const out = log.find((entry) => entry.type === 'logged-out');
    assert.equal(out.source, '<user-session>');
    assert.equal(out.detail.reason, 'session-lost');
    assert.equal(await phonePage.textContent('#status-text'), 'Signed out');
    assert.match(await phonePage.textContent('#auth-notice'), /^Your session has ended on the server/);
    assert.ok(await phonePage.getByLabel('Email or username').isVisible(), 'the form is back');
    await waitForListed(phonePage, 0);
    assert.equal(await phonePage.evaluate(() => localStorage.getItem('demo/better-auth')), null, 'forgotten there');
  });

  test('passkeys: "Add a passkey" (Chromium\'s virtual authenticator), sign out, and the username field\'s autofill signs Ada in with it', async () => {
    // A platform authenticator that answers as a person would (presence and screen lock confirmed).
    const cdp = await baPage.context().newCDPSession(baPage);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const entry = (log, type, source) => log.find((e) => e.type === type && e.source === source);
    await baPage.getByRole('button', { name: 'Add a passkey' }).click();
    await baPage.waitForFunction(() => document.getElementById('passkeys').passkeys.length === 1);
    let log = await readLog(baPage);
    const added = entry(log, 'success', '<add-passkey-action>');
    assert.ok(added, `added: ${JSON.stringify(logSummary(log))}`);
    assert.deepEqual(Object.keys(added.detail.passkey).sort(), ['createdAt', 'id', 'synced']);
    assert.match(await baPage.textContent('#auth-notice'), /Passkey added/);
    assert.ok(await baPage.getByRole('button', { name: /^Remove passkey Passkey, added/ }).isVisible());

    // Signed out, the form's username field asks for passkeys (autocomplete="username webauthn"):
    // the authenticator picks Ada's, and she is signed in without typing anything.
    const before = log.length;
    await baPage.locator('#log-out').click();
    await baPage.waitForFunction(
      (n) =>
        [...document.querySelectorAll('#log > li')].slice(0, -n).some((li) => li.textContent.includes('<passkey-log-in-action>')),
      before,
    );
    await baPage.waitForSelector('user-session[authenticated]');
    log = (await readLog(baPage)).slice(before);
    assert.deepEqual(logSummary(log), [
      'logged-out <user-session>',
      'success <log-out-action>',
      'logged-in <user-session>',
      'success <passkey-log-in-action>',
    ]);
    assert.equal(log[2].detail.reason, 'passkey');
    assert.equal(log[3].detail.user.email, 'ada@example.test');
    assert.equal(await baPage.textContent('#who-email'), 'ada@example.test');
    assert.equal(await baPage.textContent('#auth-error'), '', 'no error');
    baTokens.push(await sessionTokenOf(baPage));
    // The credential's id never reached what the page keeps or shows.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    const credentialId = Buffer.from(credentials[0].credentialId, 'base64').toString('base64url');
    const { html, storage, log: logText } = await everythingIn(baPage);
    for (const text of [html, storage, logText]) assert.equal(text.includes(credentialId), false);
    // The authenticator goes: after the next sign-out, the autofill would sign Ada straight back in.
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  });

  test('two-step sign-in on the Better Auth page: turned on (with the password) and used to sign in', async () => {
    const secrets = await twoStepOnDemoPage(baPage, { login: 'ada', password: 'lovelace-secret', recoveryCodes: 10 });
    for (const message of baConsoleMessages) for (const secret of secrets) assert.equal(message.text.includes(secret), false);
    baTokens.push(await sessionTokenOf(baPage));
  });

  test('no session token in either page (DOM, shadow roots, storage, event log) or console; no page errors', async (t) => {
    assert.ok(baTokens.length >= 3, 'the tokens read by earlier tests (the passkey sign-in too)');
    for (const [name, p, messages, errors] of [
      ['first browser', baPage, baConsoleMessages, baPageErrors],
      ['iPhone', phonePage, phoneConsoleMessages, phonePageErrors],
    ]) {
      await assertNoToken(name, p, { signedIn: p === baPage });
      for (const token of baTokens) {
        for (const message of messages) {
          assert.equal(`${message.text}\n${await message.args}`.includes(token), false, `${name}: not in the console`);
        }
      }
      for (const message of messages) t.diagnostic(`${name} console.${message.type}: ${message.text} ${message.url}`);
      assert.deepEqual(
        errors.map((error) => error.message),
        [],
        `${name}: no page errors`,
      );
    }
    // The one console error expected: the browser's note on the wrong password's 401.
    const errors = baConsoleMessages.filter((m) => m.type === 'error');
    assert.deepEqual(
      errors.map((m) => m.url),
      [`${ba.serverUrl}/sign-in/username`],
      `one console error, the 401: ${JSON.stringify(errors.map((m) => m.text))}`,
    );
    assert.match(errors[0].text, /\b401\b/);
    // On the iPhone, at most the browser's note on the 401 of list-sessions: after the reload the
    // restored list asks for the sessions while get-session checks the cookie, and the server
    // refuses the revoked session to both (the list ends empty, with no failure of its own).
    const phoneErrors = phoneConsoleMessages.filter((m) => m.type === 'error');
    assert.ok(
      phoneErrors.every(
        (m) =>
          [`${ba.serverUrl}/list-sessions`, `${ba.serverUrl}/passkey/list-user-passkeys`].includes(m.url) &&
          /\b401\b/.test(m.text),
      ),
      `no console errors on the iPhone but the 401s of the two lists: ${JSON.stringify(phoneErrors.map((m) => `${m.text} ${m.url}`))}`,
    );
    assert.ok(phoneErrors.length <= 2, 'one request per list at most');
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
