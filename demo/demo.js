// The demo page's script: plain JavaScript, no framework. It only listens to the elements'
// events; what is shown when signed in or out is decided by CSS on user-session[authenticated].
//
// Order matters: the <user-session> gets its server-url / app-id (from /demo/config.js, which
// the dev server generates for the Parse Server that `npm start` started) and every listener
// is attached BEFORE the kit defines the tags, so the first check of a stored session already
// knows the server, and the `logged-in` event of a restored session is in the log.

import { createEventLog } from './event-log.js';
import { followSession, followSignInForm, followTwoFactor, loadDemoConfig, logOutFailureMessage, messageBoxes } from './page.js';

const $ = (id) => document.getElementById(id);
const session = $('session');
const form = $('auth-form');
const { showError, showNotice } = messageBoxes();
const logList = $('log');

// ---------------------------------------------------------------------------------------------
// Where Parse is.

const config = (await loadDemoConfig(showError)) ?? { serverURL: '', appId: 'demo-app' };
session.setAttribute('server-url', config.serverURL);
session.setAttribute('app-id', config.appId);
$('server-url').textContent = config.serverURL || '(unknown)';
$('app-id').textContent = config.appId;

// ---------------------------------------------------------------------------------------------
// The event log: every event of every element, with its detail as JSON.

const sources = [
  [session, '<user-session>', ['logged-in', 'logged-out', 'user-change', 'second-factor-required']],
  [$('two-factor-enable'), '<enable-two-factor-action>', ['setup', 'success', 'failure']],
  [$('two-factor-disable'), '<disable-two-factor-action>', ['success', 'failure']],
  [$('log-in'), '<log-in-action>', ['success', 'failure']],
  [$('sign-up'), '<sign-up-action>', ['success', 'failure']],
  [$('log-out'), '<log-out-action>', ['success', 'failure']],
  [$('log-out-all'), '<log-out-action scope="all">', ['success', 'failure']],
  [$('reset'), '<request-password-reset-action>', ['success', 'failure']],
];
createEventLog(logList, $('log-empty'), $('clear-log'), sources);

// ---------------------------------------------------------------------------------------------
// Errors (role="alert") and notices (role="status") from the actions' events.

followSignInForm(form, [$('log-in'), $('sign-up')], showError);

for (const id of ['log-out', 'log-out-all']) {
  $(id).addEventListener('failure', ({ detail }) =>
    showError(logOutFailureMessage(detail, 'the server could not revoke the session')),
  );
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

// ---------------------------------------------------------------------------------------------
// "Forgot password?": the same words whether or not an account has the address.

$('reset').addEventListener('success', ({ detail }) => {
  $('reset-result').textContent =
    `If an account has the address ${detail.email}, a reset link is on its way. ` + 'See the inbox panel below.';
});
$('reset').addEventListener('failure', ({ detail }) => {
  $('reset-result').textContent = detail.error.message;
});

// ---------------------------------------------------------------------------------------------
// The inbox of the local mail server: Parse's mails, with their links.

const inboxList = $('inbox');
let inboxSeen = -1;
async function refreshInbox() {
  if (!config.inboxURL) {
    $('inbox-empty').textContent = 'No local mail server (start the demo with "npm start").';
    return;
  }
  let messages;
  try {
    messages = (await (await fetch(config.inboxURL, { cache: 'no-store' })).json()).messages;
  } catch {
    $('inbox-empty').textContent = 'The local mail server does not answer.';
    return;
  }
  if (messages.length === inboxSeen) return;
  if (inboxSeen >= 0 && messages.length > inboxSeen) {
    $('inbox-status').textContent = `${messages.length - inboxSeen} new mail in the inbox.`;
  }
  inboxSeen = messages.length;
  $('inbox-empty').hidden = messages.length > 0;
  inboxList.replaceChildren(
    ...messages
      .slice()
      .reverse()
      .map((mail) => {
        const item = document.createElement('li');
        item.className = 'mail';
        const head = document.createElement('p');
        head.className = 'mail-head';
        const subject = document.createElement('strong');
        subject.textContent = mail.subject;
        head.append(subject, ` — to ${mail.to.join(', ')}, ${new Date(mail.date).toLocaleTimeString()}`);
        const text = document.createElement('pre');
        text.className = 'mail-text';
        text.textContent = mail.text.trim();
        item.append(head, text);
        for (const link of mail.links) {
          const a = document.createElement('a');
          a.href = link;
          a.target = '_blank';
          a.rel = 'noopener';
          a.textContent = /password/i.test(link)
            ? 'Open the reset link'
            : /verify/i.test(link)
              ? 'Open the verification link'
              : link;
          a.append(
            Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: ' (opens a new tab)' }),
          );
          item.append(a);
        }
        return item;
      }),
  );
}
$('refresh-inbox').addEventListener('click', () => void refreshInbox());
void refreshInbox();
setInterval(() => void refreshInbox(), 3000);

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

followSession(session, {
  render: renderUser,
  showNotice,
  lostNotice: 'Your session has ended on the server (revoked or expired). Please log in again.',
});
const renderTwoFactor = followTwoFactor(session, {
  state: $('two-factor-state'),
  enable: $('two-factor-enable'),
  disable: $('two-factor-disable'),
  showNotice,
  showError,
});

// ---------------------------------------------------------------------------------------------
// Now define the tags: <user-session> reads the stored session (a restored one fires
// `logged-in`) and the actions come alive.
// The package entry brings the add-ons too: the two-step sign-in one gives <log-in-action> its code step.
await import('/src/index.ts');
renderUser();
renderTwoFactor();
