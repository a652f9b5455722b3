// Browser-side helpers for mail flows: the local mail server (server/mail-harness.mjs) that the
// Parse plugin starts with Parse Server, read through its HTTP inbox (CORS allowed) like the
// demo page reads it, and Parse's own pages driven in a same-origin frame like a person would.
import { executeServerCommand } from '@web/test-runner-commands';

export interface ReceivedMail {
  id: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  links: string[];
  date: string;
}

let inboxURL: string | undefined;

/** Messages in the local inbox sent to `to`, read over HTTP from the inbox endpoint. */
export async function inbox(to: string): Promise<ReceivedMail[]> {
  inboxURL ??= (await executeServerCommand<{ inboxURL: string }, undefined>('mail-config')).inboxURL;
  const reply = await fetch(`${inboxURL}?to=${encodeURIComponent(to)}`);
  return ((await reply.json()) as { messages: ReceivedMail[] }).messages;
}

/** The first mail to `to` whose subject matches, polling the inbox (every 100 ms, at most `ms`). */
export async function waitForMail(to: string, subject: RegExp, ms = 8000): Promise<ReceivedMail> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = (await inbox(to)).find((m) => subject.test(m.subject));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail "${String(subject)}" to ${to} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Loads `url` in a new iframe on this page and resolves once it has loaded. */
export function frameAt(url: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.title = 'Parse page';
  frame.style.cssText = 'width:600px;height:400px';
  const loaded = nextLoad(frame);
  frame.src = url;
  document.body.append(frame);
  return loaded.then(() => frame);
}

/** The frame's next `load` (a navigation or form submission finishing). */
export function nextLoad(frame: HTMLIFrameElement, ms = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('frame did not load')), ms);
    frame.addEventListener(
      'load',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** A link of the mail on this page's origin (the plugin sets publicServerURL so): the frame is readable. */
export function sameOriginLink(mail: ReceivedMail, path: string): string {
  const link = mail.links.find((l) => l.includes(path));
  if (!link) throw new Error(`no ${path} link in: ${mail.text}`);
  if (new URL(link).origin !== location.origin) throw new Error(`link ${link} is not on ${location.origin}`);
  return link;
}
