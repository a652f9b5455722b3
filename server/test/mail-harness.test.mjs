// The local mail server and Parse's SMTP mail adapter, without Parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMailServer, createSmtpMailAdapter, extractLinks } from '../index.mjs';

test('a mail sent through the adapter arrives in the inbox, served as JSON with CORS and its links', async () => {
  const mail = await startMailServer();
  try {
    const adapter = createSmtpMailAdapter({ port: mail.smtpPort });
    const text = 'Hi,\n\nClick here to reset it:\nhttp://127.0.0.1:1/parse/apps/x/request_password_reset?token=abc.';
    await adapter.sendMail({ to: 'Ada@Example.com', subject: 'Password Reset for demo-app', text });
    const arrived = await mail.waitFor((m) => m.to.includes('ada@example.com'), 5000);
    assert.equal(arrived.subject, 'Password Reset for demo-app');
    assert.deepEqual(arrived.links, ['http://127.0.0.1:1/parse/apps/x/request_password_reset?token=abc']);

    const reply = await fetch(`${mail.inboxURL}?to=ada@example.com`);
    assert.equal(reply.headers.get('access-control-allow-origin'), '*');
    const { messages } = await reply.json();
    assert.equal(messages.length, 1);
    assert.equal(messages[0].text.trim(), text);
    assert.deepEqual((await (await fetch(`${mail.inboxURL}?to=someone@else.org`)).json()).messages, []);

    await fetch(mail.inboxURL, { method: 'DELETE' });
    assert.equal(mail.messages.length, 0);
  } finally {
    await mail.stop();
  }
});

test('the adapter never throws and gives up fast when no mail server listens', async () => {
  const mail = await startMailServer();
  const port = mail.smtpPort;
  await mail.stop();
  const logged = [];
  const adapter = createSmtpMailAdapter({ port, log: (line) => logged.push(line) });
  const t0 = Date.now();
  await adapter.sendMail({ to: 'a@b.c', subject: 's', text: 't' });
  assert.ok(Date.now() - t0 < 4000);
  assert.equal(logged.length, 1);
  assert.match(logged[0], /not sent/);
});

test('extractLinks drops trailing punctuation', () => {
  assert.deepEqual(extractLinks('see https://a.example/x?y=1. and (http://b.example/z), done'), [
    'https://a.example/x?y=1',
    'http://b.example/z',
  ]);
});
