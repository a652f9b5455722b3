// The passkeys add-on (`user-session-elements/passkeys.js`): the `passkeys` feature, the methods it
// gives `<user-session>` (`logInWithPasskey`, `addPasskey`, `listPasskeys`, `deletePasskey`) and
// its three tags. The package entry re-exports it; the define modules and the self-contained
// files do not: a page built from them that does not use passkeys downloads none of it.
import './define/features/passkeys.js';
import './define/passkey-log-in-action.js';
import './define/add-passkey-action.js';
import './define/passkey-list.js';

export { PasskeyLogInActionElement } from './elements/passkey-log-in-action.js';
export { AddPasskeyActionElement } from './elements/add-passkey-action.js';
export { PasskeyListElement } from './elements/passkey-list.js';
export type { PasskeyInfo, PasskeyServer } from './backends/passkey-server.js';
export type { PasskeyLogInOptions } from './features/passkeys.js';
export type {
  AddPasskeyActionEventMap,
  AddPasskeySuccessDetail,
  PasskeyListEventMap,
  PasskeyRemovedDetail,
  PasskeysChangeDetail,
} from './events.js';
