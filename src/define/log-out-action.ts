import { LogOutActionElement } from '../elements/log-out-action.js';
import { defineElement } from './define-element.js';

defineElement('log-out-action', LogOutActionElement);

export { LogOutActionElement };
