import { RequestPasswordResetActionElement } from '../elements/request-password-reset-action.js';
import { defineElement } from './define-element.js';
import './features/mail.js';

defineElement('request-password-reset-action', RequestPasswordResetActionElement);

export { RequestPasswordResetActionElement };
