// What a page downloads, per entry point (SPEC §10): the define module of each tag and backend
// brings the core and the features it needs, nothing else; a feature a page did not import is
// a chunk of its own, loaded on first use. Bundled from src/ with esbuild, as a page's bundler
// would, so no build step is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { lazyChunksApart } from '../../scripts/lazy-chunks-apart.mjs';

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
    plugins: [lazyChunksApart],
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
}

const features = ['sign-in', 'redirect-sign-in', 'server-session', 'sessions', 'update-user', 'mail', 'watch'];
/** The feature modules in a bundle (not the helpers features share: sign-in-flow, on-session, user-fields). */
const featureFiles = (files) => files.filter((file) => features.some((name) => file === `src/features/${name}.ts`));
const parsePair = ['src/define/user-session.ts', 'src/define/log-out-action.ts'];

test('a Parse page (define/user-session + define/log-out-action) is the core and Parse: no feature, no other backend', async () => {
  const files = await bundledFiles(parsePair);
  assert.ok(files.includes('src/backends/parse.ts'), `ParseBackend is in: ${files.join(', ')}`);
  assert.ok(files.includes('src/session/controller.ts'));
  assert.deepEqual(featureFiles(files), [], 'no feature in the Parse pair (watch, sessions, sign-in, OIDC…)');
  for (const other of ['memory', 'oidc', 'better-auth'])
    assert.ok(!files.includes(`src/backends/${other}.ts`), `${other} must not be in`);
  assert.ok(!files.some((file) => file.includes('oauth4webapi')), 'no oauth4webapi');
  for (const tag of ['set-user-properties-action', 'session-list', 'log-in-action', 'sign-up-action'])
    assert.ok(!files.includes(`src/elements/${tag}.ts`), `<${tag}> must not be in the Parse pair`);
});

test('a Parse page reads on first use what a log-out `current` never needs: the other sessions, account requests, the outbox sender', async () => {
  const files = await bundledFiles(parsePair);
  // Log-out `others` / `all`, listSessions and revokeSession (SPEC §10: session management is no core).
  assert.ok(!files.includes('src/backends/parse-sessions.ts'), "the user's other sessions are a chunk of their own");
  assert.ok(!files.includes('src/backends/parse-account.ts'), 'updateUser and the mail requests are a chunk of their own');
  // Queueing a revocation is core (it must work offline); sending the queue again is read when there is one.
  assert.ok(files.includes('src/session/outbox.ts'));
  assert.ok(!files.includes('src/session/outbox-sender.ts'), 'the outbox sender is a chunk of its own');
});

test('a sign-in page adds the sign-in feature only', async () => {
  const files = await bundledFiles([...parsePair, 'src/define/log-in-action.ts', 'src/define/sign-up-action.ts']);
  assert.deepEqual(featureFiles(files), ['src/features/sign-in.ts']);
});

test('an OpenID Connect page (oidc.js + define/log-out-action) has no Parse code, and redirect sign-in only', async () => {
  const files = await bundledFiles(['src/define/oidc-backend.ts', 'src/define/log-out-action.ts']);
  assert.ok(files.includes('src/backends/oidc.ts'));
  assert.ok(files.includes('src/elements/user-session.ts'), 'oidc.js defines <user-session> itself');
  assert.ok(!files.includes('src/backends/parse.ts'), 'no ParseBackend on an OIDC page');
  assert.deepEqual(featureFiles(files), ['src/features/redirect-sign-in.ts']);
});

test('a Better Auth page (better-auth.js + define/log-out-action) has no Parse code, and cookie take-up only', async () => {
  const files = await bundledFiles(['src/define/better-auth-backend.ts', 'src/define/log-out-action.ts']);
  assert.ok(files.includes('src/backends/better-auth.ts'));
  assert.ok(!files.includes('src/backends/parse.ts'), 'no ParseBackend on a Better Auth page');
  assert.deepEqual(featureFiles(files), ['src/features/server-session.ts']);
});

