// A Web Test Runner plugin that gives browser tests a WebAuthn virtual authenticator, so a test can
// register and use passkeys for real (`navigator.credentials.create()` / `.get()` on the test page,
// http://localhost:<port>, with the rp id `localhost`).
//
// How each engine gets one (what was found on this machine, see `webauthn-supported`):
// - Chromium (playwright, or puppeteer over CDP): the page's own CDP session, `WebAuthn.*` domain
//   (`enableUI: false`). One CDP session per test session; detached when the session finishes,
//   which takes its authenticator with it.
// - Firefox (puppeteer, WebDriver BiDi): BiDi has no WebAuthn commands (Firefox ESR 153 answers
//   "unknown command") and puppeteer has no CDP for Firefox. Firefox offers the W3C WebAuthn
//   WebDriver extension through Marionette only, so the plugin speaks Marionette when the launcher
//   started Firefox with it: `args: ['--marionette']` and `extraPrefsFirefox: { 'marionette.port': 0,
//   'security.webauth.webauthn_enable_softtoken': true, 'security.webauth.webauthn_enable_usbtoken': false }`
//   (without the softtoken pref the authenticator is added but every ceremony fails with
//   NotAllowedError). The port comes from the profile's MarionetteActivePort file. No new session:
//   Marionette runs these commands in the session puppeteer's BiDi connection made (a second one
//   is refused with "Maximum number of active sessions").
//   Passkey autofill (a conditional `navigator.credentials.get({ mediation: 'conditional' })`):
//   Chromium's virtual authenticator answers it at once with its passkey for the site while presence
//   is on; Firefox keeps it waiting for a pick in the autofill popup, which its virtual authenticator
//   never makes. With `args: ['--remote-allow-system-access']` as well, the plugin makes that pick
//   (the first passkey offered), as Chromium does, through puppeteer's BiDi connection (privileged
//   script in the browser window: nsIWebAuthnService on each "webauthn:conditional-get-pending");
//   without that argument conditional requests just wait, and the plugin says so once in the log.
//   Presence (`webauthn-set-presence`) is the W3C `isUserConsenting`, fixed when adding: the plugin
//   adds the authenticator again with the new value and the same credentials (a new authenticator id).
//   Presence off in Firefox: a conditional request waits (as in Chromium), a modal ceremony gets an
//   assertion without the user-present flag, which a server refuses (Chromium: it waits for a touch).
// - WebKit (webdriverio, WebDriver classic): the extension's endpoints (`POST /session/{id}/webauthn/
//   authenticator`…) when the driver has them. WebKitWebDriver 2.50 answers "unknown command"; its
//   MiniBrowser has no `PublicKeyCredential` at all, even on the secure localhost page.
// In Firefox and over WebDriver the authenticator belongs to the whole browser, not to one page:
// it is isolated per test session only with `concurrency: 1` (as web-test-runner.config.mjs runs).
// The W3C extension cannot change user presence after adding (`automaticPresenceSimulation` maps to
// its `isUserConsenting` when adding); `webauthn-set-presence` throws over WebDriver classic.
//
// Browser side (test/helpers/webauthn.ts) calls these with `executeServerCommand`. One authenticator
// per test session: adding again removes the previous one; it is removed when the session finishes.
// No answer carries a private key.
//   webauthn-supported             → { supported, reason? }: whether this engine's driver offers one
//                                    (reason: the error seen, when not)
//   webauthn-add-authenticator     payload { protocol?: 'ctap2', transport?: 'internal', hasResidentKey?: true,
//                                    hasUserVerification?: true, isUserVerified?: true,
//                                    automaticPresenceSimulation?: true } → { authenticatorId }
//   webauthn-remove-authenticator  → true (also when there was none)
//   webauthn-credentials           → [{ credentialId, rpId, isResidentKey, signCount, userHandle }]
//                                    (ids and user handles base64url; userHandle null when absent)
//   webauthn-remove-credential     payload { credentialId } → true
//   webauthn-set-user-verified     payload { isUserVerified: boolean } → true
//   webauthn-set-presence          payload { automaticPresenceSimulation: boolean } → true (Chromium; Firefox
//                                    by adding the authenticator again, see above)
// Unsupported engines: every command but `webauthn-supported` throws an Error with the reason.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

