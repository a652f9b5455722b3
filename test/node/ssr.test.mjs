// Server-side rendering safety: importing the package entry in Node must not throw, and must
// leave the public API usable (SPEC §6). The entry is bundled from src/ with esbuild, lit kept
// as a package import so Node resolves lit's own Node build.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

test('importing the package entry in Node does not throw and exports the API', async () => {
  const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.ssr-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await build({
      entryPoints: ['src/index.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile,
      logLevel: 'silent',
      tsconfig: 'tsconfig.json',
    });
    const kit = await import(pathToFileURL(outfile).href);
    for (const name of [
      'UserSessionElement',
      'LogOutActionElement',
      'LogInActionElement',
      'SignUpActionElement',
      'AuthError',
      'MemoryBackend',
      'ParseBackend',
    ]) {
      assert.equal(typeof kit[name], 'function', `${name} is exported`);
    }
    const error = new kit.AuthError('network');
    assert.equal(error.code, 'network');
    assert.match(error.message, /unreachable/);
    const memory = new kit.MemoryBackend({ users: [{ username: 'ada', password: 'pw' }] });
    const session = await memory.logIn('ada', 'pw');
    assert.equal(session.user.username, 'ada');
    assert.equal('sessionToken' in session.user, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
