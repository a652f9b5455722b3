#!/usr/bin/env node
// `npm test`: every test runner of the project, then one closing line "N passed, N failed".
//  1. Web Test Runner in Chromium, Firefox and WebKit (BROWSERS=chromium,firefox to choose), a
//     runner per engine, all at once (TEST_ENGINES_AT_ONCE=1: one after another; see runEngines),
//     WebKit through WebKitWebDriver under a virtual X display (xvfb-run) when there is none;
//  2. node --test for the Node-side tests (server harness, SSR import, the quick start, and the
//     framework apps of examples/frameworks built from the packed kit and driven in Chromium).
// Browsers come from Debian (scripts/browsers.mjs says which package gives which engine). When
// some are missing it installs them with apt-get if it can (root), else it says what to run,
// runs the engines it has, and counts each engine it could not run as 1 failed.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  aptInstall,
  describeMissing,
  installCommand,
  missingFor,
  needsXvfb,
  packagesOf,
  requestedEngines,
  whyNoApt,
} from './browsers.mjs';

const requested = requestedEngines();
const extraArgs = process.argv.slice(2);

// Missing browsers: install them when this process may (once: not again under xvfb-run, which
// gets the outcome in APT_OUTCOME).
let missing = missingFor(requested);
if (missing.length > 0 && !process.env.UNDER_XVFB) {
  const packages = packagesOf(missing);
  if (packages.length > 0 && !whyNoApt()) {
    console.log(`Missing browsers:\n  ${describeMissing(missing).join('\n  ')}`);
    const installed = aptInstall(packages);
    if (installed) console.log(`Installed ${packages.join(' ')}.`);
    process.env.APT_OUTCOME = installed ? 'installed' : 'failed';
    missing = missingFor(requested);
  }
}
// Engines that cannot run: their own binaries are missing, or (WebKit) no X display and no xvfb-run.
const notRunnable = new Set(missing.map((m) => m.name).filter((name) => name !== 'xvfb'));
if (missing.some((m) => m.name === 'xvfb')) notRunnable.add('webkit');
const browsers = requested.filter((name) => !notRunnable.has(name));
const cannotRun = requested.filter((name) => notRunnable.has(name));

const missingNotice = (atEnd) => {
  const packages = packagesOf(missing);
  const reason = whyNoApt();
  return [
    `Cannot run ${cannotRun.join(', ')}: missing on this machine:`,
    ...describeMissing(missing).map((line) => `  ${line}`),
    ...(packages.length > 0
      ? [
          `Install them with:  ${installCommand(packages)}  ` +
            (reason
              ? `(not done automatically: ${reason})`
              : process.env.APT_OUTCOME === 'installed'
                ? '(apt-get installed them, yet the binaries above are still missing: check CHROMIUM_PATH, FIREFOX_PATH, MINIBROWSER_PATH)'
                : '(apt-get failed: see its output above)'),
        ]
      : []),
    `Each engine that could not run counts as 1 failed test.${!atEnd && browsers.length > 0 ? ` Running ${browsers.join(', ')} now.` : ''}`,
  ].join('\n');
};

