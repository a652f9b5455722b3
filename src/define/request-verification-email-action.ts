import { RequestVerificationEmailActionElement } from '../elements/request-verification-email-action.js';
import { defineElement } from './define-element.js';
import './features/mail.js';

defineElement('request-verification-email-action', RequestVerificationEmailActionElement);

export { RequestVerificationEmailActionElement };