const COMMANDS = new Set([
  'webauthn-supported',
  'webauthn-add-authenticator',
  'webauthn-remove-authenticator',
  'webauthn-credentials',
  'webauthn-remove-credential',
  'webauthn-set-user-verified',
  'webauthn-set-presence',
]);

const DEFAULTS = {
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
};

const FIREFOX_PREFS = {
  'marionette.port': 0,
  'security.webauth.webauthn_enable_softtoken': true,
  'security.webauth.webauthn_enable_usbtoken': false,
};

class Unsupported extends Error {}

/** An error's first line, without Firefox's stack (`… RemoteError@chrome://…`). */
const firstLine = (error) =>
  String(error?.message || error?.name || error)
    .split('\n')[0]
    .replace(/\s+\w*@chrome:\/\/.*$/, '');

/**
 * What one engine's driver does with a virtual authenticator.
 * @typedef {{
 *   add(options: typeof DEFAULTS): Promise<string>,
 *   remove(id: string): Promise<unknown>,
 *   credentials(id: string): Promise<Array<Record<string, any>>>,
 *   removeCredential(id: string, credentialId: string): Promise<unknown>,
 *   setUserVerified(id: string, value: boolean): Promise<unknown>,
 *   setPresence(id: string, value: boolean): Promise<unknown>, // a string: the authenticator's new id
 *   close(): Promise<unknown>,
 * }} Backend
 */

/** CDP's binary fields are standard base64; the W3C extension and `PublicKeyCredential.id` use base64url. */
const toBase64url = (base64) => base64 && Buffer.from(base64, 'base64').toString('base64url');
const toBase64 = (base64url) => Buffer.from(base64url, 'base64url').toString('base64');

/** Chromium: the page's CDP session (`send(method, params)`, `detach()`). @returns {Promise<Backend>} */
async function cdpBackend(cdp) {
  await cdp.send('WebAuthn.enable', { enableUI: false });
  return {
    add: async (options) => (await cdp.send('WebAuthn.addVirtualAuthenticator', { options })).authenticatorId,
    remove: (authenticatorId) => cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }),
    credentials: async (authenticatorId) =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.map((c) => ({
        ...c,
        credentialId: toBase64url(c.credentialId),
        userHandle: toBase64url(c.userHandle),
      })),
    removeCredential: (authenticatorId, credentialId) =>
      cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: toBase64(credentialId) }),
    setUserVerified: (authenticatorId, isUserVerified) =>
      cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified }),
    setPresence: (authenticatorId, enabled) => cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled }),
    close: () => cdp.detach(),
  };
}

/**
 * The W3C WebAuthn WebDriver extension, its commands named as in the spec (`AddVirtualAuthenticator`…):
 * `call(name, params)` sends one. `engine` names the browser in errors.
 * `readd`: presence changes by adding the authenticator again with its credentials (the driver has
 * `AddCredential`, and `GetCredentials` gives their private keys). `autofill`: whether conditional
 * requests are answered (Firefox), told each time presence changes. @returns {Backend}
 */
function w3cBackend(engine, call, { readd = false, autofill = null } = {}) {
  /** The options each authenticator was added with, to add it again with another presence. */
  const added = new Map();
  const add = async (o) => {
    const authenticatorId = await call('AddVirtualAuthenticator', {
      protocol: o.protocol,
      transport: o.transport,
      hasResidentKey: o.hasResidentKey,
      hasUserVerification: o.hasUserVerification,
      isUserConsenting: o.automaticPresenceSimulation,
      isUserVerified: o.isUserVerified,
    });
    added.set(authenticatorId, o);
    await autofill?.(o.automaticPresenceSimulation);
    return authenticatorId;
  };
  const remove = async (authenticatorId) => {
    added.delete(authenticatorId);
    await autofill?.(false);
    return call('RemoveVirtualAuthenticator', { authenticatorId });
  };
  return {
    add,
    remove,
    credentials: (authenticatorId) => call('GetCredentials', { authenticatorId }),
    removeCredential: (authenticatorId, credentialId) => call('RemoveCredential', { authenticatorId, credentialId }),
    setUserVerified: async (authenticatorId, isUserVerified) => {
      await call('SetUserVerified', { authenticatorId, isUserVerified });
      const options = added.get(authenticatorId);
      if (options) added.set(authenticatorId, { ...options, isUserVerified });
    },
    setPresence: async (authenticatorId, automaticPresenceSimulation) => {
      const options = added.get(authenticatorId);
      if (!readd || !options)
        throw new Error(
          `webauthn plugin: ${engine}'s driver cannot change user presence after adding an authenticator (the W3C WebAuthn ` +
            'WebDriver extension has no such command): pass automaticPresenceSimulation to webauthn-add-authenticator instead',
        );
      if (options.automaticPresenceSimulation === automaticPresenceSimulation) return authenticatorId;
      const credentials = await call('GetCredentials', { authenticatorId });
      added.delete(authenticatorId);
      await call('RemoveVirtualAuthenticator', { authenticatorId });
      const replacement = await add({ ...options, automaticPresenceSimulation });
      try {
        for (const c of credentials)
          await call('AddCredential', {
            authenticatorId: replacement,
            credentialId: c.credentialId,
            isResidentCredential: c.isResidentCredential,
            rpId: c.rpId,
            privateKey: c.privateKey,
            ...(c.userHandle ? { userHandle: c.userHandle } : {}),
            signCount: c.signCount,
          });
      } catch (error) {
        // No half-made authenticator left behind: the session has none now.
        await remove(replacement).catch(() => {});
        throw error;
      }
      return replacement;
    },
    close: async () => {},
  };
}

