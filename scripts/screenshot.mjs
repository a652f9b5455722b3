#!/usr/bin/env node
// `npm run screenshot`: docs/demo.png, the demo page after a fresh random user signed up.
//
// Starts the same thing as `npm start` (startDemo() from scripts/start.mjs) on free ports with
// a throw-away database (so it can run next to `npm start` and leaves no accounts behind),
// drives Debian's Chromium with Playwright: a log-in attempt for a name that has no account
// yet (a `failure` in the event log), then the sign-up, then the screenshot.
//
//   npm run screenshot                                  # docs/demo.png
//   npm run screenshot -- --signed-out /tmp/out.png     # also the signed-out page first
//   CHROMIUM_PATH=/path/to/chrome npm run screenshot
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from './chromium.mjs';
import { startDemo } from './start.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(rootDir, 'docs', 'demo.png') },
    'signed-out': { type: 'string' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '800' },
  },
});

const demo = await startDemo({ dataDir: null, parsePort: 0, port: 0 });
console.log(`Demo at ${demo.url} (Parse ${demo.serverURL}), started in ${(demo.timings.totalMs / 1000).toFixed(2)} s`);

let browser;
try {
  browser = await chromium.launch(chromiumLaunchOptions);
  const page = await browser.newPage({
    viewport: { width: Number(args.width), height: Number(args.height) },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  page.on('pageerror', (error) => console.error('[page error]', error.message));

  await page.goto(demo.url);
  await page.waitForSelector('user-session:defined');

  if (args['signed-out']) {
    await page.screenshot({ path: args['signed-out'] });
    console.log(`Saved ${args['signed-out']} (signed out)`);
  }

  const name = `ada-${Math.random().toString(36).slice(2, 6)}`;
  await page.fill('#username', name);
  await page.fill('#password', 'correct horse battery staple');
  // No account yet: the log-in fails (invalid-credentials), as it would for a newcomer.
  await page.click('log-in-action button');
  await page.waitForSelector('#log .entry-failure');
  await page.fill('#password', 'correct horse battery staple');
  await page.fill('#email', `${name}@example.com`);
  await page.click('sign-up-action button');
  await page.waitForSelector('user-session[authenticated]');
  await page.waitForSelector('#log .entry-success');
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.fonts.ready);

  const out = path.resolve(args.out);
  await mkdir(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`Saved ${path.relative(process.cwd(), out) || out} (signed in as ${name})`);
} finally {
  await browser?.close();
  await demo.stop();
}
