// Two builds of src/:
//  - dist/*.js + *.d.ts: one ESM module per source file, lit left as an import (npm users);
//  - dist/user-session-elements.min.js: one self-contained minified file with lit inside, for
//    <script type="module" src="…"> from a CDN; dist/user-session-elements-oidc.min.js: the same
//    with the OIDC backend and oauth4webapi.
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { fileURLToPath } from 'node:url';

const entries = {
  index: 'src/index.ts',
  'elements/user-session': 'src/elements/user-session.ts',
  'elements/log-out-action': 'src/elements/log-out-action.ts',
  'elements/log-in-action': 'src/elements/log-in-action.ts',
  'elements/sign-up-action': 'src/elements/sign-up-action.ts',
  'elements/set-user-properties-action': 'src/elements/set-user-properties-action.ts',
  'elements/request-password-reset-action': 'src/elements/request-password-reset-action.ts',
  'elements/request-verification-email-action': 'src/elements/request-verification-email-action.ts',
  'elements/session-list': 'src/elements/session-list.ts',
  'define/user-session': 'src/define/user-session.ts',
  'define/log-out-action': 'src/define/log-out-action.ts',
  'define/log-in-action': 'src/define/log-in-action.ts',
  'define/sign-up-action': 'src/define/sign-up-action.ts',
  'define/set-user-properties-action': 'src/define/set-user-properties-action.ts',
  'define/request-password-reset-action': 'src/define/request-password-reset-action.ts',
  'define/request-verification-email-action': 'src/define/request-verification-email-action.ts',
  'define/session-list': 'src/define/session-list.ts',
  'define/memory-backend': 'src/define/memory-backend.ts',
  'define/oidc-backend': 'src/define/oidc-backend.ts',
  'define/better-auth-backend': 'src/define/better-auth-backend.ts',
  'define/parse-backend': 'src/define/parse-backend.ts',
  'index-oidc': 'src/index-oidc.ts',
  // The passkeys add-on: its tags and feature, never in the package entry or the self-contained files.
  passkeys: 'src/passkeys.ts',
  'elements/passkey-log-in-action': 'src/elements/passkey-log-in-action.ts',
  'elements/add-passkey-action': 'src/elements/add-passkey-action.ts',
  'elements/passkey-list': 'src/elements/passkey-list.ts',
  'define/passkey-log-in-action': 'src/define/passkey-log-in-action.ts',
  'define/add-passkey-action': 'src/define/add-passkey-action.ts',
  'define/passkey-list': 'src/define/passkey-list.ts',
  // The two-step sign-in add-on, the same way.
  'two-factor': 'src/two-factor.ts',
  'elements/enable-two-factor-action': 'src/elements/enable-two-factor-action.ts',
  'elements/disable-two-factor-action': 'src/elements/disable-two-factor-action.ts',
  'define/enable-two-factor-action': 'src/define/enable-two-factor-action.ts',
  'define/disable-two-factor-action': 'src/define/disable-two-factor-action.ts',
  // Features (SPEC §10): `user-session-elements/features/<name>.js`; also loaded on first use.
  ...Object.fromEntries(
    ['sign-in', 'redirect-sign-in', 'server-session', 'sessions', 'update-user', 'mail', 'watch', 'passkeys', 'two-factor'].map(
      (name) => [`define/features/${name}`, `src/define/features/${name}.ts`],
    ),
  ),
};

/**
 * The one-file bundles' minifier settings: more passes and the `unsafe` rewrites that hold for
 * this code (no getter with side effects read for them, no function used as a constructor or
 * read for its `length`).
 */
const terserOptions = {
  ecma: 2022,
  module: true,
  compress: {
    passes: 5,
    // Statements joined by commas compress worse with gzip than the repeated `;` they replace.
    sequences: false,
    keep_fargs: false,
    pure_getters: true,
    unsafe: true,
    unsafe_arrows: true,
    unsafe_comps: true,
    unsafe_math: true,
    unsafe_methods: true,
    unsafe_proto: true,
    unsafe_regexp: true,
    unsafe_undefined: true,
  },
  format: { comments: false },
};

