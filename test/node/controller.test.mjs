// SessionController in Node: no document, no window, no Web Storage — proof that the state
// model needs no DOM. The controller and MemoryBackend are bundled from src/ with esbuild.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

async function loadSessionModules() {
  const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.controller-'));
  try {
    const outfile = join(dir, 'controller.mjs');
    await build({
      stdin: {
        contents: `export { SessionController } from './src/session/controller.ts'; export { MemoryBackend } from './src/backends/memory.ts';`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SessionController signs in and out in Node, with no DOM at all', async () => {
  assert.equal(typeof document, 'undefined');
  const { SessionController, MemoryBackend } = await loadSessionModules();
  const backend = new MemoryBackend({ users: [{ username: 'ada', password: 'pw' }] });
  const controllers = [];
  const host = {
    addController: (c) => controllers.push(c),
    removeController() {},
    requestUpdate() {},
    updateComplete: Promise.resolve(true),
  };
  const changes = [];
  const controller = new SessionController(
    host,
    () => ({ backend, storage: 'memory', storageKey: 'node/test', timeout: 1000 }),
    (change) => changes.push(`${change.type}:${change.reason ?? ''}`),
  );
  assert.deepEqual(controllers, [controller]);
  controller.hostConnected();
  const user = await controller.logIn('ada', 'pw');
  assert.equal(user.username, 'ada');
  assert.equal(backend.activeSessions, 1);
  const result = await controller.logOut();
  assert.deepEqual(result, { ok: true, scope: 'current', revoked: true, signedOutLocally: true, revocationPending: false });
  assert.equal(backend.activeSessions, 0);
  assert.deepEqual(changes, ['logged-in:log-in', 'logged-out:log-out']);
  controller.hostDisconnected();
});