test('a Better Auth page reads its password sign-in and sign-up on first use; the cookie lock is in', async () => {
  const files = await bundledFiles(['src/define/better-auth-backend.ts', 'src/define/log-out-action.ts']);
  assert.ok(!files.includes('src/backends/better-auth-sign-in.ts'), 'password sign-in and sign-up are a chunk of their own');
  assert.ok(files.includes('src/internal/web-lock.ts'), 'sign-out and check hold the cookie lock');
});

test('each tag brings the feature it needs, and only that one', async () => {
  const needs = {
    'log-in-action': ['sign-in'],
    'sign-up-action': ['sign-in'],
    'session-list': ['sessions'],
    'set-user-properties-action': ['update-user'],
    'request-password-reset-action': ['mail'],
    'request-verification-email-action': ['mail'],
    'log-out-action': [],
  };
  for (const [tag, wanted] of Object.entries(needs)) {
    const files = await bundledFiles([`src/define/${tag}.ts`]);
    assert.deepEqual(featureFiles(files).sort(), wanted.map((name) => `src/features/${name}.ts`).sort(), tag);
    assert.ok(!files.includes('src/backends/parse.ts') || tag === 'user-session', `${tag} brings no backend`);
  }
});

test('each feature module brings its own code and no other feature, no backend, no element', async () => {
  for (const name of features) {
    const files = await bundledFiles([`src/define/features/${name}.ts`]);
    assert.deepEqual(featureFiles(files), [`src/features/${name}.ts`], name);
    assert.ok(
      !files.some(
        (file) => file.startsWith('src/backends/') && !file.endsWith('backend.ts') && !file.endsWith('session-codec.ts'),
      ),
      `${name}: ${files.join(', ')}`,
    );
    assert.ok(!files.some((file) => file.startsWith('src/elements/')), `${name} brings no element`);
  }
});

test('a feature a page did not import is a chunk of its own, loaded on first use', async () => {
  const result = await build({
    entryPoints: parsePair,
    bundle: true,
    splitting: true,
    format: 'esm',
    write: false,
    outdir: 'out',
    metafile: true,
    ignoreAnnotations: true,
    external: ['@lit/*'],
    logLevel: 'silent',
  });
  const chunksWith = (source) =>
    Object.values(result.metafile.outputs).filter(
      (output) => output.inputs[source]?.bytesInOutput > 0 && !parsePair.includes(output.entryPoint),
    );
  for (const name of features)
    assert.equal(chunksWith(`src/features/${name}.ts`).length, 1, `src/features/${name}.ts is one lazy chunk`);
});

test('the package entry has every feature but redirect sign-in (a chunk on first use), and the Parse, Memory and Better Auth backends, not OIDC', async () => {
  const files = await bundledFiles(['src/index.ts']);
  assert.deepEqual(
    featureFiles(files)
      .filter((f) => !f.endsWith('user-fields.ts'))
      .sort(),
    features
      .filter((n) => n !== 'redirect-sign-in')
      .map((n) => `src/features/${n}.ts`)
      .sort(),
  );
  for (const backend of ['parse', 'memory', 'better-auth']) assert.ok(files.includes(`src/backends/${backend}.ts`), backend);
  const oidc = files.filter((file) => file.includes('oidc') || file.includes('oauth4webapi'));
  assert.deepEqual(oidc, []);
});

test('user-session-elements/oidc.js brings the OIDC backend with oauth4webapi', async () => {
  const files = await bundledFiles(['src/define/oidc-backend.ts']);
  assert.ok(files.includes('src/backends/oidc.ts'));
  assert.ok(
    files.some((file) => file.includes('node_modules/oauth4webapi/')),
    files.join(', '),
  );
});

