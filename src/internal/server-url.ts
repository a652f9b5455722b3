import { AuthError } from '../errors.js';

/** Where requests go: `base + path + search`, and whether that is the page's own origin. */
export interface ServerTarget {
  base: string;
  search: string;
  origin: string;
  sameOrigin: boolean;
}

/**
 * A `server-url` checked once: an absolute http(s) URL (any origin), or a path (`/parse`) that,
 * once parsed, is on the page's origin: tabs, newlines and backslashes that the URL parser drops
 * or reads as `/` cannot smuggle in another host (SPEC §7.5). `example` goes in the message.
 */
export function toServerTarget(serverURL: unknown, example: string): ServerTarget {
  const url = parseServerURL(serverURL, example);
  const origin = url.origin;
  // A query string in server-url stays after the path.
  return {
    base: origin + url.pathname.replace(/\/+$/, ''),
    search: url.search,
    origin,
    sameOrigin: origin === globalThis.location?.origin,
  };
}

function parseServerURL(serverURL: unknown, example: string): URL {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a URL object or whatever a JS caller passed, as String() shows it
  const given = serverURL == null ? '' : String(serverURL).trim();
  const page = globalThis.location;
  const relative = given.startsWith('/');
  let url: URL | undefined;
  try {
    url = new URL(given, relative ? page?.href : undefined);
  } catch {
    // reported below
  }
  if (url && (url.username || url.password)) {
    // fetch refuses such a URL: never sent, never worth a retry (SPEC §7.7).
    throw new AuthError('misconfigured', 'server-url must not hold user:password@.');
  }
  if (url && /^https?:$/.test(url.protocol) && (!relative || url.origin === page?.origin)) {
    return url;
  }
  throw new AuthError(
    'misconfigured',
    `server-url "${given}" is unusable: use an http(s) URL or a path on this origin (${example}).`,
  );
}