export default [
  {
    input: entries,
    external: (id) =>
      id.startsWith('@lit/') ||
      id.startsWith('lean-qr') ||
      ['oauth4webapi', '@simplewebauthn/browser'].includes(id) ||
      id.startsWith('otpauth'),
    output: { dir: 'dist', format: 'esm', preserveModules: true, preserveModulesRoot: 'src', sourcemap: true },
    plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
  },
  {
    input: 'src/index.ts',
    output: { file: 'dist/user-session-elements.min.js', format: 'esm', sourcemap: true, inlineDynamicImports: true },
    plugins: [
      withoutAddOns(),
      bundleStandIns(),
      backendChunksInline(),
      resolve({ exportConditions: ['production'] }),
      typescript({ tsconfig: './tsconfig.build.json', declaration: false, declarationDir: undefined, outDir: 'dist' }),
      terser(terserOptions),
    ],
  },
  {
    input: 'src/index-oidc.ts',
    output: { file: 'dist/user-session-elements-oidc.min.js', format: 'esm', sourcemap: true, inlineDynamicImports: true },
    plugins: [
      withoutAddOns(),
      bundleStandIns(),
      backendChunksInline(),
      resolve({ exportConditions: ['production'] }),
      typescript({ tsconfig: './tsconfig.build.json', declaration: false, declarationDir: undefined, outDir: 'dist' }),
      terser(terserOptions),
    ],
  },
];

/**
 * The one-file bundles' stand-ins, `<module>.bundle.ts` beside the module they replace:
 * - `load-feature`: a one-file bundle imports every feature it has up front, so none loads on
 *   first use there (no loaders, no promise and namespace object per feature). The file without
 *   OpenID Connect leaves out its machinery too: the `redirect-sign-in` feature (sign-in at a
 *   provider, renewal, end-session), which only a redirect backend needs, is in
 *   user-session-elements-oidc.min.js; a page that sets such a backend on this file gets
 *   `misconfigured` saying where it is, never a half-loaded feature.
 * - `two-step-status`: they have no two-step add-on, so what the backends say about it (an
 *   account's `twoFactorEnabled`, the refusal that names the add-on) is left out.
 */
function bundleStandIns() {
  const folderOf = { './load-feature.js': '/src/session/', './two-step-status.js': '/src/backends/' };
  return {
    name: 'bundle-stand-ins',
    resolveId(source, importer) {
      const folder = folderOf[source];
      if (!folder || !importer?.includes(folder)) return null;
      return fileURLToPath(new URL(`.${folder}${source.slice(2, -3)}.bundle.ts`, import.meta.url));
    },
  };
}

/**
 * In the one-file bundles every module is in the file anyway: a backend's part read on first use
 * (`await import('./parse-account.js')`, the session lists) or the outbox's sender becomes a plain import there, which
 * the bundle then calls directly, without a promise and a namespace object per call site.
 */
function backendChunksInline() {
  const lazy = /await import\('(\.\/[\w-]+\.js)'\)/g;
  return {
    name: 'backend-chunks-inline',
    transform(code, id) {
      if (!/\/src\/(backends\/[\w-]+|session\/outbox)\.ts$/.test(id) || !code.includes('await import(')) return null;
      const names = new Map();
      const body = code.replace(lazy, (_, path) => {
        if (!names.has(path)) names.set(path, `chunk${names.size}`);
        return names.get(path);
      });
      const imports = [...names].map(([path, name]) => `import * as ${name} from '${path}';\n`).join('');
      return { code: imports + body, map: null };
    },
  };
}

/**
 * The one-file bundles leave out the add-ons (passkeys, two-step sign-in) that the package entry
 * re-exports: a page that loads the kit from a CDN with one <script> and uses neither pays nothing for them.
 */
function withoutAddOns() {
  const addOns = ["export * from './passkeys.js';", "export * from './two-factor.js';"];
  return {
    name: 'without-add-ons',
    transform(code, id) {
      if (!id.endsWith('/src/index.ts')) return null;
      for (const addOn of addOns) if (!code.includes(addOn)) this.error(`src/index.ts no longer has ${addOn}`);
      return { code: addOns.reduce((text, addOn) => text.replace(addOn, ''), code), map: null };
    },
  };
}