// WebKit's MiniBrowser needs an X display: re-run this script under xvfb-run (installed above).
if (browsers.includes('webkit') && needsXvfb()) {
  const rerun = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UNDER_XVFB: '1' },
  });
  if (rerun.error || rerun.status === null) {
    console.error(`xvfb-run could not run this script: ${rerun.error?.message ?? `killed by ${rerun.signal}`}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  process.exit(rerun.status);
}

if (cannotRun.length > 0) console.error(`\n${missingNotice(false)}\n`);

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

/** Runs `command`; its output goes to ours, or to `logFile` when given. Resolves to its exit code. */
const run = (command, args, env = {}, logFile) =>
  new Promise((resolve) => {
    const out = logFile ? openSync(logFile, 'w') : 'inherit';
    const child = spawn(command, args, { stdio: ['ignore', out, out], env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => {
      if (logFile) closeSync(out);
      resolve(code ?? (signal ? 1 : 0));
    });
  });

/**
 * Runs the browser tests, one Web Test Runner per engine, `atOnce` of them at a time. Each runner
 * starts servers of its own (Parse, the OpenID Provider, Better Auth, each behind its fault
 * proxy) and serves the pages on a port of its own, so a fault one engine's test sets never
 * reaches another engine's requests, and each engine's pages have their own origin (storage).
 * On two cores the three engines at once take about as long as the slowest of them (when
 * measured alone, Firefox took 18 min, against 38 min for all three one after another): that is
 * the default (`npm test`, CI). On 2026-12-07, at once: Chromium 17 min, Firefox 15, WebKit 10;
 * with the form probes of e739b9f, 19, 17 and 12; at 9cb982e, 11.5, 13.5 and 9.5 (`.ci/run`
 * 16 min 45 s)
 * (Chromium and Firefox through Puppeteer with its network events off, see
 * web-test-runner.config.mjs; the test servers hash passwords cheaply, see cheapScrypt in
 * server/better-auth-harness.mjs and useCheapBcrypt in server/parse-harness.mjs).
 * Both cores are then busy: two runners per engine, six at once, were no faster (tried on
 * 2026-12-07).
 * The failures that load brought out were real races, each fixed with a test (tab news trailing
 * the storage event, Better Auth's cookie answers out of order) or a wait bounded by what the
 * test needs. TEST_ENGINES_AT_ONCE=1 runs one engine at a time. Runners at once print their
 * output whole once each is done, so logs do not interleave.
 */
async function runEngines(engines, atOnce, onRunnerDone = () => {}) {
  const queue = [...engines];
  const results = [];
  const runNext = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const countsFile = join(mkdtempSync(join(tmpdir(), `wtr-${name}-`)), 'counts.json');
      // At once, each runner's output is held and printed whole; one at a time, it shows as it comes.
      const logFile = atOnce > 1 ? join(dirname(countsFile), 'output.log') : undefined;
      const started = Date.now();
      const args = [
        'node_modules/@web/test-runner/dist/bin.js',
        '--static-logging',
        '--port',
        String(await freePort()),
        ...extraArgs,
      ];
      const code = await run(process.execPath, args, { BROWSERS: name, WTR_COUNTS_FILE: countsFile }, logFile);
      console.log(
        `\n──── ${name}: Web Test Runner exited with code ${code} after ${Math.round((Date.now() - started) / 1000)} s ────`,
      );
      if (logFile) process.stdout.write(readFileSync(logFile));
      results.push({ name, code, countsFile });
      onRunnerDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, engines.length) }, runNext));
  return results;
}

// 2. Node tests (files named *.test.mjs under server/test, test/node and test/frameworks). With
// the engines at once they start as soon as the first browser runner ends (the quickest engine
// frees a share of the two cores, and the slowest one no longer waits for them afterwards);
// their output comes as it runs, between the runners' outputs, which are printed whole.
const nodeTestDirs = ['server/test', 'test/node', 'test/frameworks'].filter((dir) => existsSync(dir));
const nodeTests = nodeTestDirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.mjs'))
    .map((f) => join(dir, f)),
);
let nodeRun = null;
/** Runs the Node tests once: resolves to their counts and exit code (`null`: none to run). */
const runNodeTests = () =>
  (nodeRun ??= (async () => {
    if (nodeTests.length === 0 || extraArgs.length > 0) return null;
    const reportFile = join(mkdtempSync(join(tmpdir(), 'node-test-')), 'report.txt');
    const code = await run(process.execPath, [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${reportFile}`,
      ...nodeTests,
    ]);
    const tap = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '';
    const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)`, 'm'))?.[1] ?? 0);
    const counts = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skip') + count('todo') };
    if (!tap) counts.failed++;
    return { code, counts };
  })());

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
let exitCode = 0;

// 1. Browser tests.
for (const name of cannotRun) {
  summary.push(`${name}: not run (browser missing, see below)`);
  totals.failed++;
}
let driver;
if (browsers.includes('webkit')) {
  const port = await freePort();
  driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
  driver.on('error', () => {}); // reported by waitForPort below
  try {
    await waitForPort(port);
    process.env.WEBKIT_DRIVER_PORT = String(port);
  } catch (error) {
    driver.kill();
    driver = undefined;
    console.error(`\nCannot run webkit: ${error.message}.\n`);
    summary.push(`webkit: not run (${error.message})`);
    totals.failed++;
    browsers.splice(browsers.indexOf('webkit'), 1);
  }
}
if (browsers.length > 0) {
  const atOnce = Number(process.env.TEST_ENGINES_AT_ONCE) || 3;
  const results = await runEngines(browsers, atOnce, () => atOnce > 1 && void runNodeTests());
  driver?.kill();
  const slowest = [];
  const slowestTests = [];
  const failures = [];
  for (const { name, code, countsFile } of results) {
    if (code !== 0) exitCode = 1;
    if (existsSync(countsFile)) {
      const counts = JSON.parse(readFileSync(countsFile, 'utf8'));
      slowest.push(...counts.slowest);
      slowestTests.push(...(counts.slowestTests ?? []));
      failures.push(...(counts.failures ?? []));
      for (const [browser, perBrowser] of Object.entries(counts.perBrowser)) {
        summary.push(`${browser}: ${perBrowser.passed} passed, ${perBrowser.failed} failed, ${perBrowser.skipped} skipped`);
        for (const k of Object.keys(totals)) totals[k] += perBrowser[k];
      }
    } else {
      const message = `Web Test Runner (${name}) exited with code ${code} and wrote no test counts: it failed before running the tests (see its output above)`;
      console.error(`\n${message}.`);
      summary.push(`${name}: no results (${message})`);
      totals.failed++;
    }
  }
  console.log("\nSlowest test files (their tests' durations summed):");
  for (const { file, browser, ms } of slowest.sort((a, b) => b.ms - a.ms).slice(0, 10))
    console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${browser}  ${relative(process.cwd(), file)}`);
  console.log('Slowest tests:');
  for (const { name, file, browser, ms } of slowestTests.sort((a, b) => b.ms - a.ms).slice(0, 10))
    console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${browser}  ${relative(process.cwd(), file)}: ${name}`);
  // Last before the counts: CI's record of a run keeps only the tail of the log.
  if (failures.length > 0) console.log('Failed tests:');
  for (const { name, file, browser, error } of failures)
    console.log(`  ${browser}  ${relative(process.cwd(), file)}: ${name}\n      ${error}`);
}

const node = await runNodeTests();
if (node) {
  if (node.code !== 0) exitCode = 1;
  summary.push(`node: ${node.counts.passed} passed, ${node.counts.failed} failed, ${node.counts.skipped} skipped`);
  for (const k of Object.keys(totals)) totals[k] += node.counts[k];
}

console.log('\n' + summary.join('\n'));
if (cannotRun.length > 0) console.error(`\n${missingNotice(true)}`);
if (totals.failed > 0) exitCode = 1;
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(exitCode);
