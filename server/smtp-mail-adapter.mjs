// Parse Server's mail adapter interface (`sendMail({ to, subject, text })`; Parse builds the
// password-reset and verification texts itself) over SMTP with nodemailer: for the local mail
// server of server/mail-harness.mjs. Sending never throws into Parse and never makes a request
// wait: Parse does not await `sendMail`, and a failure is only logged.
import nodemailer from 'nodemailer';

/**
 * @param {{ host?: string, port: number, from?: string, log?: (line: string) => void }} options
 * @returns {{ sendMail(mail: { to: string, subject: string, text: string, html?: string }): Promise<void> }}
 */
export function createSmtpMailAdapter({
  host = '127.0.0.1',
  port,
  from = 'Parse Server <no-reply@localhost>',
  log = console.warn,
}) {
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: false,
    ignoreTLS: true,
    // Loopback: fail fast rather than hold anything up.
    connectionTimeout: 3000,
    greetingTimeout: 3000,
    socketTimeout: 5000,
  });
  return {
    async sendMail({ to, subject, text, html }) {
      try {
        await transport.sendMail({ from, to, subject, text, ...(html ? { html } : {}) });
      } catch (error) {
        log(`mail to ${to} not sent: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
