// The kit in real framework apps (examples/frameworks: React 19, Preact, Vue 3, Svelte 5,
// Angular), installed from its packed tarball, built in development mode with each framework's
// own tool, and driven in headless Chromium (test/frameworks/driver.mjs says what is checked).
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
import { apps, buildApps } from './apps.mjs';
import { drive } from './driver.mjs';

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

describe(
  'the kit in React, Preact, Vue, Svelte and Angular apps (built from the packed tarball, in Chromium)',
  { timeout: 900_000 },
  () => {
    let built;
    let server;
    let origin;
    let browser;

    before(async () => {
      const started = performance.now();
      built = await buildApps({ only: chosen, log: (line) => console.log(line) });
      server = await serve(built.sites);
      origin = `http://127.0.0.1:${server.address().port}`;
      browser = await chromium.launch(chromiumLaunchOptions);
      console.log(
        `framework apps ready in ${((performance.now() - started) / 1000).toFixed(1)} s ${JSON.stringify(built.timings)}`,
      );
    });

    after(async () => {
      await browser?.close();
      server?.close();
    });

    for (const app of chosen) {
      describe(app, () => {
        test('builds in development mode without a warning', () => {
          const { code, output, warnings } = built.builds[app];
          assert.equal(code, 0, `the ${app} build failed:\n${output}`);
          assert.equal(warnings, '', `the ${app} build warned`);
        });

        test('signs in and out; properties, events, re-renders and remounts work; no console warning', async () => {
          assert.equal(built.builds[app].code, 0, `the ${app} app did not build`);
          const context = await browser.newContext();
          try {
            await drive(await context.newPage(), `${origin}/${app}/`);
          } finally {
            await context.close();
          }
        });
      });
    }
  },
);