/**
 * A webdriverio browser (WebDriver classic), after asking the driver directly whether it has the
 * extension (adding and removing one authenticator): through webdriverio, a driver without it would
 * also log an ERROR line. @returns {Promise<Backend>}
 */
async function webdriverBackend(engine, driver) {
  const { protocol = 'http', hostname = 'localhost', port, path = '/' } = driver.options;
  const url = `${protocol}://${hostname}:${port}${path.replace(/\/?$/, '/')}session/${driver.sessionId}/webauthn/authenticator`;
  const added = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ protocol: 'ctap2', transport: 'internal' }),
  });
  const { value } = await added.json().catch(() => ({}));
  if (!added.ok) {
    const answer = `${added.status} ${value?.error ?? added.statusText}: ${value?.message ?? ''}`;
    throw new Unsupported(
      `${engine}'s WebDriver has no virtual authenticator (POST /session/{id}/webauthn/authenticator: ${answer})`,
    );
  }
  await fetch(`${url}/${encodeURIComponent(value)}`, { method: 'DELETE' });
  const commands = {
    AddVirtualAuthenticator: (p) =>
      driver.addVirtualAuthenticator(
        p.protocol,
        p.transport,
        p.hasResidentKey,
        p.hasUserVerification,
        p.isUserConsenting,
        p.isUserVerified,
      ),
    RemoveVirtualAuthenticator: (p) => driver.removeVirtualAuthenticator(p.authenticatorId),
    GetCredentials: (p) => driver.getCredentials(p.authenticatorId),
    RemoveCredential: (p) => driver.removeCredential(p.authenticatorId, p.credentialId),
    SetUserVerified: (p) => driver.setUserVerified(p.authenticatorId, p.isUserVerified),
  };
  return w3cBackend(engine, (name, params) => commands[name](params));
}

/** A Marionette connection (Firefox's own protocol: `<length>:<json>` packets) on 127.0.0.1:port. */
function marionette(port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const pending = new Map();
    let buffer = Buffer.alloc(0);
    let lastId = 0;
    let greeted = false;
    const fail = (error) => {
      for (const { reject: rejectCall } of pending.values()) rejectCall(error);
      pending.clear();
      reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('Marionette connection closed')));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const colon = buffer.indexOf(':');
        if (colon < 0) return;
        const length = Number(buffer.subarray(0, colon).toString());
        if (buffer.length < colon + 1 + length) return;
        const message = JSON.parse(buffer.subarray(colon + 1, colon + 1 + length).toString());
        buffer = buffer.subarray(colon + 1 + length);
        if (!greeted) {
          greeted = true;
          socket.unref(); // never keeps the test run alive
          resolve({ call, close: () => socket.destroy() });
        } else if (Array.isArray(message) && pending.has(message[1])) {
          const [, id, error, result] = message;
          const { resolve: resolveCall, reject: rejectCall, name } = pending.get(id);
          pending.delete(id);
          if (error) rejectCall(new Error(`Marionette ${name}: ${error.error}: ${error.message}`));
          else resolveCall(result?.value ?? result);
        }
      }
    });
    function call(name, params) {
      return new Promise((resolveCall, rejectCall) => {
        if (socket.destroyed) return rejectCall(new Error('Marionette connection closed'));
        const packet = Buffer.from(JSON.stringify([0, ++lastId, name, params]));
        pending.set(lastId, { resolve: resolveCall, reject: rejectCall, name });
        socket.write(Buffer.concat([Buffer.from(`${packet.length}:`), packet]));
      });
    }
  });
}

