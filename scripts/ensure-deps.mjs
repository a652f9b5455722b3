#!/usr/bin/env node
// Runs before `npm start` and `npm test` (npm's prestart / pretest): on a fresh clone, or after
// package-lock.json changed, it installs the locked dependencies with `npm ci` first, so the
// README's two commands are all a newcomer types. Otherwise it does nothing (one stat each).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockFile = path.join(rootDir, 'package-lock.json');
// npm writes this file at the end of every install.
const installedLock = path.join(rootDir, 'node_modules', '.package-lock.json');

const upToDate = existsSync(installedLock) && statSync(installedLock).mtimeMs >= statSync(lockFile).mtimeMs;
if (!upToDate) {
  console.log('Installing the locked dependencies first (npm ci)…');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: rootDir, stdio: 'inherit' });
  if (npm.status !== 0) {
    console.error('npm ci failed: see above. (It needs the npm registry.)');
    process.exit(npm.status ?? 1);
  }
}
