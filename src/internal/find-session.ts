import { AuthError } from '../errors.js';
import type { UserSessionElement } from '../user-session.js';

/** What an action offers to be matched with its `<user-session>`. */
export interface SessionSeeker extends HTMLElement {
  /** Id of the session element, looked up in the seeker's own root. */
  session: string | null;
  /** An explicit session element. */
  sessionElement: Element | null;
}

const tag = 'user-session';

/**
 * Finds the `<user-session>` an action works with, at the moment it runs: the `session` id,
 * else `sessionElement`, else the closest ancestor (crossing shadow roots), else the only one
 * in the document. Waits for a late `customElements.define('user-session')`.
 * Rejects with an `AuthError` of code `no-session` when none (or no single one) is found.
 */
export async function findSession(seeker: SessionSeeker): Promise<UserSessionElement> {
  const found = locate(seeker);
  if (typeof (found as Partial<UserSessionElement>).logOut !== 'function') {
    await customElements.whenDefined(tag);
    customElements.upgrade(found);
  }
  return found as UserSessionElement;
}

function locate(seeker: SessionSeeker): Element {
  const id = seeker.session;
  if (id) {
    const root = seeker.getRootNode() as Partial<DocumentOrShadowRoot & NonElementParentNode>;
    const byId = root.getElementById?.(id);
    if (!byId) throw noSession(`No element with id "${id}" (from the session attribute) in this ${rootName(root)}.`);
    return mustBeSession(byId, `session="${id}"`);
  }
  if (seeker.sessionElement) return mustBeSession(seeker.sessionElement, 'sessionElement');

  for (let node: Node | null = seeker.parentNode; node; node = node instanceof ShadowRoot ? node.host : node.parentNode) {
    if (node instanceof Element && node.localName === tag) return node;
  }

  const all = seeker.ownerDocument.getElementsByTagName(tag);
  if (all.length === 1) return all[0];
  throw noSession(
    all.length === 0
      ? `No <${tag}> element found: put the action inside one, or give it session="id".`
      : `${all.length} <${tag}> elements and none contains the action: give it session="id" to choose.`,
  );
}

function mustBeSession(element: Element, source: string): Element {
  if (element.localName === tag) return element;
  throw noSession(`${source} names a <${element.localName}>, not a <${tag}>.`);
}

function rootName(root: object): string {
  return root instanceof ShadowRoot ? 'shadow root' : 'document';
}

function noSession(message: string): AuthError {
  return new AuthError('no-session', message);
}