/**
 * Privileged script in Firefox's browser window (puppeteer's BiDi connection, `moz:scope: 'chrome'`,
 * allowed by `--remote-allow-system-access`): on each pending conditional request, while `on`,
 * picks the first passkey its autofill offers, as a person would. Installed once per browser.
 */
const autofillScript = (on) => `(async () => {
  const key = Symbol.for('wtr-webauthn-plugin/autofill');
  let state = globalThis[key];
  if (!state) {
    const service = Cc['@mozilla.org/webauthn/service;1'].getService(Ci.nsIWebAuthnService);
    // Recent Firefox answers through a callback; older ones return the entries.
    const entriesOf = (tid) =>
      new Promise((resolve, reject) => {
        const returned = service.getAutoFillEntries(tid, { resolve, reject });
        if (returned) resolve(returned);
      });
    const pick = async () => {
      for (const win of Services.wm.getEnumerator('navigator:browser'))
        for (const tab of win.gBrowser?.tabs ?? [])
          for (const context of tab.linkedBrowser?.browsingContext?.getAllBrowsingContextsInSubtree() ?? []) {
            const origin = context.currentWindowGlobal?.documentPrincipal?.originNoSuffix;
            const tid = origin ? service.hasPendingConditionalGet(context.id, origin) : 0;
            if (!tid) continue;
            const entries = await entriesOf(tid);
            if (entries.length > 0 && state.on) service.selectAutoFillEntry(tid, entries[0].credentialId);
          }
    };
    state = globalThis[key] = { on: false, errors: [] };
    state.observer = {
      QueryInterface: ChromeUtils.generateQI(['nsIObserver']),
      observe() {
        if (state.on) pick().catch((error) => state.errors.push(String(error)));
      },
    };
    Services.obs.addObserver(state.observer, 'webauthn:conditional-get-pending');
  }
  state.on = ${on ? 'true' : 'false'};
  return JSON.stringify(state.errors.splice(0));
})()`;

/**
 * Firefox's autofill answerer (see `autofillScript`), or why there is none.
 * @returns {Promise<{ answer: (on: boolean) => Promise<void> } | { reason: string }>}
 */
async function firefoxAutofill(browser, args, log) {
  if (!args.includes('--remote-allow-system-access') && !args.includes('-remote-allow-system-access'))
    return { reason: "Firefox was not started with args ['--remote-allow-system-access']" };
  const send = async (method, params) => {
    const answer = await browser.connection.send(method, params);
    return answer?.result ?? answer;
  };
  try {
    const { contexts } = await send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const window = contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml') ?? contexts[0];
    if (!window) return { reason: 'no browser window in the chrome contexts' };
    const answer = async (on) => {
      const result = await send('script.evaluate', {
        expression: autofillScript(on),
        target: { context: window.context },
        awaitPromise: true,
      });
      if (result.type === 'exception')
        throw new Error(`webauthn plugin: Firefox autofill script: ${result.exceptionDetails?.text}`);
      const errors = JSON.parse(result.result?.value ?? '[]');
      for (const error of errors) log(`Firefox autofill pick failed: ${error}`);
    };
    await answer(false);
    return { answer };
  } catch (error) {
    return { reason: `no privileged script over BiDi (${firstLine(error)})` };
  }
}

/**
 * Firefox through puppeteer (BiDi): Marionette if the launcher turned it on, else why not. Its
 * connection goes to `connections` (closed when the server stops). @returns {Promise<Backend>}
 */
