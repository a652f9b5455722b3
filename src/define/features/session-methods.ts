import { UserSessionElement } from '../../elements/user-session.js';

/**
 * Gives `<user-session>` an add-on's methods (a method already there, from another copy of the
 * add-on or the page, stays): how `passkeys` and `two-factor` reach the element without the core
 * carrying stubs.
 */
export function addSessionMethods(methods: Partial<UserSessionElement> & ThisType<UserSessionElement>): void {
  for (const [name, method] of Object.entries(methods))
    if (!(name in UserSessionElement.prototype))
      Object.defineProperty(UserSessionElement.prototype, name, { value: method, writable: true, configurable: true });
}
