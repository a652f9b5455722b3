import { AuthError } from '../errors.js';

/** No auth answer is this big: a larger reply is a wrong server, not a user to parse. */
const maxReplyBytes = 1_000_000;

/** A server's reply: its status and text. */
export interface HttpReply {
  status: number;
  text: string;
}

/**
 * Sends one request and reads the reply, the way every fetch-based backend must (SPEC §7):
 * redirects are refused, not followed (they would carry the password or session elsewhere and
 * bring back whatever is there), replies are read up to 1 MB, an unreachable server is
 * `network`, a cancelled call `aborted`. `origin` names the server in messages.
 */
export async function sendRequest(url: string, init: RequestInit, signal: AbortSignal, origin: string): Promise<HttpReply> {
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal });
    if (response.type === 'opaqueredirect' || (response.status > 299 && response.status < 400)) {
      throw new AuthError('misconfigured', 'server-url redirects: set it to where the server answers.');
    }
    return { status: response.status, text: await readCapped(response) };
  } catch (error) {
    if (error instanceof AuthError) throw error;
    if (signal.aborted) {
      throw signal.reason instanceof AuthError ? signal.reason : new AuthError('aborted', undefined, { cause: signal.reason });
    }
    throw new AuthError('network', `Cannot reach ${origin}.`, { cause: error });
  }
}

/**
 * The reply's text, read as a stream and refused past `maxReplyBytes` (counted on the bytes
 * read, so a reply without Content-Length is capped too; SPEC §7.6).
 */
async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  // Decoded as it arrives: no Blob round trip (a task hop) after the last byte.
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let chunk; reader && !(chunk = await reader.read()).done; text += decoder.decode(chunk.value, { stream: true })) {
    if ((size += chunk.value.length) > maxReplyBytes) {
      void reader.cancel().catch(() => {});
      throw new AuthError('server', 'Reply over 1 MB.', { status: response.status });
    }
  }
  return text + decoder.decode();
}
