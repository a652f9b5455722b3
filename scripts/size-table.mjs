#!/usr/bin/env node
// The README's size table (SPEC §10): what each kind of page downloads, and what each tag and
// feature adds to the core, measured the way size-limit measures (.size-limit.mjs): the built
// dist/ modules bundled by esbuild, minified, gzip; `@lit/reactive-element` included; a feature
// not imported stays out (it is a chunk loaded on first use).
//
//   node scripts/size-table.mjs           rewrite the table in README.md (after npm run build)
//   node scripts/size-table.mjs --check   exit 1 when README.md is out of step with dist/
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { lazyChunksApart } from './lazy-chunks-apart.mjs';

const start = '<!-- sizes:start -->';
const end = '<!-- sizes:end -->';

/** gzip bytes of a page that imports these dist modules. */
async function size(modules) {
  const result = await build({
    stdin: { contents: modules.map((m) => `import './dist/${m}.js';`).join('\n'), resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    ignoreAnnotations: true,
    plugins: [lazyChunksApart],
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
}

const file = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
const plus = (bytes) => `+${(bytes / 1000).toFixed(2)} kB`;

const parse = ['define/user-session', 'define/log-out-action'];
const oidc = ['define/oidc-backend', 'define/log-out-action'];
const betterAuth = ['define/better-auth-backend', 'define/log-out-action'];

const pages = [
  ['Parse: `define/user-session.js` + `define/log-out-action.js`', parse, '10.0 kB'],
  [
    'Parse sign-in page: the same + `log-in-action` + `sign-up-action`',
    [...parse, 'define/log-in-action', 'define/sign-up-action'],
    '11.5 kB',
  ],
  ['OpenID Connect: `oidc.js` + `define/log-out-action.js`', oidc, '17.5 kB'],
  ['Better Auth: `better-auth.js` + `define/log-out-action.js`', betterAuth, '12.0 kB'],
  ['Better Auth + `session-list`', [...betterAuth, 'define/session-list'], ''],
  [
    'Better Auth passkey page: the pair + `log-in-action` + `passkeys.js` (its three tags)',
    [...betterAuth, 'define/log-in-action', 'passkeys'],
    '',
  ],
];
const tags = ['log-in-action', 'sign-up-action', 'set-user-properties-action', 'request-password-reset-action', 'session-list'];
const features = ['sign-in', 'sessions', 'update-user', 'mail', 'watch', 'server-session', 'redirect-sign-in'];

const core = await size(parse);
const rows = [];
for (const [name, modules, target] of pages)
  rows.push(`| ${name} | ${kB(await size(modules))} | ${target ? `≤ ${target}` : ''} |`);
rows.push(
  `| everything but OIDC, one file: \`dist/user-session-elements.min.js\` | ${kB(file('dist/user-session-elements.min.js'))} | ≤ 22.5 kB |`,
  `| everything with OIDC, one file: \`dist/user-session-elements-oidc.min.js\` | ${kB(file('dist/user-session-elements-oidc.min.js'))} | |`,
);
const added = [];
for (const tag of tags)
  added.push(
    `| \`define/${tag}.js\` (with the features it imports) | ${plus((await size([...parse, `define/${tag}`])) - core)} |`,
  );
for (const feature of features)
  added.push(
    `| feature \`${feature}\` (\`features/${feature}.js\`, or loaded on first use) | ${plus((await size([...parse, `define/features/${feature}`])) - core)} |`,
  );

// The passkeys add-on, on the Better Auth pair it needs (a Parse page cannot use it).
const baCore = await size(betterAuth);
added.push(
  `| add-on \`passkeys.js\` (feature + three tags), on the Better Auth pair | ${plus((await size([...betterAuth, 'passkeys'])) - baCore)} |`,
  `| add-on feature \`features/passkeys.js\` alone (\`logInWithPasskey()\`…), on the Better Auth pair | ${plus((await size([...betterAuth, 'define/features/passkeys'])) - baCore)} |`,
);

// The two-step add-on, on the Parse sign-in page (both password backends can use it), and what
// it loads on first use: the QR code library (when a secret is shown) and, on Parse, otpauth
// (the client makes the secret there).
const signInPage = [...parse, 'define/log-in-action'];
const signInCore = await size(signInPage);
const library = async (contents) => {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
};
added.push(
  `| add-on \`two-factor.js\` (feature + two tags), on the Parse sign-in page | ${plus((await size([...signInPage, 'two-factor'])) - signInCore)} |`,
  `| add-on feature \`features/two-factor.js\` alone (a code step in \`<log-in-action>\`, \`enableTwoFactor()\`…) | ${plus((await size([...signInPage, 'define/features/two-factor'])) - signInCore)} |`,
  `| loaded by \`<enable-two-factor-action>\` when it shows a secret: the QR code library (lean-qr) | ${plus(await library("export { generate } from 'lean-qr/nano'; export { toSvg } from 'lean-qr/extras/svg';"))} |`,
  `| loaded on Parse when a secret is made: otpauth's \`Secret\` (slim build) | ${plus(await library("export { Secret } from 'otpauth/slim';"))} |`,
);

const table = [
  start,
  '| a page that imports | minified + gzip | target |',
  '| --- | --: | --: |',
  ...rows,
  '',
  '| added to the Parse pair by | minified + gzip |',
  '| --- | --: |',
  ...added,
  end,
].join('\n');

const readme = readFileSync('README.md', 'utf8');
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < 0) {
  console.error(`README.md has no ${start} … ${end} markers`);
  process.exit(2);
}
const next = readme.slice(0, from) + table + readme.slice(to + end.length);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error(
      'README.md size table is out of step with dist/: run npm run build, then node scripts/size-table.mjs, and commit README.md',
    );
    process.exit(1);
  }
  console.log('README.md size table matches dist/.');
} else {
  writeFileSync('README.md', next);
  console.log(table);
}
