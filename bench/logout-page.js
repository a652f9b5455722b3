// The log-out benchmark page (served by scripts/bench.mjs as /bench/logout.html, which loads
// the Parse JS SDK as a classic script first). Exposes `window.bench`; Node calls it through
// Playwright with sessions it created beforehand, so nothing timed here signs anyone in.
//
// Each measure returns its duration in ms (and a split of it, see split()); only the log-out is timed:
//   a: raw fetch POST /logout (+ reading the JSON reply), the same request the kit sends;
//   b: <log-out-action>.do() → its `success` event;
//   c: Parse.User.logOut() → its promise resolves;
//   d, e, f (--diagnose only): see sessionLogOut, fetchWithSideWork, sessionLogOutDisabledButton.
// Before each measure the session is brought to the same state for all three clients: the
// server has just answered GET /users/me for that token (so Parse's 5 s auth cache holds it).
import '/src/index.ts'; // the kit, as a page uses it: defines <user-session>, <log-out-action>…

/* global Parse */
const { serverURL, appId, diagnose } = JSON.parse(document.getElementById('bench-config').textContent);
const storageKey = `Parse/${appId}/currentUser`;

Parse.initialize(appId);
Parse.serverURL = serverURL;

const session = /** @type {import('../src/index.ts').UserSessionElement} */ (document.querySelector('user-session'));
const action = /** @type {import('../src/index.ts').LogOutActionElement} */ (document.querySelector('log-out-action'));
const home = /** @type {HTMLElement} */ (session.parentElement);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Untimed, just before each t0: let a rendering frame pass (and the task after it), so a
 * frame owed to the set-up (the <user-session> reconnected, storage events…) is not drawn
 * inside the timed part. Done for every client alike.
 */
const settle = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const logoutURL = `${serverURL}/logout`;

/**
 * --diagnose only: `fetch` wrapped to note when the log-out request is handed to it and when
 * its promise (the response head) settles, so the JavaScript before and after it can be told
 * apart from the wait. (Not installed otherwise: the plain run measures an untouched fetch.)
 */
let fetchCall = { calledAt: NaN, settledAt: NaN };
if (diagnose) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = function fetch(input, init) {
    const isLogout = String(input instanceof Request ? input.url : input).startsWith(logoutURL);
    if (!isLogout) return realFetch(input, init);
    const call = (fetchCall = { calledAt: performance.now(), settledAt: NaN });
    const noteSettled = () => (call.settledAt = performance.now());
    return realFetch(input, init).then(
      (response) => (noteSettled(), response),
      (error) => {
        noteSettled();
        throw error;
      },
    );
  };
}

/**
 * A measure: `total` from t0 to t1, split with the log-out request's Resource Timing entry
 * into `pre` (t0 → request started), `net` (request started → last byte of the answer,
 * preflight included) and `post` (last byte → t1). Resource Timing was cleared just before t0.
 */
async function split(t0, t1, url = logoutURL) {
  let entry = performance.getEntriesByName(url).at(-1);
  if (!entry) {
    await sleep(0); // the entry is queued with the response
    entry = performance.getEntriesByName(url).at(-1);
  }
  const m = entry
    ? { total: t1 - t0, pre: entry.startTime - t0, net: entry.responseEnd - entry.startTime, post: t1 - entry.responseEnd }
    : { total: t1 - t0, pre: NaN, net: NaN, post: NaN };
  if (diagnose) {
    // t0 → fetch() called; fetch() called → its promise settled; settled → t1. SDK (c): NaN (XHR).
    const { calledAt, settledAt } = fetchCall;
    const fresh = calledAt >= t0 && settledAt <= t1;
    Object.assign(m, {
      jsBefore: fresh ? calledAt - t0 : NaN,
      fetchWait: fresh ? settledAt - calledAt : NaN,
      jsAfter: fresh ? t1 - settledAt : NaN,
    });
  }
  return m;
}

