import { UserSessionElement } from '../user-session.js';
import { defineElement } from './define-element.js';

defineElement('user-session', UserSessionElement);

export { UserSessionElement };
