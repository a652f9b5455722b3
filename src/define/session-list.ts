import { SessionListElement } from '../elements/session-list.js';
import { defineElement } from './define-element.js';
import './features/sessions.js';

defineElement('session-list', SessionListElement);

export { SessionListElement };
