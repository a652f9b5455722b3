import { EnableTwoFactorActionElement } from '../elements/enable-two-factor-action.js';
import { defineElement } from './define-element.js';
import './features/two-factor.js';

defineElement('enable-two-factor-action', EnableTwoFactorActionElement);

export { EnableTwoFactorActionElement };
