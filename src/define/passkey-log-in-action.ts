import { PasskeyLogInActionElement } from '../elements/passkey-log-in-action.js';
import { defineElement } from './define-element.js';
import './features/passkeys.js';

defineElement('passkey-log-in-action', PasskeyLogInActionElement);

export { PasskeyLogInActionElement };
