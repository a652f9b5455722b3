import { AuthError } from '../errors.js';
import { isSessionElement, sessionTag } from './session-brand.js';
import type { UserSessionElement } from './user-session.js';

/** What an action offers to be matched with its `<user-session>`. */
export interface SessionSeeker extends HTMLElement {
  /** Id of the session element, looked up in the seeker's own root. */
  session: string | null;
  /** An explicit session element. */
  sessionElement: Element | null;
}

/**
 * Finds the `<user-session>` an action works with, at the moment it runs: the `session` id,
 * else `sessionElement`, else the closest ancestor (crossing shadow roots), else the only one
 * in the document. A session element is recognised by class (any tag name, any copy of the
 * kit). Returns it at once, so the action starts in the same task as the click; a
 * `<user-session>` not defined yet is waited for (a promise).
 * Throws (or rejects) an `AuthError` of code `no-session` when none (or no single one) is found.
 */
export function findSession(seeker: SessionSeeker): UserSessionElement | Promise<UserSessionElement> {
  const found = locate(seeker);
  return isSessionElement(found) ? found : upgraded(found);
}

async function upgraded(found: Element): Promise<UserSessionElement> {
  await customElements.whenDefined(found.localName);
  customElements.upgrade(found);
  if (isSessionElement(found)) return found;
  throw noSession(`<${found.localName}> is not a session element.`);
}

/** A session element, or a `<user-session>` still waiting for its definition. */
function isCandidate(node: Node): boolean {
  return isSessionElement(node) || (node instanceof Element && node.localName === sessionTag && !customElements.get(sessionTag));
}

function locate(seeker: SessionSeeker): Element {
  const id = seeker.session;
  if (id) {
    const root = seeker.getRootNode() as Partial<DocumentOrShadowRoot & NonElementParentNode>;
    const byId = root.getElementById?.(id);
    if (!byId) throw noSession(`session="${id}": no such id in this ${root instanceof ShadowRoot ? 'shadow root' : 'document'}.`);
    return mustBeSession(byId, `session="${id}"`);
  }
  if (seeker.sessionElement) return mustBeSession(seeker.sessionElement, 'sessionElement');

  for (let node: Node | null = seeker.parentNode; node; node = node instanceof ShadowRoot ? node.host : node.parentNode) {
    if (isCandidate(node)) return node as Element;
  }

  const all = [...seeker.ownerDocument.querySelectorAll('*')].filter(isCandidate);
  if (all.length === 1) return all[0];
  throw noSession(
    all.length === 0
      ? `No <${sessionTag}>: put the action inside one, or set session="id".`
      : `${all.length} <${sessionTag}> elements: set session="id" to choose.`,
  );
}

function mustBeSession(element: Element, source: string): Element {
  if (isCandidate(element)) return element;
  throw noSession(`${source} names a <${element.localName}>, not a <${sessionTag}>.`);
}

function noSession(message: string): AuthError {
  return new AuthError('no-session', message);
}
