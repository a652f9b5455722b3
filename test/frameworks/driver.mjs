// One scenario for every framework app in examples/frameworks (they share the DOM below), driven
// in headless Chromium as a user and a page script would:
//
//   README's <Account>: <user-session> with an object `backend` and logged-in / logged-out bound
//     by the framework (.state follows them), a form with <log-in-action> and <sign-up-action
//     fields>, <log-out-action scope="all" label>, failures shown in [role=status].
//   harness: <user-session id="harness-session"> (the same storage key, so in step) with counting
//     listeners; actions outside both sessions that find theirs through `sessionElement` only
//     (two sessions on the page: none is "the only one"): #h-static (username / password written
//     as plain attributes), #h-log-in and #h-sign-up (username / password / fields bound to
//     framework state), #h-log-out (scope="local", a custom trigger child). #counts shows how many
//     times each framework-bound listener ran; #rerender re-renders, #toggle unmounts / remounts.
import assert from 'node:assert/strict';

/** Console output a dev build may print that is not a problem: Lit's one-time dev-mode notice. */
const expectedNotices = [/^Lit is in dev mode/];

/** Records console warnings and errors and uncaught page errors. */
export function watchConsole(page) {
  const problems = [];
  page.on('console', (message) => {
    if (!['warning', 'error', 'assert'].includes(message.type())) return;
    const text = message.text();
    if (!expectedNotices.some((pattern) => pattern.test(text))) problems.push(`console.${message.type()}: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

/** Polls `read` until `check(value)` holds; fails with the last value. */
async function eventually(what, read, check, timeout = 5000) {
  const deadline = Date.now() + timeout;
  let value;
  for (;;) {
    value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value)} after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function drive(page, url) {
  const problems = watchConsole(page);
  try {
    await scenario(page, url, problems);
  } catch (error) {
    // What the page reported is usually the cause (`_ctx.alert is not a function`…).
    if (problems.length === 0) throw error;
    throw new Error(`${error.message}\nconsole of the page:\n  ${problems.join('\n  ')}`, { cause: error });
  }
}

async function scenario(page, url, problems) {
  const counts = async () => JSON.parse((await page.locator('#counts').textContent()) ?? '{}');
  const expectCounts = (what, expected) =>
    eventually(
      what,
      async () => ({ ...(await counts()), 'last error': await page.locator('#last-error').textContent() }),
      (actual) => Object.entries(expected).every(([name, n]) => actual[name] === n),
    );
  const state = () => page.locator('.state').textContent();
  const expectState = (what, text) => eventually(what, state, (actual) => actual === text);
  const status = () => page.locator('p[role="status"]').textContent();
  const button = (name) => page.getByRole('button', { name, exact: true });
  const fill = async (selector, value) => {
    // Twice, so a framework that sets a property only when its value changes sets it again.
    await page.locator(selector).fill('');
    await page.locator(selector).fill(value);
  };
  const noPasswordInTheKit = async (password) => {
    const html = await page.evaluate(() =>
      [...document.querySelectorAll('user-session, log-in-action, sign-up-action, log-out-action')]
        .map((el) => el.outerHTML)
        .join('\n'),
    );
    assert.ok(!/\spassword[\s=>]/.test(html), `no password attribute on the kit's elements:\n${html}`);
    assert.ok(!html.includes(password), "the password is nowhere in the kit's elements");
  };

  await page.goto(url);
  await expectState('first paint, nobody signed in', 'Signed out');

  // Properties the framework set: found through sessionElement (two sessions on the page), scope, label.
  const props = await page.evaluate(() => {
    const session = document.querySelector('#harness-session');
    const actions = ['#h-static', '#h-log-in', '#h-sign-up', '#h-log-out'].map((id) => document.querySelector(id));
    return {
      sessionElement: actions.map((action) => action.sessionElement === session),
      scope: document.querySelector('#h-log-out').scope,
      label: document.querySelector('#h-log-in').label,
      backendIsObject:
        typeof session.backend.logIn === 'function' &&
        session.backend === document.querySelector('user-session:not(#harness-session)').backend,
    };
  });
  assert.deepEqual(props, {
    sessionElement: [true, true, true, true],
    scope: 'local',
    label: 'Sign in (properties)',
    backendIsObject: true,
  });

  // 1. username="ada" password="…" written as plain attributes in the template (Svelte set these as attributes).
  await button('Sign in (static)').click();
  await expectCounts('sign-in with the static username and password', {
    'static success': 1,
    'logged-in': 1,
    'log-in failure': 0,
  });
  await expectState('the README component follows logged-in', 'Signed in as ada');
  assert.deepEqual(
    await page.evaluate(() => {
      const action = document.querySelector('#h-static');
      return { password: action.password, enumerable: Object.keys(action).includes('password') };
    }),
    { password: null, enumerable: false },
    'the password is cleared after the run and never enumerable',
  );
  await noPasswordInTheKit('lovelace');

  // 2. A custom trigger child, on the session given as sessionElement.
  await button('Sign out here').click();
  await expectCounts('log-out through the custom trigger', { 'log-out success': 1, 'logged-out': 1 });
  await expectState('the README component follows logged-out', 'Signed out');

  // 3. username / password bound to framework state, set as properties.
  await fill('#h-username', 'ada');
  await fill('#h-password', 'lovelace');
  await button('Sign in (properties)').click();
  await expectCounts('sign-in with username / password properties', { 'log-in success': 1, 'logged-in': 2, 'log-in failure': 0 });
  await expectState('signed in again', 'Signed in as ada');
  await noPasswordInTheKit('lovelace');

  // 4. The README component's <log-out-action scope="all" label="…">.
  await button('Log out everywhere').click();
  await expectCounts('log-out everywhere', { 'logged-out': 2 });
  await expectState('signed out everywhere', 'Signed out');

  // 5. <sign-up-action> with an object `fields` (Svelte gave it "[object Object]").
  const newcomer = `grace-${Date.now().toString(36)}`;
  await fill('#h-username', newcomer);
  await fill('#h-password', 'hopper-pw');
  await button('Sign up (properties)').click();
  await expectCounts('sign-up with fields', { 'sign-up success': 1, 'logged-in': 3, 'sign-up failure': 0 });
  await expectState('signed up', `Signed in as ${newcomer}`);
  assert.deepEqual(
    await page.evaluate(() => {
      const { plan, team } = document.querySelector('#harness-session').user;
      return { plan, team, attribute: document.querySelector('#h-sign-up').getAttribute('fields') };
    }),
    { plan: 'pro', team: { name: 'engines' }, attribute: null },
  );

  // 6. The README component's failure handler (Vue's snippet threw here: `alert` is not visible to a template).
  await page.evaluate(() => {
    document.querySelector('#harness-session').backend.logOut = () => Promise.reject(new Error('The server is down'));
  });
  await button('Log out everywhere').click();
  await eventually('the failure shown by the README component', status, (text) => text.includes('The server is down'));
  await expectState('signed out locally all the same', 'Signed out');
  await page.evaluate(() => delete document.querySelector('#harness-session').backend.logOut);

  // 7. The README component's form: a wrong password, then the right one.
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill('ada');
  await page.getByLabel('Password', { exact: true }).fill('wrong');
  await button('Log in').click();
  await eventually('invalid credentials shown', status, (text) => text !== '' && !text.includes('The server is down'));
  await page.getByLabel('Password', { exact: true }).fill('lovelace');
  await button('Log in').click();
  await expectState('signed in through the form', 'Signed in as ada');
  await eventually('the message cleared on success', status, (text) => text === '');

  // 8. Re-renders: still one listener call per click.
  await button('Re-render (0)').click();
  await button('Re-render (1)').click();
  await button('Sign out here').click();
  await expectCounts('one log-out success per click after re-renders', { 'log-out success': 2 });
  await expectState('signed out', 'Signed out');

  // 9. Unmount and mount again while signed in: the new <user-session> reports the stored
  //    session ("restored") to the framework's listener, after the framework attached it
  //    (React warned about a state update before mount; Angular attaches it after connect).
  await fill('#h-username', 'ada');
  await fill('#h-password', 'lovelace');
  await button('Sign in (properties)').click();
  await expectCounts('signed in before the remount', { 'log-in success': 2 });
  await button('Unmount').click();
  await eventually(
    'unmounted',
    () => page.locator('.state').count(),
    (n) => n === 0,
  );
  await button('Mount').click();
  await expectState('the remounted README component sees the stored session', 'Signed in as ada');
  await button('Sign out here').click();
  await expectCounts('one log-out success per click after the remount', { 'log-out success': 3 });
  await expectState('signed out after the remount', 'Signed out');

  // 10. A reload with a session stored: restored, then the check finds this page's new
  //     MemoryBackend does not know it (session-lost). Both reach the framework's listeners.
  await button('Sign in (static)').click();
  await expectCounts('signed in with the remounted static action', { 'static success': 2 });
  await page.reload();
  await expectCounts('restored, then session-lost, after a reload', { 'logged-in': 1, 'logged-out': 1 });
  await expectState('signed out after the reload', 'Signed out');

  await new Promise((resolve) => setTimeout(resolve, 100)); // late console output
  assert.deepEqual(problems, [], 'no console warnings or errors');
}

/**
 * The README component against a real Parse Server (the React app with ?server-url=…&app-id=…):
 * a sign-in through its form, a reload that restores the session and checks it with the server
 * (which brings back a field taken out of storage), then a log-out that revokes it there.
 */
export async function driveAgainstParse(page, url, { serverURL, appId, username, password }) {
  const problems = watchConsole(page);
  const state = () => page.locator('.state').textContent();
  const storageKey = 'user-session/currentUser'; // no app-id attribute: the backend is an object
  const whoAmI = async (token) =>
    (
      await fetch(`${serverURL}/users/me`, { headers: { 'X-Parse-Application-Id': appId, 'X-Parse-Session-Token': token } })
    ).json();

  await page.goto(`${url}?server-url=${encodeURIComponent(serverURL)}&app-id=${encodeURIComponent(appId)}`);
  await eventually('first paint', state, (text) => text === 'Signed out');
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await eventually('signed in by Parse Server', state, (text) => text === `Signed in as ${username}`);
  const token = await page.evaluate((key) => {
    const { nickname: _nickname, ...stored } = JSON.parse(localStorage.getItem(key));
    localStorage.setItem(key, JSON.stringify(stored)); // only the server's answer brings it back
    return stored.sessionToken;
  }, storageKey);
  assert.equal((await whoAmI(token)).username, username, 'a real server session');

  await page.reload();
  await eventually('restored on reload', state, (text) => text === `Signed in as ${username}`);
  await eventually(
    'checked with the server after the reload',
    () => page.evaluate(() => document.querySelector('#harness-session').user?.nickname),
    (nickname) => nickname === 'Ada',
  );
  const counts = JSON.parse(await page.locator('#counts').textContent());
  assert.deepEqual([counts['logged-in'], counts['logged-out']], [1, 0], 'restored once, not lost');

  await page.getByRole('button', { name: 'Log out everywhere', exact: true }).click();
  await eventually('signed out', state, (text) => text === 'Signed out');
  await eventually(
    'the session revoked on the server',
    () => whoAmI(token),
    (reply) => reply.code === 209,
  );
  assert.deepEqual(problems, [], 'no console warnings or errors');
}
