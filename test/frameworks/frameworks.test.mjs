// The kit in real framework apps (examples/frameworks: React 19, Preact, Vue 3, Svelte 5,
// Angular), installed from its packed tarball, built in development mode with each framework's
// own tool, and driven in headless Chromium (test/frameworks/driver.mjs says what is checked).
// The React app also signs in against a real Parse Server (embedded PostgreSQL, server/).
//
//   node --test test/frameworks/frameworks.test.mjs          # all five (npm test runs it too)
//   FRAMEWORKS=react,vue node --test test/frameworks/…        # some of them
import assert from 'node:assert/strict';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';
import { startParseServer } from '../../server/index.mjs';
import { apps, buildApps } from './apps.mjs';
import { drive, driveAgainstParse } from './driver.mjs';

const chosen = (process.env.FRAMEWORKS ?? Object.keys(apps).join(',')).split(',').filter((app) => app in apps);

const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
};

/** Serves each built app at /<app>/ (its index.html for the directory). */
function serve(sites) {
  const server = createServer((req, res) => {
    const [, app, ...rest] = decodeURIComponent(new URL(req.url, 'http://x').pathname).split('/');
    const root = sites[app];
    let file = root && path.join(root, ...rest);
    if (file && !file.startsWith(root)) file = undefined;
    if (file && existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the kit in framework apps, from the packed tarball, in Chromium', { timeout: 900_000 }, () => {
  let built;
  let server;
  let origin;
  let browser;
  /** The Parse Server for the React app, started while the apps build (or why it could not start). */
  let parse;

  before(async () => {
    const started = performance.now();
    const parseStarting = chosen.includes('react') ? startParseServer().catch((error) => error) : null;
    built = await buildApps({ only: chosen, log: (line) => console.log(line) });
    parse = await parseStarting;
    server = await serve(built.sites);
    origin = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch(chromiumLaunchOptions);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`framework apps ready in ${seconds} s ${JSON.stringify(built.timings)}`);
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (parse && !(parse instanceof Error)) await parse.stop();
  });

  /** Runs `scenario` on a page of a fresh browser context (its own storage). */
  async function onNewPage(scenario) {
    const context = await browser.newContext();
    try {
      await scenario(await context.newPage());
    } finally {
      await context.close();
    }
  }

  for (const app of chosen) {
    describe(app, () => {
      test('builds in development mode without a warning', () => {
        const { code, output, warnings } = built.builds[app];
        assert.equal(code, 0, `the ${app} build failed:\n${output}`);
        assert.equal(warnings, '', `the ${app} build warned`);
      });

      test('signs in and out; properties, events, re-renders and remounts work; no console warning', async () => {
        assert.equal(built.builds[app].code, 0, `the ${app} app did not build`);
        await onNewPage((page) => drive(page, `${origin}/${app}/`));
      });

      if (app !== 'react') return;
      test('signs in against a real Parse Server, restores and checks the session on reload, revokes it on log-out', async () => {
        assert.equal(built.builds[app].code, 0, `the ${app} app did not build`);
        if (parse instanceof Error) throw parse;
        const username = `fw-${Date.now().toString(36)}`;
        const password = 'correct horse battery';
        const signUp = await fetch(`${parse.serverURL}/users`, {
          method: 'POST',
          headers: { 'X-Parse-Application-Id': parse.appId, 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, password, nickname: 'Ada' }),
        });
        assert.equal(signUp.status, 201, 'the account was created');
        const { serverURL, appId } = parse;
        await onNewPage((page) => driveAgainstParse(page, `${origin}/${app}/`, { serverURL, appId, username, password }));
      });
    });
  }
});
