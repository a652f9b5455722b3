// The demo page's script: plain JavaScript, no framework. It only listens to the elements'
// events; what is shown when signed in or out is decided by CSS on user-session[authenticated].
//
// Order matters: the <user-session> gets its server-url / app-id (from /demo/config.js, which
// the dev server generates for the Parse Server that `npm start` started) and every listener
// is attached BEFORE the kit defines the tags, so the first check of a stored session already
// knows the server, and the `logged-in` event of a restored session is in the log.

const $ = (id) => document.getElementById(id);
const session = $('session');
const form = $('auth-form');
const errorBox = $('auth-error');
const noticeBox = $('auth-notice');
const logList = $('log');

// ---------------------------------------------------------------------------------------------
// Where Parse is.

let config = { serverURL: '', appId: 'demo-app' };
try {
  config = (await import('./config.js')).default;
} catch (error) {
  showError(`Could not load /demo/config.js (${error.message}). Start the demo with "npm start".`);
}
session.setAttribute('server-url', config.serverURL);
session.setAttribute('app-id', config.appId);
$('server-url').textContent = config.serverURL || '(unknown)';
$('app-id').textContent = config.appId;

// ---------------------------------------------------------------------------------------------
// The event log: every event of every element, with its detail as JSON.

const sources = [
  [session, '<user-session>', ['logged-in', 'logged-out', 'user-change']],
  [$('log-in'), '<log-in-action>', ['success', 'failure']],
  [$('sign-up'), '<sign-up-action>', ['success', 'failure']],
  [$('log-out'), '<log-out-action>', ['success', 'failure']],
  [$('log-out-all'), '<log-out-action scope="all">', ['success', 'failure']],
];
for (const [element, label, types] of sources) {
  for (const type of types) {
    element.addEventListener(type, (event) => {
      // `logged-in` & co. bubble: log them only where they were dispatched.
      if (event.target === element) logEvent(label, event);
    });
  }
}

/** Event details as JSON: errors as { code, message } (plus status / serverCode when known). */
function detailJSON(detail) {
  const plain = JSON.parse(
    JSON.stringify(detail ?? null, (_key, value) => {
      if (!(value instanceof Error)) return value;
      const { code, message, status, serverCode } = /** @type {any} */ (value);
      return { code, message, status, serverCode }; // undefined ones are left out
    }),
  );
  return prettyJSON(plain);
}

/**
 * JSON.stringify(value, null, 2), but an object or array whose line fits in `width` columns
 * stays on that line. `column`: where the value starts on its line.
 */
function prettyJSON(value, indent = '', column = 0, width = 68) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const isArray = Array.isArray(value);
  const entries = isArray
    ? value.map((item) => ['', item])
    : Object.entries(value).map(([k, v]) => [`${JSON.stringify(k)}: `, v]);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  const inline = `${open} ${entries.map(([key, item]) => key + prettyJSON(item, '', 0, Infinity)).join(', ')} ${close}`;
  if (column + inline.length <= width) return inline;
  const inner = `${indent}  `;
  const lines = entries.map(([key, item]) => inner + key + prettyJSON(item, inner, inner.length + key.length, width));
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}

const maxEntries = 200;
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hour12: false,
});

function logEvent(source, event) {
  const entry = document.createElement('li');
  entry.className = `entry entry-${event.type}`;

  const head = document.createElement('div');
  head.className = 'entry-head';
  const name = document.createElement('span');
  name.className = 'entry-type';
  name.textContent = event.type;
  const from = document.createElement('code');
  from.className = 'entry-source';
  from.textContent = source;
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = timeFormat.format(now);
  head.append(name, from, time);

  const body = document.createElement('pre');
  body.className = 'entry-detail';
  body.textContent = detailJSON(event.detail);

  entry.append(head, body);
  logList.prepend(entry);
  while (logList.childElementCount > maxEntries) logList.lastElementChild.remove();
  $('log-empty').hidden = true;
}

