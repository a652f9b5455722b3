// Size budgets (SPEC §10.5). `npm run size` after `npm run build`; CI runs it. Minified with
// esbuild, gzip, `@lit/reactive-element` included. Each row names its target (issue 19); where
// the target is not met yet the limit is the size reached (the core/feature split, issue 22, then
// issue 20: backends read their session lists on first use, the oidc-less file left redirect sign-in out;
// issue 21: Parse's account requests and Better Auth's other-session revocations on first use;
// then Parse's other-session requests (log-out `others` / `all`) and the outbox's sender on first use;
// Better Auth's password sign-in and sign-up on first use, the one-file bundles' stand-in for load-feature.ts),
// never raised: growth fails CI, and each cut lowers the limit towards the target.
// A feature a page did not import is not in its bundle: it is a chunk of its own, loaded on
// first use (`import()`), so dynamic imports stay out of what is measured here (each feature's
// own cost is in the README table, `node scripts/size-table.mjs`).

import { lazyChunksApart } from './scripts/lazy-chunks-apart.mjs';

const modifyEsbuildConfig = (config) => ({ ...config, plugins: [...(config.plugins ?? []), lazyChunksApart] });

/** What each define module exports (importing it defines its tag or registers its backend). */
const exported = {
  'define/user-session': 'UserSessionElement',
  'define/log-out-action': 'LogOutActionElement',
  'define/log-in-action': 'LogInActionElement',
  'define/sign-up-action': 'SignUpActionElement',
  'define/oidc-backend': 'OidcBackend',
  'define/better-auth-backend': 'BetterAuthBackend',
};

/** A page that imports these define modules. */
const page = (name, limit, modules) => ({
  name,
  limit,
  gzip: true,
  path: modules.map((module) => `dist/${module}.js`),
  import: Object.fromEntries(modules.map((module) => [`dist/${module}.js`, `{ ${exported[module]} }`])),
  modifyEsbuildConfig,
});

export default [
  page('Parse pair: <user-session> + <log-out-action> + ParseBackend (target 10 kB)', '13.95 kB', [
    'define/user-session',
    'define/log-out-action',
  ]),
  page('Parse sign-in page: the pair + <log-in-action> + <sign-up-action> (target 11.5 kB)', '15.22 kB', [
    'define/user-session',
    'define/log-out-action',
    'define/log-in-action',
    'define/sign-up-action',
  ]),
  page(
    'OpenID Connect pair: oidc.js (<user-session> + OidcBackend + oauth4webapi) + <log-out-action> (target 17.5 kB)',
    '22.22 kB',
    ['define/oidc-backend', 'define/log-out-action'],
  ),
  page('Better Auth pair: better-auth.js (<user-session> + BetterAuthBackend) + <log-out-action> (target 12 kB)', '14.26 kB', [
    'define/better-auth-backend',
    'define/log-out-action',
  ]),
  {
    name: 'Everything but OpenID Connect, one self-contained file (dist/user-session-elements.min.js) (target 22.5 kB)',
    path: 'dist/user-session-elements.min.js',
    disablePlugins: ['@size-limit/esbuild'],
    gzip: true,
    limit: '23.60 kB',
  },
  {
    name: 'Everything with OpenID Connect, one self-contained file (dist/user-session-elements-oidc.min.js)',
    path: 'dist/user-session-elements-oidc.min.js',
    disablePlugins: ['@size-limit/esbuild'],
    gzip: true,
    limit: '33.18 kB',
  },
];
