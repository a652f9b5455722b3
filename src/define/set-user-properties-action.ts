import { SetUserPropertiesActionElement } from '../elements/set-user-properties-action.js';
import { defineElement } from './define-element.js';
import './features/update-user.js';

defineElement('set-user-properties-action', SetUserPropertiesActionElement);

export { SetUserPropertiesActionElement };