/** Untimed: the user's token checked by the server, as the element and the SDK do before (b) and (c). */
async function usersMe(token) {
  const res = await fetch(`${serverURL}/users/me`, {
    headers: { 'X-Parse-Application-Id': appId, 'X-Parse-Session-Token': token },
  });
  await res.json();
  if (!res.ok) throw new Error(`GET /users/me answered ${res.status}`);
}

/**
 * POST /logout for `token` as the kit sends it to a server on another origin (ParseBackend's
 * "simple request", the Parse SDK's form: text/plain, the keys in the JSON body, no preflight),
 * or with `headers` as Parse's REST form (X-Parse-* headers: CORS-preflighted cross-origin).
 */
function logoutRequest(token, { headers = false } = {}) {
  // (X-Parse-Installation-Id is not in Parse's default CORS allow-list: the header form goes without it.)
  if (headers) return { method: 'POST', headers: { 'X-Parse-Application-Id': appId, 'X-Parse-Session-Token': token } };
  const installationId = localStorage.getItem(`Parse/${appId}/installationId`) ?? '';
  const keys = { _method: 'POST', _ApplicationId: appId, _InstallationId: installationId, _SessionToken: token };
  return { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(keys) };
}

/**
 * (a) Raw fetch of the kit's request. Preflight measure only: `headers` sends Parse's header
 * form, and `query` makes the URL one Chromium has no cached preflight for, so that request
 * pays a CORS preflight; Parse routes it as POST /logout.
 */
async function rawFetch({ token }, { query = '', headers = false } = {}) {
  await usersMe(token);
  const url = logoutURL + query;
  const init = logoutRequest(token, { headers });
  await settle();
  performance.clearResourceTimings();
  const t0 = performance.now();
  const res = await fetch(url, init);
  await res.json();
  const t1 = performance.now();
  if (!res.ok) throw new Error(`(a) POST /logout answered ${res.status}`);
  return split(t0, t1, url);
}

/** (b) The kit: the SDK-shaped session in storage, the element reconnected, its background check done. */
async function kit(s) {
  // Connecting reads storage, then validates with GET /users/me in the background: wait for it.
  await connectSignedIn(s, '(b)');

  let t1 = 0;
  const outcome = new Promise((resolve, reject) => {
    const onSuccess = (event) => {
      t1 = performance.now();
      action.removeEventListener('failure', onFailure);
      resolve(event.detail);
    };
    const onFailure = (event) => {
      action.removeEventListener('success', onSuccess);
      reject(event.detail.error);
    };
    action.addEventListener('success', onSuccess, { once: true });
    action.addEventListener('failure', onFailure, { once: true });
  });
  await settle();
  performance.clearResourceTimings();
  const t0 = performance.now();
  void action.do();
  const detail = await outcome;
  if (!detail.revoked || session.authenticated || localStorage.getItem(storageKey) !== null) {
    throw new Error(`(b) log-out did not complete: ${JSON.stringify(detail)}`);
  }
  return split(t0, t1);
}

/** Untimed part of (b) and (d): the SDK-shaped session in storage, the element reconnected, its check done. */
async function connectSignedIn({ token, user }, label) {
  localStorage.setItem(storageKey, JSON.stringify({ ...user, sessionToken: token, className: '_User' }));
  session.remove();
  home.append(session);
  // The server is asked a task after connecting (the controller waits for settings a framework
  // may set right after inserting the element): let that task run first.
  await sleep(0);
  if (!session.pending) throw new Error(`${label} expected the background GET /users/me to be under way`);
  while (session.pending) await sleep(1);
  if (!session.authenticated || session.userId !== user.objectId) throw new Error(`${label} not signed in before the log-out`);
}

