#!/usr/bin/env node
// `npm test`: every test runner of the project, then one closing line "N passed, N failed".
//  1. Web Test Runner in Chromium, Firefox and WebKit (BROWSERS=chromium,firefox to choose),
//     WebKit through WebKitWebDriver under a virtual X display (xvfb-run) when there is none;
//  2. node --test for the Node-side tests (server harness, SSR import) when there are any.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const browsers = (process.env.BROWSERS ?? 'chromium,firefox,webkit').split(',').filter(Boolean);
const extraArgs = process.argv.slice(2);

// WebKit's MiniBrowser needs an X display: re-run this script under xvfb-run.
if (browsers.includes('webkit') && !process.env.DISPLAY && !process.env.UNDER_XVFB) {
  const run = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UNDER_XVFB: '1' },
  });
  process.exit(run.status ?? 1);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const waitForPort = async (port, ms = 10000) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not start on port ${port}`);
};

const run = (command, args, env = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
let exitCode = 0;

// 1. Browser tests.
if (browsers.length > 0) {
  let driver;
  const env = { BROWSERS: browsers.join(',') };
  if (browsers.includes('webkit')) {
    const port = await freePort();
    driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
    await waitForPort(port);
    env.WEBKIT_DRIVER_PORT = String(port);
  }
  const countsFile = join(mkdtempSync(join(tmpdir(), 'wtr-')), 'counts.json');
  const code = await run(process.execPath, ['node_modules/@web/test-runner/dist/bin.js', '--static-logging', ...extraArgs], {
    ...env,
    WTR_COUNTS_FILE: countsFile,
  });
  driver?.kill();
  if (code !== 0) exitCode = 1;
  if (existsSync(countsFile)) {
    for (const [browser, counts] of Object.entries(JSON.parse(readFileSync(countsFile, 'utf8')))) {
      summary.push(`${browser}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
      for (const k of Object.keys(totals)) totals[k] += counts[k];
    }
  } else {
    summary.push('browser tests: no results (the runner failed to start)');
    totals.failed++;
  }
}

// 2. Node tests (files named *.test.mjs under server/test and test/node).
const nodeTestDirs = ['server/test', 'test/node'].filter((dir) => existsSync(dir));
const nodeTests = nodeTestDirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.mjs'))
    .map((f) => join(dir, f)),
);
if (nodeTests.length > 0 && extraArgs.length === 0) {
  const reportFile = join(mkdtempSync(join(tmpdir(), 'node-test-')), 'report.txt');
  const code = await run(process.execPath, [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${reportFile}`,
    ...nodeTests,
  ]);
  if (code !== 0) exitCode = 1;
  const tap = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '';
  const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)`, 'm'))?.[1] ?? 0);
  const node = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skip') + count('todo') };
  if (!tap) node.failed++;
  summary.push(`node: ${node.passed} passed, ${node.failed} failed, ${node.skipped} skipped`);
  for (const k of Object.keys(totals)) totals[k] += node[k];
}

console.log('\n' + summary.join('\n'));
if (totals.failed > 0) exitCode = 1;
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(exitCode);
