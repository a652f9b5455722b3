// The package entry: the whole public API, and every tag defined (skipping tags already defined).
// Import the class modules (`user-session-elements/user-session.js`, …) to define tags yourself,
// or `user-session-elements/define/<tag>.js` to define one tag.
import './define/user-session.js';
import './define/log-out-action.js';
import './define/log-in-action.js';
import './define/sign-up-action.js';

export { UserSessionElement } from './user-session.js';
export { LogOutActionElement } from './log-out-action.js';
export { LogInActionElement } from './log-in-action.js';
export { SignUpActionElement } from './sign-up-action.js';
export { SignInActionElement, type Credentials } from './sign-in-action.js';
export { ActionElement, type ActionOutcome } from './action-element.js';
export { AuthError, type AuthErrorCode, type AuthErrorOptions } from './errors.js';
export { MemoryBackend, type MemoryBackendOptions, type MemoryUserSeed } from './backends/memory.js';
export { ParseBackend, type ParseBackendOptions } from './backends/parse.js';
export type { AuthBackend, PublicUser, RevokeScope, StoredSession } from './backends/backend.js';
export type * from './events.js';
export type * from './jsx.js';
