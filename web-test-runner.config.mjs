// Web Test Runner: the same suite in Chromium, Firefox and WebKit, all from Debian's packages
// (test tools cannot download browsers on these machines; see README "Testing"). Which binary
// each engine uses is in scripts/browsers.mjs; `npm test` (scripts/test.mjs) installs them.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { firefoxPath, miniBrowserPath } from './scripts/browsers.mjs';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';
import { countReporter } from './scripts/count-reporter.mjs';
import { parseServerPlugin } from './scripts/wtr-parse-plugin.mjs';
import { oidcProviderPlugin } from './scripts/wtr-oidc-plugin.mjs';
import { betterAuthPlugin } from './scripts/wtr-better-auth-plugin.mjs';
import { webauthnPlugin } from './scripts/wtr-webauthn-plugin.mjs';

/**
 * `/__kit-copy.js`: the whole kit bundled into one module by esbuild, as a second bundle of the
 * kit on the same page would be (test/two-copies.test.ts): its classes are not the test's own.
 * `/__kit-copy-oidc.js`: the same with OpenID Connect, as the CDN's oidc file.
 */
function kitCopyPlugin() {
  const entries = { '/__kit-copy.js': 'src/index.ts', '/__kit-copy-oidc.js': 'src/index-oidc.ts' };
  return {
    name: 'kit-copy',
    async serve(context) {
      const entry = entries[context.path];
      if (!entry) return undefined;
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        target: 'es2022',
        write: false,
        tsconfig: 'tsconfig.json',
        ignoreAnnotations: true,
      });
      return { body: result.outputFiles[0].text, type: 'js' };
    },
  };
}

const engines = (process.env.BROWSERS ?? 'chromium,firefox,webkit').split(',');
const files = ['test/**/*.test.ts'];

/** The test-file patterns of this run: `--files …` on the command line, else `files`. */
function filesOfThisRun() {
  const args = process.argv.slice(2);
  const given = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--files=')) given.push(args[i].slice('--files='.length));
    else if (args[i] === '--files') while (args[i + 1] && !args[i + 1].startsWith('-')) given.push(args[++i]);
  }
  return given.length > 0 ? given : files;
}
// Whether this run may include test/integration (which needs the real Parse Server).
const runsIntegrationTests = filesOfThisRun().some((pattern) => pattern.includes('integration') || pattern.includes('**'));

const launchers = {
  // Puppeteer over CDP, as for Firefox below, with its network and issue tracking off: no test
  // reads either through the browser's protocol. Playwright turns the Network domain on for every
  // page (each request an event to the runner); on 17 files its Chromium run took 153 s of CPU,
  // this one 102 s (2026-12-07). The virtual authenticator uses the page's CDP session either way.
  // Each test file gets a browser context of its own, as Playwright gave it: no storage, cookie or
  // page of one file is left to the next.
  chromium: () =>
    puppeteerLauncher({
      launchOptions: {
        ...chromiumLaunchOptions,
        // Two switches Playwright passes and Puppeteer does not. Without the first, this
        // non-branded Chromium turns on its field-trial testing config (experimental features):
        // both CI runs without them failed cross-tab timing tests (another frame's storage event
        // or channel message seconds late), and Chromium took 913 s in CI against 692 s with them.
        args: [...chromiumLaunchOptions.args, '--disable-field-trial-config', '--disable-back-forward-cache'],
        headless: true,
        networkEnabled: false,
        issuesEnabled: false,
      },
      createPage: async ({ browser }) => {
        const context = await browser.createBrowserContext();
        const page = await context.newPage();
        page.once('close', () => context.close().catch(() => {}));
        return page;
      },
    }),
  firefox: () =>
    puppeteerLauncher({
      launchOptions: {
        browser: 'firefox',
        executablePath: firefoxPath,
        headless: true,
        // No test reads the network through the browser's protocol. With it on, Puppeteer has
        // WebDriver BiDi report every request as events from Firefox's parent process: a page
        // fetching every 5 ms cost that process 2.4 s of CPU in 10 s with them, 0.5 s without.
        networkEnabled: false,
        // For the WebAuthn virtual authenticator (scripts/wtr-webauthn-plugin.mjs): Firefox offers it only
        // through Marionette (WebDriver BiDi has no WebAuthn commands), on a free port the plugin reads from
        // the profile's MarionetteActivePort; without the softtoken pref every ceremony fails (NotAllowedError).
        // --remote-allow-system-access lets the plugin pick the passkey in a waiting autofill request
        // (conditional mediation), as Chromium's virtual authenticator does by itself.
        args: ['--marionette', '--remote-allow-system-access'],
        extraPrefsFirefox: {
          'marionette.port': 0,
          'security.webauth.webauthn_enable_softtoken': true,
          'security.webauth.webauthn_enable_usbtoken': false,
        },
      },
    }),
  webkit: () =>
    webdriverLauncher({
      port: Number(process.env.WEBKIT_DRIVER_PORT ?? 4445),
      capabilities: {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': {
          binary: miniBrowserPath,
          args: ['--automation'],
        },
        'wdio:enforceWebDriverClassic': true,
        // Opening a test page answers at once instead of after the page's load event: under load
        // MiniBrowser once never finished loading a test page, the driver's answer timed out
        // (120 s) and the error stopped the whole WebKit run. Whether the page starts is Web
        // Test Runner's own watch (testsStartTimeout): a page that never does fails that file only.
        pageLoadStrategy: 'none',
      },
    }),
};

// A real Parse Server (embedded PostgreSQL, stock options) + fault proxy for test/integration,
// once per run: in the background from the start when the run may include them, else on first use.
const parseServer = parseServerPlugin({ startEagerly: runsIntegrationTests });
// A real OpenID Provider (oidc-provider) + fault proxy, issuer http://localhost:<port>: started on
// the first `oidc-*` command (it takes well under a second), stopped at the end of the run.
const oidcProvider = oidcProviderPlugin();
// A real Better Auth server (in-memory SQLite) + fault proxy, http://localhost:<port>/api/auth,
// trusting the test pages' origin: started on the first `better-auth-*` command (≈ 0.5 s).
const betterAuth = betterAuthPlugin();

export default {
  files,
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browsers: engines.map((name) => launchers[name]()),
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' }),
    parseServer,
    oidcProvider,
    betterAuth,
    // A WebAuthn virtual authenticator for the test page (test/helpers/webauthn.ts), where the engine's driver has one.
    webauthnPlugin(),
    kitCopyPlugin(),
  ],
  // `/same-origin/parse/…` on the test server itself reaches the same Parse Server.
  middleware: [parseServer.middleware],
  testFramework: { config: { timeout: 10000, ...(process.env.WTR_GREP ? { grep: process.env.WTR_GREP } : {}) } },
  // Per test file, a guard against a hung page. The slowest file, test/attack/oidc-attack.test.ts,
  // takes up to ~130 s in Firefox with the other engines' runners beside it (`npm test`).
  testsFinishTimeout: Number(process.env.WTR_FINISH_TIMEOUT ?? 300000),
  // Lit's one-time dev-mode notice is noise in every test file.
  filterBrowserLogs: ({ args }) => !String(args[0] ?? '').startsWith('Lit is in dev mode'),
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countReporter()],
};
