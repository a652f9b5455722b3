// ESLint 9 flat config. `npm run lint` runs this and then lit-analyzer (strict) on src/.
//
// - src/**/*.ts, test/**/*.ts: typescript-eslint `recommendedTypeChecked` (type-aware, through
//   tsconfig.json, which includes src and test), eslint-plugin-lit `recommended`,
//   eslint-plugin-wc `best-practice` (which contains `recommended`).
// - server/, scripts/, test/node/ and the root *.mjs configs: plain JS recommended, Node globals.
// - demo/, bench/: plain browser JS, recommended, browser globals.
import { defineConfig, globalIgnores } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';

export default defineConfig(
  // Generated output, vendor code, local data, docs; the framework apps' builds (test/frameworks).
  globalIgnores([
    'dist/',
    'node_modules/',
    'custom-elements.json',
    'coverage/',
    '.data/',
    'docs/',
    '.cache/',
    'examples/frameworks/',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // ---------------------------------------------------------------------------------------------
  // TypeScript: the elements (src/) and the browser tests (test/).
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    extends: [
      js.configs.recommended,
      tseslint.configs.recommendedTypeChecked,
      lit.configs['flat/recommended'],
      wc.configs['flat/best-practice'],
    ],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.browser },
    },
    settings: {
      // The elements extend Lit's ReactiveElement (through abstract bases), not HTMLElement.
      wc: { elementBaseClasses: ['ReactiveElement', 'ActionElement', 'SignInActionElement'] },
    },
    rules: {
      // `_`-prefixed parameters are part of an interface's signature; `{ x: _x, ...rest }` omits x.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A destructuring whose other names are reassigned later stays `let` as a whole.
      'prefer-const': ['error', { destructuring: 'all' }],
      // `async` without `await` is deliberate where a Promise-returning interface is implemented: throws become rejections.
      '@typescript-eslint/require-await': 'off',
      // Passing on an abort/cancel reason (typed `any`/`unknown`) is deliberate; literal non-Errors are still reported.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Each element class merges with an interface that only adds typed addEventListener/removeEventListener overloads.
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      // `interface LogInActionProps extends SignInActionProps {}` names a public type on purpose.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // ReactiveElement implements connected/disconnected/attributeChangedCallback, so super calls need no guard.
      'wc/guard-super-call': 'off',
    },
  },
  {
    // Tests: chai/mocha idioms and fixtures make these rules noise rather than signal.
    files: ['test/**/*.ts'],
    rules: {
      // @open-wc/semantic-dom-diff types chai's `.equal()` as returning a Promise (for `.dom.equal`),
      // which would flag every `expect(x).to.equal(y)`; other floating promises are still reported.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: 'Equal', package: '@open-wc/semantic-dom-diff' }] },
      ],
      // Event details and fixtures are loosely typed (`CustomEvent<any>`, JSON); asserting on them is the point.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // `list[0]!` documents that the element must exist (tsconfig has no noUncheckedIndexedAccess).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Tests save prototype methods to restore after monkey-patching, and destructure helper results.
      '@typescript-eslint/unbound-method': 'off',
      // chai property assertions (`.to.be.true`, `.and.not.empty`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Node: the Parse Server harness, scripts, Node tests, root config files.
  {
    files: ['server/**/*.mjs', 'scripts/**/*.mjs', 'test/node/**/*.mjs', 'test/frameworks/**/*.mjs', '*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // `{ x: _x, ...rest }` omits x; `_`-prefixed parameters keep a callback's signature.
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },

  {
    // These drive a browser through Playwright: their page.evaluate / waitForFunction callbacks run in the page.
    files: ['scripts/bench.mjs', 'test/node/demo.test.mjs', 'test/frameworks/driver.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // ---------------------------------------------------------------------------------------------
  // Page scripts: plain browser JS modules (the demo app, the benchmark page).
  {
    files: ['demo/**/*.js', 'bench/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.browser },
    },
  },
);
