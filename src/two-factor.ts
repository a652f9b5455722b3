// The two-step sign-in add-on (`user-session-elements/two-factor.js`): the `two-factor` feature
// (password log-ins then take a second-step `code`; `beginTwoFactor`, `enableTwoFactor`,
// `disableTwoFactor` on `<user-session>`) and its two tags. The package entry re-exports it; the
// define modules and the self-contained files do not: a page built from them that does not use
// two-step sign-in downloads none of it.
import './define/features/two-factor.js';
import './define/enable-two-factor-action.js';
import './define/disable-two-factor-action.js';

export { EnableTwoFactorActionElement, TwoFactorSetupStep } from './elements/enable-two-factor-action.js';
export { DisableTwoFactorActionElement } from './elements/disable-two-factor-action.js';
export type { TwoFactorSecret } from './features/two-factor.js';
export type { TwoFactorServer, TwoFactorSetup, TwoFactorEnabled } from './backends/two-factor-server.js';
export type {
  DisableTwoFactorActionEventMap,
  DisableTwoFactorSuccessDetail,
  EnableTwoFactorActionEventMap,
  EnableTwoFactorSuccessDetail,
  TwoFactorSetupDetail,
} from './events.js';
