import { AddPasskeyActionElement } from '../elements/add-passkey-action.js';
import { defineElement } from './define-element.js';
import './features/passkeys.js';

defineElement('add-passkey-action', AddPasskeyActionElement);

export { AddPasskeyActionElement };