test('the resolver imports no backend', async () => {
  const files = await bundledFiles(['src/backends/resolve.ts']);
  assert.deepEqual(
    files.filter((file) => /src\/backends\/(parse|oidc|better-auth|memory)\.ts$/.test(file)),
    [],
  );
});

// The one-file bundles that `npm run build` writes (CI builds before it tests), by their source maps.
import { existsSync, readFileSync } from 'node:fs';
const sourcesOf = (file) => JSON.parse(readFileSync(`dist/${file}.map`, 'utf8')).sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
const built = existsSync('dist/user-session-elements.min.js.map') && existsSync('dist/user-session-elements-oidc.min.js.map');

test(
  'the one-file bundle without OIDC leaves out redirect sign-in (its loader refuses, naming the oidc file); the oidc one has it',
  { skip: !built && 'run npm run build first' },
  () => {
    const plain = sourcesOf('user-session-elements.min.js');
    const oidc = sourcesOf('user-session-elements-oidc.min.js');
    assert.equal(plain.includes('src/features/redirect-sign-in.ts'), false);
    assert.equal(oidc.includes('src/features/redirect-sign-in.ts'), true);
    assert.match(
      readFileSync('dist/user-session-elements.min.js', 'utf8'),
      /Redirect sign-in is not in this file: use user-session-elements-oidc\.min\.js/,
    );
  },
);

test(
  'the one-file bundles load no feature on first use: the stand-in for load-feature.ts, no loaders, no chunk',
  { skip: !built && 'run npm run build first' },
  () => {
    for (const file of ['user-session-elements.min.js', 'user-session-elements-oidc.min.js']) {
      const sources = sourcesOf(file);
      assert.ok(sources.includes('src/session/load-feature.bundle.ts'), file);
      assert.equal(sources.includes('src/session/load-feature.ts'), false, file);
      assert.doesNotMatch(readFileSync(`dist/${file}`, 'utf8'), /import\(/, `${file}: no dynamic import`);
    }
  },
);

test(
  'the passkeys add-on is in the package entry (which imports everything) and in no one-file bundle',
  { skip: !built && 'run npm run build first' },
  async () => {
    for (const file of ['user-session-elements.min.js', 'user-session-elements-oidc.min.js']) {
      const sources = sourcesOf(file);
      assert.deepEqual(
        sources.filter((s) => /passkey|webauthn/.test(s)),
        [],
        file,
      );
    }
    const entry = await bundledFiles(['src/index.ts']);
    for (const file of ['src/features/passkeys.ts', 'src/elements/passkey-list.ts', 'src/internal/webauthn.ts'])
      assert.ok(entry.includes(file), `the package entry has ${file}`);
    // A passkey page brings the add-on's feature, its Better Auth endpoints and the WebAuthn helpers.
    const passkeyPage = await bundledFiles(['src/define/better-auth-backend.ts', 'src/passkeys.ts']);
    for (const file of ['src/features/passkeys.ts', 'src/backends/better-auth-passkeys.ts', 'src/internal/webauthn.ts'])
      assert.ok(passkeyPage.includes(file), file);
  },
);

test(
  'the two-step add-on is in the package entry and in no one-file bundle; there the backends carry no two-step status either',
  { skip: !built && 'run npm run build first' },
  async () => {
    for (const file of ['user-session-elements.min.js', 'user-session-elements-oidc.min.js']) {
      const sources = sourcesOf(file);
      assert.deepEqual(
        sources.filter((s) => /two-factor|two-step-status\.ts|lean-qr|otpauth/.test(s)),
        [],
        file,
      );
      assert.equal(readFileSync(`dist/${file}`, 'utf8').includes('twoFactor'), false, `${file}: no two-step code`);
    }
    const entry = await bundledFiles(['src/index.ts']);
    for (const file of [
      'src/features/two-factor.ts',
      'src/elements/enable-two-factor-action.ts',
      'src/backends/two-step-status.ts',
    ])
      assert.ok(entry.includes(file), `the package entry has ${file}`);
  },
);
