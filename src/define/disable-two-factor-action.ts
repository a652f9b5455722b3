import { DisableTwoFactorActionElement } from '../elements/disable-two-factor-action.js';
import { defineElement } from './define-element.js';
import './features/two-factor.js';

defineElement('disable-two-factor-action', DisableTwoFactorActionElement);

export { DisableTwoFactorActionElement };
