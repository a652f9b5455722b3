import { UserSessionElement } from '../elements/user-session.js';
import { defineElement } from './define-element.js';
// Parse is the default backend of `<user-session>`.
import './parse-backend.js';

defineElement('user-session', UserSessionElement);

export { UserSessionElement };