$('clear-log').addEventListener('click', () => {
  logList.replaceChildren();
  $('log-empty').hidden = false;
});

// ---------------------------------------------------------------------------------------------
// Errors (role="alert") and notices (role="status") from the actions' events.

function showError(message) {
  errorBox.textContent = message;
  if (message) noticeBox.textContent = '';
}
function showNotice(message) {
  noticeBox.textContent = message;
  if (message) errorBox.textContent = '';
}

for (const id of ['log-in', 'sign-up']) {
  const action = $(id);
  action.addEventListener('failure', (event) => {
    showError(event.detail.error.message);
    // Put the keyboard user back where the problem is.
    const { code } = event.detail.error;
    if (code === 'invalid-credentials') $('password').select();
    else if (code === 'username-taken' || (code === 'bad-request' && !$('username').value.trim())) $('username').select();
    else if (code === 'bad-request' && !$('password').value) $('password').focus();
  });
  action.addEventListener('success', () => form.reset());
}

for (const id of ['log-out', 'log-out-all']) {
  $(id).addEventListener('failure', ({ detail }) => {
    showError(
      detail.signedOutLocally
        ? `You are signed out in this browser, but the server could not revoke the session yet` +
            `${detail.revocationPending ? ' (it will be retried)' : ''}: ${detail.error.message}`
        : detail.error.message,
    );
  });
  $(id).addEventListener('success', ({ detail }) => {
    showNotice(
      detail.scope === 'all'
        ? 'Signed out everywhere: every session of this account was revoked on the server.'
        : detail.revoked
          ? 'Signed out. The server has revoked the session.'
          : 'Signed out.',
    );
  });
}

// A new attempt clears the previous message (every click on an action starts one).
for (const [element] of sources.slice(1)) {
  element.addEventListener('click', () => showError(''), { capture: true });
}
form.addEventListener('input', () => showError(''));

// ---------------------------------------------------------------------------------------------
// Who is signed in: the header status and the signed-in panel, from the session's events.

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function renderUser() {
  const user = session.user;
  $('status-text').textContent = user ? `Signed in as ${user.username ?? user.id}` : 'Signed out';
  if (!user) return;
  const name = String(user.username ?? user.id);
  $('who-name').textContent = name;
  $('avatar').textContent = name.slice(0, 1).toUpperCase();
  $('who-email').textContent = typeof user.email === 'string' && user.email ? user.email : 'No email address';
  $('who-email').classList.toggle('muted', !user.email);
  $('who-id').textContent = user.id;
  const created = typeof user.createdAt === 'string' ? new Date(user.createdAt) : null;
  $('who-created').textContent = created && !Number.isNaN(created.getTime()) ? dateFormat.format(created) : '—';
}

session.addEventListener('logged-in', ({ detail }) => {
  renderUser();
  if (detail.reason === 'other-tab') showNotice('Signed in from another tab.');
  else if (detail.reason !== 'restored') showNotice('');
  moveFocus('signed-in-title');
});
session.addEventListener('user-change', renderUser);
session.addEventListener('logged-out', ({ detail }) => {
  renderUser();
  if (detail.reason === 'other-tab') showNotice('Signed out from another tab.');
  else if (detail.reason === 'session-lost')
    showNotice('Your session has ended on the server (revoked or expired). Please log in again.');
  moveFocus('account-title');
});

/** When the panel that held the focus is hidden, focus the heading of the one now shown. */
function moveFocus(headingId) {
  // Read the focus now: once the panel is display:none the browser moves it to <body>.
  const panel = document.activeElement?.closest('.when-signed-in, .when-signed-out');
  if (!panel) return;
  requestAnimationFrame(() => {
    if (panel.offsetParent === null) $(headingId).focus({ preventScroll: true });
  });
}

// ---------------------------------------------------------------------------------------------
// Now define the tags: <user-session> reads the stored session (a restored one fires
// `logged-in`) and the actions come alive.
await import('/src/index.ts');
renderUser();
