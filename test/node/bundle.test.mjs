// What a page downloads, per entry point: a page that uses only Parse (the define modules of
// <user-session> and <log-out-action>) gets no MemoryBackend; the package entry does.
// Bundled from src/ with esbuild, as a page's bundler would, so no build step is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';

/** The source files that end up in a bundle of `entries` (with bytes in the output). */
async function bundledFiles(entries) {
  const result = await build({
    stdin: { contents: entries.map((e) => `export * from './${e}';`).join('\n'), resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    metafile: true,
    ignoreAnnotations: true,
    external: ['@lit/*'],
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
}

test('a Parse page (define/user-session + define/log-out-action) does not download MemoryBackend', async () => {
  const files = await bundledFiles(['src/define/user-session.ts', 'src/define/log-out-action.ts']);
  assert.ok(files.includes('src/backends/parse.ts'), `ParseBackend is in: ${files.join(', ')}`);
  assert.ok(!files.includes('src/backends/memory.ts'), 'MemoryBackend must not be in the Parse pair');
  assert.ok(
    !files.includes('src/elements/set-user-properties-action.ts'),
    '<set-user-properties-action> must not be in the Parse pair',
  );
  assert.ok(!files.includes('src/elements/session-list.ts'), '<session-list> must not be in the Parse pair');
});

test('user-session-elements/define/session-list.js brings <session-list> alone (no other action, no MemoryBackend)', async () => {
  const files = await bundledFiles(['src/define/session-list.ts']);
  assert.ok(files.includes('src/elements/session-list.ts'));
  assert.ok(!files.includes('src/backends/memory.ts'));
  assert.ok(!files.includes('src/elements/log-out-action.ts'));
});

test('the package entry does include MemoryBackend (backend="memory" works with it)', async () => {
  const files = await bundledFiles(['src/index.ts']);
  assert.ok(files.includes('src/elements/session-list.ts'), '<session-list> is in the one-file bundle entry');
  assert.ok(files.includes('src/backends/memory.ts'));
  assert.ok(files.includes('src/define/memory-backend.ts'));
});

test('a Parse page and the package entry do not download the OIDC backend or oauth4webapi', async () => {
  for (const entries of [['src/define/user-session.ts', 'src/define/log-out-action.ts'], ['src/index.ts']]) {
    const files = await bundledFiles(entries);
    const oidc = files.filter((file) => file.includes('oidc') || file.includes('oauth4webapi'));
    assert.deepEqual(oidc, [], `${entries.join(' + ')} bundles ${oidc.join(', ')}`);
  }
});

test('user-session-elements/oidc.js brings the OIDC backend with oauth4webapi', async () => {
  const files = await bundledFiles(['src/define/oidc-backend.ts']);
  assert.ok(files.includes('src/backends/oidc.ts'));
  assert.ok(
    files.some((file) => file.includes('node_modules/oauth4webapi/')),
    files.join(', '),
  );
});
