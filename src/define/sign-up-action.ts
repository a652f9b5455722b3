import { SignUpActionElement } from '../elements/sign-up-action.js';
import { defineElement } from './define-element.js';
import './features/sign-in.js';

defineElement('sign-up-action', SignUpActionElement);

export { SignUpActionElement };
