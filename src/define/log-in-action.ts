import { LogInActionElement } from '../elements/log-in-action.js';
import { defineElement } from './define-element.js';
import './features/sign-in.js';

defineElement('log-in-action', LogInActionElement);

export { LogInActionElement };