async function firefoxBackend(engine, browser, connections, log) {
  const args = browser.process()?.spawnargs ?? [];
  const profile = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined;
  const howTo =
    `Firefox offers it through Marionette only: launch it with args ['--marionette', '--remote-allow-system-access'] and ` +
    `extraPrefsFirefox ${JSON.stringify(FIREFOX_PREFS)}`;
  if (!args.includes('--marionette') || !profile) {
    // What BiDi answers (no module of that name; puppeteer offers no CDP for Firefox either).
    const bidi = await Promise.resolve()
      .then(() => browser.connection.send('webauthn.addVirtualAuthenticator', { protocol: 'ctap2', transport: 'internal' }))
      .then(() => 'no error?', firstLine);
    throw new Unsupported(`${engine} over WebDriver BiDi has no virtual authenticator (BiDi: ${bidi}). ${howTo}`);
  }
  const userJs = await readFile(join(profile, 'user.js'), 'utf8').catch(() => '');
  if (!/user_pref\("security\.webauth\.webauthn_enable_softtoken", true\)/.test(userJs)) {
    throw new Unsupported(
      `${engine} runs Marionette, but without security.webauth.webauthn_enable_softtoken its virtual authenticators are ` +
        `ignored (every ceremony fails with NotAllowedError). ${howTo}`,
    );
  }
  const port = Number(await readFile(join(profile, 'MarionetteActivePort'), 'utf8').catch(() => NaN));
  if (!port) throw new Unsupported(`${engine}: no MarionetteActivePort file in ${profile}. ${howTo}`);
  const connection = await marionette(port);
  connections.add(connection);
  const autofill = await firefoxAutofill(browser, args, log);
  if ('reason' in autofill)
    console.warn(
      `[webauthn-plugin] ${engine}: passkey autofill requests (conditional mediation) will wait unanswered: ` +
        `${autofill.reason} (launch it with args ['--marionette', '--remote-allow-system-access'])`,
    );
  // Marionette takes AddCredential's credential apart from the authenticator id (geckodriver nests it so).
  const call = (name, { authenticatorId, ...rest }) =>
    connection.call(
      `WebAuthn:${name}`,
      name === 'AddCredential' ? { authenticatorId, credentials: rest } : { authenticatorId, ...rest },
    );
  return w3cBackend(engine, call, {
    readd: true,
    autofill: 'answer' in autofill ? autofill.answer : null,
  });
}

/** Adds and removes one authenticator: whether the driver really offers them. @param {Backend} backend */
async function probe(backend) {
  await backend.remove(await backend.add(DEFAULTS));
  return backend;
}

/**
 * @param {{ log?: (message: string) => void }} [options]
 */
