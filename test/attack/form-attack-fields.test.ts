// Outside attack: which fields of which form an action reads, and odd field names and values
// (real Parse Server through its fault proxy).
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../helpers/safe-errors.js';
import { sleep, formPage, logins, signups } from './form-attack-helpers.js';
import { afterConnect, recordEvents } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import {
  password,
  proxy,
  rest,
  signUpRest,
  uniqueName,
  stored,
  whoAmI,
  useParseServer,
  type ParseConfig,
} from '../integration/parse-server.js';

describe('form attack: which fields, odd fields (real Parse Server)', function () {
  this.timeout(30_000);
  let cfg: ParseConfig;
  useParseServer((config) => (cfg = config));

  const page = (inner: ReturnType<typeof html>) => formPage(cfg, inner);

  it('a required field left empty and only the default button: Enter sends nothing', async () => {
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" required />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action></log-in-action>
      </form>
    `);
    session.querySelector<HTMLInputElement>('[name=password]')!.focus();
    await sendKeys({ press: 'Enter' });
    await sleep(500);
    expect(await logins()).to.equal(0);
  });

  it('fields associated with form= outside the form are read (username outside, form="f")', async () => {
    const user = await signUpRest(uniqueName('formattr'));
    const session = await page(html`
      <input name="username" form="f1" aria-label="Username" .value=${user.username} />
      <form id="f1">
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action><button type="submit">Log in</button></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type + ':' + (e.detail.error?.code ?? ''))).to.deep.equal(['success:']);
  });

  it('a field inside the form but owned by another form (form="other") is not read', async () => {
    const user = await signUpRest(uniqueName('formother'));
    const session = await page(html`
      <form id="other"></form>
      <form>
        <input name="username" aria-label="Username" .value=${user.username} />
        <input name="password" type="password" form="other" aria-label="Decoy" .value=${'decoy'} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action><button type="submit">Log in</button></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelectorAll('form')[1]!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type + ':' + (e.detail.error?.code ?? ''))).to.deep.equal(['success:']);
  });

  it('a submit button outside the form (form="f2") submits it to the action', async () => {
    const user = await signUpRest(uniqueName('outbtn'));
    const session = await page(html`
      <form id="f2">
        <input name="username" aria-label="Username" .value=${user.username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action></log-in-action>
      </form>
      <button type="submit" form="f2" id="outside">Go</button>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector<HTMLButtonElement>('#outside')!.click();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
  });

  it('an action moved into another form after connect reads the new form, the old form no longer runs it', async () => {
    const user = await signUpRest(uniqueName('moved'));
    const session = await page(html`
      <form id="a">
        <input name="username" aria-label="Username A" .value=${'nobody-' + user.username} />
        <input name="password" type="password" aria-label="Password A" .value=${'wrong'} />
        <log-in-action></log-in-action>
      </form>
      <form id="b">
        <input name="username" aria-label="Username B" .value=${user.username} />
        <input name="password" type="password" aria-label="Password B" .value=${password} />
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const a = session.querySelector<HTMLFormElement>('#a')!;
    const b = session.querySelector<HTMLFormElement>('#b')!;
    b.append(action);
    await action.updateComplete;
    const seen = recordEvents(action, ['success', 'failure']);
    // the old form: the kit must not run (and nothing is sent)
    let navigatedA = false;
    a.addEventListener('submit', (e) => {
      navigatedA = !e.defaultPrevented;
      e.preventDefault();
    });
    a.requestSubmit();
    await sleep(400);
    expect(seen.length, 'old form ran the moved action').to.equal(0);
    expect(await logins()).to.equal(0);
    expect(navigatedA).to.equal(true);
    b.requestSubmit();
    await waitUntil(() => seen.length > 0, 'new form did not run the action');
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
  });

  it('a page submit handler that calls preventDefault first (SPA habit) does not stop the log-in', async () => {
    const user = await signUpRest(uniqueName('spa'));
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}>
        <form @submit=${(e: Event) => e.preventDefault()}>
          <input name="username" aria-label="Username" .value=${user.username} />
          <input name="password" type="password" aria-label="Password" .value=${password} />
          <log-in-action><button type="submit">Log in</button></log-in-action>
        </form>
      </user-session>
    `);
    await afterConnect();
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type)).to.deep.equal(['success']);
  });

  it('form with both actions and one page submit button outside both: Enter runs the first (log-in) only', async () => {
    const user = await signUpRest(uniqueName('both'));
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" .value=${user.username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action></log-in-action>
        <sign-up-action></sign-up-action>
        <button type="submit">Go</button>
      </form>
    `);
    const logIn = session.querySelector('log-in-action')!;
    const signUp = session.querySelector('sign-up-action')!;
    const li = recordEvents(logIn, ['success', 'failure']);
    const su = recordEvents(signUp, ['success', 'failure']);
    session.querySelector<HTMLInputElement>('[name=password]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => li.length + su.length > 0, 'no result');
    await sleep(300);
    expect(li.map((e) => e.type)).to.deep.equal(['success']);
    expect(su.length).to.equal(0);
    expect(await signups()).to.equal(0);
  });

  it('form with both actions and only their default buttons: Enter runs log-in only, no account created', async () => {
    const user = await signUpRest(uniqueName('both2'));
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" .value=${user.username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <log-in-action></log-in-action>
        <sign-up-action></sign-up-action>
      </form>
    `);
    const li = recordEvents(session.querySelector('log-in-action')!, ['success', 'failure']);
    const su = recordEvents(session.querySelector('sign-up-action')!, ['success', 'failure']);
    session.querySelector<HTMLInputElement>('[name=password]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => li.length + su.length > 0, 'no result');
    await sleep(300);
    expect(li.map((e) => e.type)).to.deep.equal(['success']);
    expect(su.length).to.equal(0);
    expect(await signups()).to.equal(0);
  });

  it('a password with leading/trailing spaces and unicode is sent as typed (not trimmed)', async () => {
    const pw = '  pässwörd 🙂 ';
    const username = uniqueName('spaces');
    const reply = await rest('POST', '/users', { body: { username, password: pw } });
    expect(reply.status).to.equal(201);
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" .value=${username} />
        <input name="password" type="password" aria-label="Password" .value=${pw} />
        <log-in-action></log-in-action>
      </form>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type + ':' + (e.detail.error?.code ?? ''))).to.deep.equal(['success:']);
  });

  it('sign-up: a unicode username and a very long custom field value reach the server intact', async () => {
    const username = uniqueName('ünï-名前');
    const long = 'x'.repeat(5000) + '✓';
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" .value=${username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <input name="bio" aria-label="Bio" .value=${long} />
        <sign-up-action></sign-up-action>
      </form>
    `);
    const action = session.querySelector('sign-up-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type + ':' + (e.detail.error?.message ?? ''))).to.deep.equal(['success:']);
    const me = await whoAmI(String(stored(cfg.appId)!.sessionToken));
    expect(me.body.username).to.equal(username);
    expect(me.body.bio).to.equal(long);
  });

  it('sign-up: hidden fields named emailVerified / _hashed_password: a readable failure, nothing stored, not verified', async () => {
    const username = uniqueName('internals');
    const session = await page(html`
      <form>
        <input name="username" aria-label="Username" .value=${username} />
        <input name="password" type="password" aria-label="Password" .value=${password} />
        <input name="email" type="email" aria-label="Email" .value=${username + '@example.com'} />
        <input type="hidden" name="emailVerified" value="true" />
        <input type="hidden" name="_hashed_password" value="x" />
        <sign-up-action></sign-up-action>
      </form>
    `);
    const action = session.querySelector('sign-up-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen.map((e) => e.type)).to.deep.equal(['failure']);
    expect(seen[0]!.detail.error.code).to.equal('bad-request');
    expect(stored(cfg.appId)).to.equal(null);
    expect(session.authenticated).to.equal(false);
  });

  it('set-user-properties: the page submit button name/value is not saved as a user field', async () => {
    const user = await signUpRest(uniqueName('submitter'));
    const session = await page(html`
      <form>
        <input name="favouriteColour" aria-label="Colour" .value=${'teal'} />
        <set-user-properties-action><button type="submit" name="intent" value="save">Save</button></set-user-properties-action>
      </form>
    `);
    await session.logIn(user.username, password);
    const action = session.querySelector('set-user-properties-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector<HTMLButtonElement>('button[name=intent]')!.click();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen[0]!.type).to.equal('success');
    const me = await whoAmI(String(stored(cfg.appId)!.sessionToken));
    expect(me.body.favouriteColour).to.equal('teal');
    expect(me.body).to.not.have.property('intent');
  });

  it('set-user-properties: disabled fields and unchecked boxes are not sent; a checked box is', async () => {
    const user = await signUpRest(uniqueName('disabled'));
    const session = await page(html`
      <form>
        <input name="nickname" aria-label="Nick" .value=${'nick'} />
        <input name="plan" aria-label="Plan" .value=${'pro'} disabled />
        <label><input type="checkbox" name="newsletter" value="yes" /> News</label>
        <label><input type="checkbox" name="terms" value="agreed" checked /> Terms</label>
        <set-user-properties-action></set-user-properties-action>
      </form>
    `);
    await session.logIn(user.username, password);
    const action = session.querySelector('set-user-properties-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen[0]!.type).to.equal('success');
    const me = await whoAmI(String(stored(cfg.appId)!.sessionToken));
    expect(me.body.nickname).to.equal('nick');
    expect(me.body.terms).to.equal('agreed');
    expect(me.body).to.not.have.property('plan');
    expect(me.body).to.not.have.property('newsletter');
  });

  it('set-user-properties: an empty file input does not break the save', async () => {
    const user = await signUpRest(uniqueName('file'));
    const session = await page(html`
      <form>
        <input name="nickname" aria-label="Nick" .value=${'filer'} />
        <input type="file" name="avatar" aria-label="Avatar" />
        <set-user-properties-action></set-user-properties-action>
      </form>
    `);
    await session.logIn(user.username, password);
    const action = session.querySelector('set-user-properties-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen[0]!.type).to.equal('success');
    const me = await whoAmI(String(stored(cfg.appId)!.sessionToken));
    expect(me.body.nickname).to.equal('filer');
    expect(me.body).to.not.have.property('avatar');
  });

  it('set-user-properties: a field named like a Parse internal fails bad-request naming it, nothing sent', async () => {
    const user = await signUpRest(uniqueName('internal'));
    const session = await page(html`
      <form>
        <input name="nickname" aria-label="Nick" .value=${'n'} />
        <input type="hidden" name="__op" value="Delete" />
        <set-user-properties-action></set-user-properties-action>
      </form>
    `);
    await session.logIn(user.username, password);
    await proxy.reset();
    const action = session.querySelector('set-user-properties-action')!;
    const seen = recordEvents(action, ['success', 'failure']);
    session.querySelector('form')!.requestSubmit();
    await waitUntil(() => seen.length > 0, 'no result');
    expect(seen[0]!.type).to.equal('failure');
    expect(seen[0]!.detail.error.code).to.equal('bad-request');
    expect(seen[0]!.detail.error.message).to.contain('__op');
    const { requests } = await proxy.log();
    expect(requests.filter((r) => r.path.startsWith('/parse/users/')).length).to.equal(0);
  });
});
