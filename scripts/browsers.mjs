#!/usr/bin/env node
// The one place that knows which Debian package gives each test engine and which binaries it
// needs (test tools cannot download browsers on these machines). Used by scripts/test.mjs,
// web-test-runner.config.mjs, scripts/chromium.mjs and .ci/run. No dependencies: .ci/run calls
// it before `npm ci`.
//
//   node scripts/browsers.mjs            which engines of $BROWSERS are missing (exit 1 if any)
//   node scripts/browsers.mjs --install  install the missing ones with apt-get (as root)
//
// CHROMIUM_PATH, FIREFOX_PATH and MINIBROWSER_PATH point at other binaries (a missing path
// makes that engine count as missing, which is also how to try the missing-browser path).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const miniBrowserPath = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Each engine: the binaries it needs (absolute paths, or names looked up on PATH) and the Debian packages that give them. */
export const engines = {
  chromium: { binaries: [chromiumPath], packages: ['chromium'] },
  firefox: { binaries: [firefoxPath], packages: ['firefox-esr'] },
  webkit: { binaries: ['WebKitWebDriver', miniBrowserPath], packages: ['webkit2gtk-driver'] },
};
/** A virtual X display, which WebKit's MiniBrowser needs when there is no DISPLAY. */
export const xvfb = { binaries: ['xvfb-run', 'xauth'], packages: ['xvfb', 'xauth'] };

export const allEngines = Object.keys(engines);

/** The engines asked for in $BROWSERS (comma-separated; default all). */
export function requestedEngines(env = process.env) {
  return (env.BROWSERS ?? allEngines.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** Whether WebKit needs xvfb-run here: no X display, and not already under xvfb-run. */
export const needsXvfb = (env = process.env) => !env.DISPLAY && !env.UNDER_XVFB;

/** The full path of an executable (absolute path, or a name on PATH), or undefined. */
export function findBinary(name, env = process.env) {
  const candidates = isAbsolute(name)
    ? [name]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * What is missing for these engines: `[{ name, binaries, packages }]`, one entry per engine
 * (unknown engine names get `unknown: true`), plus one named `xvfb` when WebKit is asked for
 * without an X display and xvfb-run or xauth is missing.
 */
export function missingFor(names, env = process.env) {
  const missing = [];
  for (const name of names) {
    const engine = engines[name];
    if (!engine) {
      missing.push({ name, binaries: [], packages: [], unknown: true });
      continue;
    }
    const absent = engine.binaries.filter((binary) => !findBinary(binary, env));
    if (absent.length > 0) missing.push({ name, binaries: absent, packages: engine.packages });
  }
  if (names.includes('webkit') && needsXvfb(env)) {
    const absent = xvfb.binaries.filter((binary) => !findBinary(binary, env));
    if (absent.length > 0) missing.push({ name: 'xvfb', binaries: absent, packages: xvfb.packages });
  }
  return missing;
}

/** The Debian packages that would supply these missing things, without repeats. */
export const packagesOf = (missing) => [...new Set(missing.flatMap((m) => m.packages))];

/** Why apt-get cannot be used here (a sentence), or undefined when it can. */
export function whyNoApt(env = process.env) {
  if (!findBinary('apt-get', env)) return 'this machine has no apt-get';
  if (process.getuid?.() !== 0) return 'installing needs root';
  return undefined;
}

/** The command a person should run to install these packages. */
export const installCommand = (packages) => `${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;

/**
 * Installs the packages with apt-get, as .ci/run always has (`apt-get update -qq && apt-get
 * install -y -qq …`, non-interactive). Prints what it installs; apt's output only on failure.
 * Returns true on success.
 */
export function aptInstall(packages, log = console.log) {
  log(`Installing ${packages.join(' ')} from Debian (apt-get update && apt-get install -y ${packages.join(' ')})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...packages],
  ]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
      console.error(
        `apt-get ${args[0]} failed (${result.error?.message ?? `exit code ${result.status}`})${output ? `:\n${output}` : ''}`,
      );
      return false;
    }
  }
  return true;
}

/** One line per missing thing: "webkit: no WebKitWebDriver (package webkit2gtk-driver)". */
export const describeMissing = (missing) =>
  missing.map((m) =>
    m.unknown
      ? `${m.name}: not an engine this project knows (use ${allEngines.join(', ')})`
      : `${m.name}: no ${m.binaries.join(', no ')} (package ${m.packages.join(' ')})`,
  );

// Command line (.ci/run): report, or install with --install.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = requestedEngines();
  let missing = missingFor(names);
  if (missing.length > 0 && process.argv.includes('--install')) {
    const packages = packagesOf(missing);
    const reason = whyNoApt();
    if (packages.length > 0 && !reason) aptInstall(packages);
    else if (packages.length > 0) console.error(`Cannot install ${packages.join(' ')}: ${reason}.`);
    missing = missingFor(names);
  }
  if (missing.length > 0) {
    console.error(`Missing for ${names.join(', ')}:\n  ${describeMissing(missing).join('\n  ')}`);
    const packages = packagesOf(missing);
    if (packages.length > 0) console.error(`Install with: ${installCommand(packages)}`);
    process.exit(1);
  }
  console.log(`Browsers ready: ${names.join(', ')}.`);
}