export function webauthnPlugin(options = {}) {
  const log = options.log ?? ((message) => process.env.WEBAUTHN_PLUGIN_VERBOSE && console.log(`[webauthn-plugin] ${message}`));
  /**
   * Per test session id: its launcher, backend and authenticator.
   * @type {Map<string, { launcher: any, backend: Promise<Backend>, authenticatorId?: string }>}
   */
  const sessions = new Map();
  /** Browser-wide backends (Firefox, WebDriver), per launcher: one for all its sessions (`close()` does nothing). */
  const shared = new WeakMap();
  /** Marionette connections, closed when the server stops. */
  const connections = new Set();
  /** Commands and clean-ups of one launcher run one after the other. */
  const queues = new WeakMap();

  const enqueue = (launcher, task) => {
    const run = (queues.get(launcher) ?? Promise.resolve()).then(task);
    queues.set(
      launcher,
      run.catch(() => {}),
    );
    return run;
  };

  /** This test session's backend (throws Unsupported with the reason). */
  const backendOf = (session) => {
    let state = sessions.get(session.id);
    if (!state) {
      const launcher = session.browser;
      const engine = launcher.name ?? launcher.type;
      const open = async () => {
        if (launcher.type === 'playwright') {
          if (launcher.product !== 'chromium')
            throw new Unsupported(`playwright's ${engine} has no CDP: no virtual authenticator`);
          const page = launcher.getPage(session.id);
          return cdpBackend(await page.context().newCDPSession(page));
        }
        if (launcher.type === 'puppeteer') {
          const page = launcher.getPage(session.id);
          const browser = page.browser();
          if (browser.cdpSupported !== false) return cdpBackend(await page.createCDPSession());
          if (!shared.has(launcher)) shared.set(launcher, firefoxBackend(engine, browser, connections, log).then(probe));
          return shared.get(launcher);
        }
        if (launcher.type === 'webdriver') {
          if (!launcher.driver) throw new Error('webauthn plugin: the WebDriver session has not started');
          if (!shared.has(launcher)) shared.set(launcher, webdriverBackend(engine, launcher.driver));
          return shared.get(launcher);
        }
        throw new Unsupported(`no virtual authenticator for a ${launcher.type} launcher`);
      };
      state = { launcher, backend: open() };
      sessions.set(session.id, state);
    }
    return state;
  };

  /** Removes the session's authenticator and lets go of its backend. */
  const release = async (sessionId) => {
    const state = sessions.get(sessionId);
    if (!state) return;
    sessions.delete(sessionId);
    const backend = await state.backend.catch(() => null);
    if (!backend) return;
    if (state.authenticatorId) await backend.remove(state.authenticatorId).catch(() => {});
    await backend.close().catch(() => {});
    log(`session ${sessionId} released`);
  };

  const needsAuthenticator = (state, command) => {
    if (!state.authenticatorId)
      throw new Error(`webauthn plugin: ${command}: no authenticator; call webauthn-add-authenticator first`);
    return state.authenticatorId;
  };
  const bool = (value, name) => {
    if (typeof value !== 'boolean') throw new TypeError(`webauthn plugin: ${name} must be a boolean`);
    return value;
  };

  const run = async (command, payload, session) => {
    const state = backendOf(session);
    let backend;
    try {
      backend = await state.backend;
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      log(`session ${session.id}: ${error.message}`);
      if (command === 'webauthn-supported') return { supported: false, reason: error.message };
      throw new Error(`webauthn plugin: ${command}: ${error.message}`);
    }
    switch (command) {
      case 'webauthn-supported':
        return { supported: true };
      case 'webauthn-add-authenticator': {
        // Replaces this session's authenticator (gone already, e.g. with its page: fine).
        if (state.authenticatorId) await backend.remove(state.authenticatorId).catch(() => {});
        state.authenticatorId = undefined;
        const given = Object.fromEntries(Object.entries(payload ?? {}).filter(([, value]) => value !== undefined));
        const unknown = Object.keys(given).filter((key) => !(key in DEFAULTS));
        if (unknown.length > 0) throw new TypeError(`webauthn plugin: unknown authenticator options ${unknown.join(', ')}`);
        state.authenticatorId = await backend.add({ ...DEFAULTS, ...given });
        log(`session ${session.id}: authenticator ${state.authenticatorId}`);
        return { authenticatorId: state.authenticatorId };
      }
      case 'webauthn-remove-authenticator':
        if (state.authenticatorId) await backend.remove(state.authenticatorId);
        state.authenticatorId = undefined;
        return true;
      case 'webauthn-credentials':
        return (await backend.credentials(needsAuthenticator(state, command))).map((c) => ({
          credentialId: c.credentialId,
          rpId: c.rpId,
          isResidentKey: c.isResidentCredential,
          signCount: c.signCount,
          userHandle: c.userHandle || null,
        }));
      case 'webauthn-remove-credential': {
        const { credentialId } = payload ?? {};
        if (typeof credentialId !== 'string' || !credentialId)
          throw new TypeError('webauthn plugin: credentialId must be a non-empty string');
        await backend.removeCredential(needsAuthenticator(state, command), credentialId);
        return true;
      }
      case 'webauthn-set-user-verified':
        await backend.setUserVerified(needsAuthenticator(state, command), bool(payload?.isUserVerified, 'isUserVerified'));
        return true;
      case 'webauthn-set-presence': {
        // Firefox adds the authenticator again (another id, same credentials).
        const replacement = await backend.setPresence(
          needsAuthenticator(state, command),
          bool(payload?.automaticPresenceSimulation, 'automaticPresenceSimulation'),
        );
        if (typeof replacement === 'string') state.authenticatorId = replacement;
        return true;
      }
      default:
        return undefined;
    }
  };

  return {
    name: 'webauthn',

    /** @param {{ webSockets?: import('@web/dev-server-core').WebSocketsManager }} args */
    serverStart({ webSockets }) {
      // The authenticator goes when its test session finishes (Firefox and WebDriver keep it browser-wide).
      webSockets?.on('message', ({ data }) => {
        if (data?.type !== 'wtr-session-finished' || typeof data.sessionId !== 'string') return;
        const state = sessions.get(data.sessionId);
        if (state) void enqueue(state.launcher, () => release(data.sessionId));
      });
    },

    /** @param {{ command: string, payload: any, session: { id: string, browser: any } }} args */
    async executeCommand({ command, payload, session }) {
      if (!COMMANDS.has(command)) return undefined;
      return enqueue(session.browser, () => run(command, payload, session));
    },

    async serverStop() {
      await Promise.all([...sessions].map(([id, state]) => enqueue(state.launcher, () => release(id))));
      for (const connection of connections) connection.close();
    },
  };
}
