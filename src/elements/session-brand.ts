import type { UserSessionElement } from './user-session.js';

/**
 * Marks `UserSessionElement` instances, whatever tag they were defined under and whichever copy
 * of the kit defined them, so actions recognise their session by what it is, not by its name.
 */
export const sessionBrand = Symbol.for('user-session-elements.session');

/** The default tag, waited for when an element of that name is not defined yet. */
export const sessionTag = 'user-session';

export function isSessionElement(node: unknown): node is UserSessionElement {
  return typeof node === 'object' && node !== null && (node as { [sessionBrand]?: unknown })[sessionBrand] === true;
}
