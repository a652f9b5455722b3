// ParseBackend's requests, as built for fetch (a stub answers): which form for which origin,
// what goes in them, and the settings it accepts. test/integration/parse-wire.test.ts proves
// against the real Parse Server that both forms work; this file pins their exact shape.
import { expect } from '@open-wc/testing';
import './helpers/safe-errors.js';
import { AuthError } from '../src/errors.js';
import { ParseBackend } from '../src/backends/parse.js';
import { clearStorage } from './helpers/fixtures.js';
import { withWritesRefused } from './helpers/refuse-writes.js';

interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
}

/** Request headers come lower-cased: the names as the kit writes them. */
const headerNames: Record<string, string> = {
  'content-type': 'Content-Type',
  'x-parse-application-id': 'X-Parse-Application-Id',
  'x-parse-installation-id': 'X-Parse-Installation-Id',
  'x-parse-javascript-key': 'X-Parse-JavaScript-Key',
  'x-parse-session-token': 'X-Parse-Session-Token',
};

describe('ParseBackend requests', () => {
  const realFetch = window.fetch;
  let sent: SentRequest[];
  let reply: Record<string, unknown>;

  beforeEach(() => {
    clearStorage();
    sent = [];
    reply = { objectId: 'u1', sessionToken: 'r:secret', username: 'ada', createdAt: '2026-11-25T00:00:00.000Z' };
    window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const text = await request.text();
      sent.push({
        url: request.url,
        method: request.method,
        headers: Object.fromEntries([...request.headers].map(([name, value]) => [headerNames[name] ?? name, value])),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      });
      return new Response(JSON.stringify(reply), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch;
  });
  afterEach(() => {
    window.fetch = realFetch;
  });

  const signal = () => new AbortController().signal;
  const session = { token: 'r:secret', user: { id: 'u1' } };
  const installationId = (appId: string) => localStorage.getItem(`Parse/${appId}/installationId`);

  it('to another origin: the SDK form, a text/plain POST with the method and keys in the body', async () => {
    const backend = new ParseBackend({ serverURL: 'https://parse.example.test/parse/', appId: 'app', clientKey: 'js-key' });
    await backend.currentUser(session, { signal: signal() });
    expect(sent).to.deep.equal([
      {
        url: 'https://parse.example.test/parse/users/me',
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: {
          _method: 'GET',
          _ApplicationId: 'app',
          _InstallationId: installationId('app'),
          _JavaScriptKey: 'js-key',
          _SessionToken: 'r:secret',
        },
      },
    ]);
    expect(installationId('app')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('to the page origin ("/parse"): the REST form, the real method and X-Parse-* headers', async () => {
    const backend = new ParseBackend({ serverURL: '/parse', appId: 'app', clientKey: 'js-key' });
    await backend.logIn('ada', 'pw', { signal: signal() });
    await backend.logOut(session, { scope: 'current', signal: signal() });
    expect(sent.map(({ url, method }) => [url, method])).to.deep.equal([
      [`${location.origin}/parse/login`, 'POST'],
      [`${location.origin}/parse/logout`, 'POST'],
    ]);
    expect(sent[0]!.headers).to.deep.equal({
      'X-Parse-Application-Id': 'app',
      'X-Parse-Installation-Id': installationId('app'),
      'X-Parse-JavaScript-Key': 'js-key',
      'Content-Type': 'application/json',
    });
    expect(sent[0]!.body).to.deep.equal({ username: 'ada', password: 'pw' });
    expect(sent[1]!.headers['X-Parse-Session-Token']).to.equal('r:secret');
  });

  it('sign-up leaves out fields named like request keys (_method, _token…), in the request and the user', async () => {
    for (const serverURL of ['https://parse.example.test/parse', '/parse']) {
      sent = [];
      const backend = new ParseBackend({ serverURL, appId: 'app' });
      const extra = { email: 'ada@example.com', _method: 'PUT', _token: 'csrf', _SessionToken: 'r:forged' };
      const { user } = await backend.signUp('ada', 'pw', extra, { signal: signal() });
      const body = sent[0]!.body!;
      expect(body.email, serverURL).to.equal('ada@example.com');
      expect(body._token, serverURL).to.equal(undefined);
      expect(body._method ?? 'POST', serverURL).to.equal('POST');
      expect(body._SessionToken, serverURL).to.equal(undefined);
      expect(
        Object.keys(user).filter((name) => name.startsWith('_')),
        serverURL,
      ).to.deep.equal([]);
    }
  });

  it('keeps one installation id for the page when storage cannot be written', async () => {
    await withWritesRefused(async () => {
      const backend = new ParseBackend({ serverURL: 'https://parse.example.test/parse', appId: 'full-app' });
      for (let i = 0; i < 3; i++) await backend.currentUser(session, { signal: signal() });
    });
    const ids = sent.map((request) => request.body!._InstallationId);
    expect(ids[0]).to.match(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size, 'one id for every call').to.equal(1);
  });

  it('with storage "memory", the installation id never reaches Web Storage', async () => {
    const backend = new ParseBackend({ serverURL: 'https://parse.example.test/parse', appId: 'mem-app', storage: 'memory' });
    await backend.currentUser(session, { signal: signal() });
    await backend.currentUser(session, { signal: signal() });
    expect([localStorage.length, sessionStorage.length]).to.deep.equal([0, 0]);
    expect(sent[0]!.body!._InstallationId).to.equal(sent[1]!.body!._InstallationId);
  });

  it('takes a URL object or padded text as serverURL; refuses what is not http(s) or not on this origin', async () => {
    const fromURL = new ParseBackend({
      serverURL: new URL('https://parse.example.test/parse') as unknown as string,
      appId: 'app',
    });
    await fromURL.currentUser(session, { signal: signal() });
    const padded = new ParseBackend({ serverURL: '  /parse  ', appId: 'app' });
    await padded.currentUser(session, { signal: signal() });
    const withQuery = new ParseBackend({ serverURL: 'https://parse.example.test/parse/?tenant=a', appId: 'app' });
    await withQuery.currentUser(session, { signal: signal() });
    expect(sent.map((request) => request.url)).to.deep.equal([
      'https://parse.example.test/parse/users/me',
      `${location.origin}/parse/users/me`,
      'https://parse.example.test/parse/users/me?tenant=a',
    ]);
    for (const serverURL of ['parse', 'ftp://example.test/parse', '/\\evil.example.test/parse', '']) {
      const error = await new ParseBackend({ serverURL, appId: 'app' })
        .currentUser(session, { signal: signal() })
        .catch((e: unknown) => e);
      expect(error, serverURL).to.be.instanceOf(AuthError);
      expect((error as AuthError).code, serverURL).to.equal('misconfigured');
      expect((error as AuthError).message, serverURL).to.contain(`"${serverURL}" is unusable`);
    }
    expect(sent, 'no request for a refused URL').to.have.length(3);
  });
});
