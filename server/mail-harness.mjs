// A local mail server for tests and the demo: an SMTP server (the `smtp-server` package) on
// loopback that keeps every message it receives in memory, and a small HTTP inbox serving them
// as JSON (CORS allowed), so a page or a test can read the password-reset and verification
// mails Parse Server sends. Node only; nothing leaves the machine.
//
//   const mail = await startMailServer();
//   // Parse: emailAdapter: createSmtpMailAdapter({ port: mail.smtpPort })
//   // GET  mail.inboxURL            → { messages: [{ id, from, to, subject, text, links, date }] }
//   // GET  mail.inboxURL?to=a@b.c   → only those sent to a@b.c
//   // DELETE mail.inboxURL          → forgets them all
//   await mail.stop();
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/**
 * @typedef {object} ReceivedMail
 * @property {number} id Increasing, from 1.
 * @property {string} from
 * @property {string[]} to Recipients (envelope), lower case.
 * @property {string} subject
 * @property {string} text Plain-text body.
 * @property {string[]} links http(s) links found in the text.
 * @property {string} date ISO time it arrived.
 */

/**
 * @typedef {object} MailServer
 * @property {string} host
 * @property {number} smtpPort
 * @property {number} httpPort
 * @property {string} inboxURL e.g. `http://127.0.0.1:41235/messages`
 * @property {ReceivedMail[]} messages What arrived (newest last; at most `keep`).
 * @property {(to?: string) => ReceivedMail[]} list Messages, optionally only those to `to`.
 * @property {() => void} clear
 * @property {(test: (m: ReceivedMail) => boolean, timeoutMs?: number) => Promise<ReceivedMail>} waitFor
 *   The first message (already there or arriving) that passes `test`.
 * @property {() => Promise<void>} stop
 */

/** http(s) links in a text, without trailing punctuation. */
export function extractLinks(text) {
  return [...String(text).matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
}

/**
 * @param {{ host?: string, smtpPort?: number, httpPort?: number, keep?: number, log?: (line: string) => void }} [options]
 *   Ports default to free ones; `keep` (default 200) caps the messages kept.
 * @returns {Promise<MailServer>}
 */
export async function startMailServer(options = {}) {
  const { host = '127.0.0.1', keep = 200, log = () => {} } = options;
  /** @type {ReceivedMail[]} */
  const messages = [];
  /** @type {Set<() => void>} */
  const waiters = new Set();
  let nextId = 1;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'user-session-elements test mail server',
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? '';
          messages.push({
            id: nextId++,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text,
            links: extractLinks(text),
            date: new Date().toISOString(),
          });
          while (messages.length > keep) messages.shift();
          log(`mail to ${messages.at(-1)?.to.join(', ')}: ${messages.at(-1)?.subject}`);
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error) => callback(error));
    },
  });
  smtp.on('error', () => {}); // a client going away mid-session is not our failure

  /** @param {string | null | undefined} to */
  const list = (to) => (to ? messages.filter((m) => m.to.includes(to.trim().toLowerCase())) : [...messages]);

  const inbox = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://inbox');
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Allow-Private-Network': 'true',
      'Cache-Control': 'no-store',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (url.pathname !== '/messages') {
      res.writeHead(404, { ...cors, 'Content-Type': 'application/json' }).end('{"error":"GET /messages"}');
      return;
    }
    if (req.method === 'DELETE') messages.length = 0;
    else if (req.method !== 'GET') {
      res.writeHead(405, { ...cors, Allow: 'GET, DELETE, OPTIONS' }).end();
      return;
    }
    const body = JSON.stringify({ messages: list(url.searchParams.get('to')) });
    res.writeHead(200, { ...cors, 'Content-Type': 'application/json; charset=utf-8' }).end(body);
  });

  const listen = (/** @type {import("node:net").Server} */ server, /** @type {number} */ port) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.removeListener('error', reject);
        resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
      });
    });
  const smtpPort = /** @type {number} */ (await listen(smtp.server, options.smtpPort ?? 0));
  let httpPort;
  try {
    httpPort = /** @type {number} */ (await listen(inbox, options.httpPort ?? 0));
  } catch (error) {
    await new Promise((resolve) => smtp.close(resolve));
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;

  /** @type {Promise<void> | undefined} */
  let stopping;
  return {
    host,
    smtpPort,
    httpPort,
    inboxURL: `http://${urlHost}:${httpPort}/messages`,
    messages,
    list,
    clear: () => void (messages.length = 0),
    waitFor(test, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(test);
          if (!found) return false;
          done();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching mail within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        if (!check()) waiters.add(check);
      });
    },
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([
          new Promise((resolve) => smtp.close(() => resolve(undefined))),
          new Promise((resolve) => {
            inbox.close(() => resolve(undefined));
            inbox.closeAllConnections();
          }),
        ]);
      })()),
  };
}
