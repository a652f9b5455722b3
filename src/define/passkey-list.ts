import { PasskeyListElement } from '../elements/passkey-list.js';
import { defineElement } from './define-element.js';
import './features/passkeys.js';

defineElement('passkey-list', PasskeyListElement);

export { PasskeyListElement };