/** (d, --diagnose) The kit without the action element: <user-session>.logOut(). */
async function sessionLogOut(s) {
  await connectSignedIn(s, '(d)');
  await settle();
  performance.clearResourceTimings();
  const t0 = performance.now();
  const result = await session.logOut();
  const t1 = performance.now();
  if (!result.ok || !result.revoked) throw new Error(`(d) log-out did not complete: ${JSON.stringify(result)}`);
  return split(t0, t1);
}

/**
 * (f, --diagnose) (d) with the action's default button marked aria-disabled while it runs and not
 * after, as <log-out-action> does: how much that visible state change costs on its own.
 */
async function sessionLogOutDisabledButton(s) {
  await connectSignedIn(s, '(f)');
  const button = /** @type {HTMLButtonElement} */ (action.shadowRoot?.querySelector('button'));
  await settle();
  performance.clearResourceTimings();
  const t0 = performance.now();
  button.setAttribute('aria-disabled', 'true');
  const result = await session.logOut();
  button.removeAttribute('aria-disabled');
  const t1 = performance.now();
  if (!result.ok || !result.revoked) throw new Error(`(f) log-out did not complete: ${JSON.stringify(result)}`);
  return split(t0, t1);
}

const channel = new BroadcastChannel('bench');
/** (e, --diagnose) A raw fetch doing the kit's side work: storage, a broadcast, a timeout signal, text + JSON.parse. */
async function fetchWithSideWork({ token, user }) {
  localStorage.setItem(storageKey, JSON.stringify({ ...user, sessionToken: token, className: '_User' }));
  await usersMe(token);
  const init = logoutRequest(token);
  await settle();
  performance.clearResourceTimings();
  const t0 = performance.now();
  localStorage.removeItem(storageKey);
  channel.postMessage('changed');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const res = await fetch(logoutURL, { ...init, signal: controller.signal });
  JSON.parse(await res.text());
  clearTimeout(timer);
  const t1 = performance.now();
  if (!res.ok) throw new Error(`(e) POST /logout answered ${res.status}`);
  return split(t0, t1);
}

/** (c) The Parse JS SDK. */
async function sdk({ token }) {
  await Parse.User.become(token);
  await settle();
  performance.clearResourceTimings();
  const t0 = performance.now();
  await Parse.User.logOut();
  const t1 = performance.now();
  if (Parse.User.current() !== null) throw new Error('(c) still signed in');
  return split(t0, t1);
}

const clients = { a: rawFetch, b: kit, c: sdk, d: sessionLogOut, e: fetchWithSideWork, f: sessionLogOutDisabledButton };

window.bench = {
  /** Runs `order` (e.g. "bca") with one fresh session each; resolves to { a, b, c }, each a measure. */
  async iteration(order, sessions) {
    /** @type {Record<string, number>} */
    const out = {};
    for (const name of order) {
      out[name] = await clients[name](sessions[name]);
      await sleep(0); // let each client's trailing work (events, storage, channels) finish
    }
    return out;
  },
  /**
   * What the kit saves on another origin by not sending headers: Parse's header form on a URL
   * never used before (`?preflight=<i>`: a CORS preflight every time) against the kit's simple
   * request (never a preflight), in alternating order.
   */
  async preflightPair(i, cold, warm) {
    const once = () => rawFetch(cold, { headers: true, query: `?preflight=${i}-${Math.random().toString(36).slice(2)}` });
    if (i % 2 === 0) {
      const c = await once();
      await sleep(0);
      return { cold: c.total, warm: (await rawFetch(warm)).total };
    }
    const w = await rawFetch(warm);
    await sleep(0);
    return { cold: (await once()).total, warm: w.total };
  },
  info() {
    const lit = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .find((name) => name.includes('/@lit/reactive-element/'));
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated,
      litBuild: lit ? (lit.includes('/development/') ? 'development' : 'production') : 'unknown',
      litUrl: lit ?? null,
      userAgent: navigator.userAgent,
    };
  },
};
window.dispatchEvent(new Event('bench-ready'));
