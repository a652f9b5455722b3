// Builds the example apps of examples/frameworks the way a user of the kit would get them: the kit
// packed with `npm pack`, each app's dependencies installed from its lock (one npm workspace), the
// kit from the tarball, each app built with its framework's usual tool in development mode (dev
// builds are where React, Vue and Angular warn). Once per test run, in a work dir outside the
// source tree (.cache/framework-apps, not under node_modules: TypeScript would take the apps'
// own files for library code); installed dependencies are kept there between runs while the
// locks are unchanged, so a second run only repacks the kit and rebuilds.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const examplesDir = path.join(rootDir, 'examples', 'frameworks');
export const workDir = path.join(rootDir, '.cache', 'framework-apps');
const kitTarball = 'user-session-elements.tgz';

/** Each app: how it is built (in development mode) and where the built site lands. */
export const apps = {
  react: { build: ['vite', 'build', '--mode', 'development'], out: 'dist' },
  preact: { build: ['vite', 'build', '--mode', 'development'], out: 'dist' },
  vue: { build: ['vite', 'build', '--mode', 'development'], out: 'dist' },
  svelte: { build: ['vite', 'build', '--mode', 'development'], out: 'dist' },
  angular: { build: ['ng', 'build', '--configuration', 'development'], out: 'dist/browser' },
};

/** Runs a command; resolves to { code, stdout, stderr, ms }. */
export function run(command, args, options = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) =>
      resolve({ code: 1, stdout, stderr: `${stderr}${error.message}`, ms: performance.now() - started }),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - started }));
  });
}

async function mustRun(what, command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`.trim());
  return result;
}

/** The newest modification time under a directory. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs);
  }
  return latest;
}

/** `dist/` as `npm pack` ships it: rebuilt when a source file is newer (CI has just built it). */
async function ensureBuiltKit() {
  const built = path.join(rootDir, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(path.join(rootDir, 'src'))) return;
  await mustRun('npm run build', 'npm', ['run', 'build'], { cwd: rootDir });
}

/** What decides the installed dependencies: every package.json and the lock. */
function dependencyStamp() {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json', ...Object.keys(apps).map((app) => `${app}/package.json`)]) {
    hash.update(file).update(readFileSync(path.join(examplesDir, file)));
  }
  return hash.digest('hex');
}

/** Runs `tasks` (functions returning promises), at most `limit` at a time; resolves to their results in order. */
async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * Packs the kit, installs every app's dependencies and builds the `only` ones. Resolves to
 * `{ dir, sites: { app: builtDir }, builds: { app: { code, output, warnings, ms } }, timings }`;
 * a failed build is reported in `builds`, not thrown, so each app's own test says what broke.
 */
export async function buildApps({ only = Object.keys(apps), log = () => {} } = {}) {
  const timings = {};
  let started = performance.now();
  const lap = (name) => {
    timings[name] = Math.round(performance.now() - started);
    started = performance.now();
  };

  await ensureBuiltKit();
  mkdirSync(workDir, { recursive: true });
  // The sources afresh (node_modules kept): an app file removed upstream must not linger.
  for (const entry of readdirSync(workDir))
    if (entry !== 'node_modules') rmSync(path.join(workDir, entry), { recursive: true, force: true });
  const skip = new Set(['node_modules', 'dist', '.angular', kitTarball]);
  cpSync(examplesDir, workDir, { recursive: true, filter: (source) => !skip.has(path.basename(source)) });

  const packed = await mustRun('npm pack', 'npm', ['pack', '--silent', '--pack-destination', workDir], { cwd: rootDir });
  renameSync(path.join(workDir, packed.stdout.trim().split('\n').pop()), path.join(workDir, kitTarball));
  lap('pack');

  // The lock names the kit by path only: a stale integrity would make npm take its cached copy.
  const lockFile = path.join(workDir, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  delete lock.packages['node_modules/user-session-elements']?.integrity;
  writeFileSync(lockFile, JSON.stringify(lock, null, 2));

  const stampFile = path.join(workDir, 'node_modules', '.framework-apps-stamp');
  const stamp = dependencyStamp();
  const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log('framework apps: dependencies unchanged, installing the new kit tarball only');
    await mustRun(
      'npm install (the kit tarball)',
      'npm',
      ['install', '--no-save', '--prefer-offline', '--ignore-scripts', `./${kitTarball}`],
      {
        cwd: workDir,
        env: npmEnv,
      },
    );
  } else {
    log('framework apps: npm ci (React, Preact, Vue, Svelte, Angular and the kit tarball)…');
    await mustRun('npm ci in examples/frameworks', 'npm', ['ci', '--prefer-offline'], { cwd: workDir, env: npmEnv });
    writeFileSync(stampFile, stamp);
  }
  lap('install');

  // Two at a time: the machine has two cores.
  const bin = (name) => path.join(workDir, 'node_modules', '.bin', name);
  const env = { ...process.env, NODE_ENV: 'development', NG_CLI_ANALYTICS: 'false', CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
  const names = only;
  const results = await pool(
    names.map((app) => async () => {
      const [command, ...args] = apps[app].build;
      const result = await run(bin(command), args, { cwd: path.join(workDir, app), env });
      log(`framework apps: built ${app} in ${(result.ms / 1000).toFixed(1)} s${result.code === 0 ? '' : ' (FAILED)'}`);
      return result;
    }),
    2,
  );
  lap('build');

  const builds = {};
  const sites = {};
  names.forEach((app, i) => {
    const { code, stdout, stderr, ms } = results[i];
    // Every tool here prints its warnings (Svelte's compiler checks, Angular's template checks) on stderr.
    // Rolldown's PLUGIN_TIMINGS notice (plugins slow on a busy machine) says nothing about the app.
    const warnings = stripVTControlCharacters(stderr)
      .replace(/\[PLUGIN_TIMINGS\][\s\S]*?\nSee https:\/\/rolldown\.rs\/[^\n]*\n?/g, '')
      .trim();
    builds[app] = { code, output: `${stdout}\n${stderr}`.trim(), warnings, ms: Math.round(ms) };
    sites[app] = path.join(workDir, app, apps[app].out);
  });
  return { dir: workDir, sites, builds, timings };
}
