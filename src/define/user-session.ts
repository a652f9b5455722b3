import { UserSessionElement } from '../elements/user-session.js';
import { defineElement } from './define-element.js';

defineElement('user-session', UserSessionElement);

export { UserSessionElement };
