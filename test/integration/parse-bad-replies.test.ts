// Bad input from the server side (SPEC §6): replies that are not what Parse sends, produced for
// real by the fault proxy in front of the real server. Each ends as a readable AuthError, the
// page stays consistent, and nothing is stored.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogInActionElement } from '../../src/elements/log-in-action.js';
import { password, proxy, signUpRest, storageKeyFor, useParseServer, type Fault, type ParseConfig } from './parse-server.js';

describe('Parse Server: replies that are not what Parse sends', function () {
  let cfg: ParseConfig;
  let username: string;

  useParseServer((config) => (cfg = config));
  before(async () => {
    ({ username } = await signUpRest());
  });

  async function logInThrough(fault: Fault) {
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.proxyServerURL}><log-in-action></log-in-action></user-session>
    `);
    const action = session.querySelector<LogInActionElement>('log-in-action')!;
    action.username = username;
    action.password = password;
    await proxy.setFault({ path: '/parse/login', ...fault });
    const failure = oneEvent(action, 'failure');
    expect(await action.do()).to.equal(false);
    const { error } = (await failure).detail;
    expect(session.hasAttribute('authenticated')).to.equal(false);
    expect(localStorage.getItem(storageKeyFor(cfg.appId))).to.equal(null);
    expect(action.error).to.equal(error.message);
    return error;
  }

  it('an empty 200: failure with code server, nothing stored', async () => {
    const error = await logInThrough({ status: 200, body: '' });
    expect([error.code, error.status]).to.deep.equal(['server', 200]);
    expect(error.message).to.contain('without a JSON object');
  });

  it('a 200 with JSON of the wrong shape: failure with code server that says what is missing', async () => {
    const error = await logInThrough({ status: 200, body: '{"hello":"world"}', contentType: 'application/json' });
    expect(error.code).to.equal('server');
    expect(error.message).to.contain('No user id and session token');
  });

  it('a JSON array where an object belongs: failure with code server', async () => {
    const error = await logInThrough({ status: 200, body: '[1,2,3]', contentType: 'application/json' });
    expect(error.code).to.equal('server');
  });

  it('an HTML page with status 200 (a wrong server-url behind a web server): failure with code server', async () => {
    const error = await logInThrough({ html: true });
    expect(error.code).to.equal('server');
  });

  it('a huge body (1.5 MB): refused without parsing, failure with code server', async () => {
    const error = await logInThrough({
      status: 200,
      body: `{"pad":"${'x'.repeat(1_500_000)}"}`,
      contentType: 'application/json',
    });
    expect(error.code).to.equal('server');
    expect(error.message).to.contain('over 1 MB');
  });

  it('an error status without a JSON body (502 from a gateway): failure with code server and the status', async () => {
    const error = await logInThrough({ status: 502, body: 'Bad Gateway' });
    expect([error.code, error.status]).to.deep.equal(['server', 502]);
  });
});
