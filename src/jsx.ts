// JSX prop types for the kit's tags, framework-neutral: this module imports no framework
// and has no runtime code. The framework files build on it and register the tags with their
// framework's JSX (import the one you use, once, anywhere in your program):
//
//   import type {} from 'user-session-elements/jsx-react';   // React 19
//   import type {} from 'user-session-elements/jsx-preact';  // Preact
//   import type {} from 'user-session-elements/jsx-solid';   // Solid
//
// Nothing registers itself automatically: augmenting a framework's types from a file every user
// loads would fail to compile for users who do not have that framework installed.
//
// Event props are `on` + the event name exactly as dispatched: `onsuccess`, `onfailure`,
// `onlogged-in`, `onlogged-out`, `onuser-change`. React 19 adds a listener for
// `name.slice(2)` with its case kept (`onSuccess` would listen for "Success", which never
// fires); Preact and Solid map the same lowercase names to the same events.
import type { AuthBackend } from './backends/backend.js';
import type {
  LogOutActionEventMap,
  LogOutScope,
  SetUserPropertiesActionEventMap,
  MailActionEventMap,
  SessionListEventMap,
  SignInActionEventMap,
  UserSessionEventMap,
} from './events.js';
import type { LogInActionElement } from './elements/log-in-action.js';
import type { LogOutActionElement } from './elements/log-out-action.js';
import type { SetUserPropertiesActionElement } from './elements/set-user-properties-action.js';
import type { SignUpActionElement } from './elements/sign-up-action.js';
import type { RequestPasswordResetActionElement } from './elements/request-password-reset-action.js';
import type { RequestVerificationEmailActionElement } from './elements/request-verification-email-action.js';
import type { SessionListElement } from './elements/session-list.js';
import type { UserSessionElement } from './elements/user-session.js';

/** The kit's tags and their element classes (the same entries as in `HTMLElementTagNameMap`). */
export interface UserSessionElementsTagNameMap {
  'user-session': UserSessionElement;
  'log-out-action': LogOutActionElement;
  'log-in-action': LogInActionElement;
  'sign-up-action': SignUpActionElement;
  'set-user-properties-action': SetUserPropertiesActionElement;
  'request-password-reset-action': RequestPasswordResetActionElement;
  'request-verification-email-action': RequestVerificationEmailActionElement;
  'session-list': SessionListElement;
}

export type UserSessionElementsTag = keyof UserSessionElementsTagNameMap;

/** The kit's own events on each tag, by event name (not the events every `HTMLElement` has). */
export interface UserSessionElementsEventMap {
  'user-session': Pick<
    UserSessionEventMap,
    'logged-in' | 'logged-out' | 'user-change' | 'idle-warning' | 'sessions-change' | 'failure'
  >;
  'log-out-action': Pick<LogOutActionEventMap, 'success' | 'failure'>;
  'log-in-action': Pick<SignInActionEventMap, 'success' | 'failure'>;
  'sign-up-action': Pick<SignInActionEventMap, 'success' | 'failure'>;
  'set-user-properties-action': Pick<SetUserPropertiesActionEventMap, 'success' | 'failure'>;
  'request-password-reset-action': Pick<MailActionEventMap, 'success' | 'failure'>;
  'request-verification-email-action': Pick<MailActionEventMap, 'success' | 'failure'>;
  'session-list': Pick<SessionListEventMap, 'revoked' | 'failure'>;
}

/** A listener for one of the kit's events: the `CustomEvent` with `currentTarget` typed as the element. */
export type UserSessionElementsEventHandler<Element extends EventTarget, Ev extends Event> = (
  event: Ev & { readonly currentTarget: Element },
) => void;

/**
 * `on<event>` props, the event name as dispatched: `onsuccess`, `onlogged-out`… For React 19,
 * Preact and Solid (which all add a listener for the name after `on`).
 */
export type OnEventProps<Tag extends UserSessionElementsTag> = {
  [Name in keyof UserSessionElementsEventMap[Tag] & string as `on${Name}`]?:
    | UserSessionElementsEventHandler<UserSessionElementsTagNameMap[Tag], Extract<UserSessionElementsEventMap[Tag][Name], Event>>
    | undefined;
};

/** `on:<event>` props: `on:success`, `on:logged-out`… (Solid's native listeners). */
export type OnNamespacedEventProps<Tag extends UserSessionElementsTag> = {
  [Name in keyof UserSessionElementsEventMap[Tag] & string as `on:${Name}`]?:
    | UserSessionElementsEventHandler<UserSessionElementsTagNameMap[Tag], Extract<UserSessionElementsEventMap[Tag][Name], Event>>
    | undefined;
};

/**
 * `<user-session>`: its attributes (kebab-case, strings) and writable properties (camelCase).
 * Output-only members (`authenticated`, `user`, `pending`…) are not props.
 *
 * The kebab-case attributes always work. A camelCase prop is set as a property when the element
 * already has it, that is when the kit was imported (the tag defined) before the framework
 * creates the element; import the kit first.
 */
export interface UserSessionProps {
  /** `parse` (default), `memory`, `better-auth`, `oidc`, or any `AuthBackend` object (property). */
  backend?: 'parse' | 'memory' | 'better-auth' | 'oidc' | AuthBackend | undefined;
  /** Where Parse Server is mounted (with `better-auth`: where Better Auth's handler answers): an http(s) URL such as `http://localhost:1337/parse`, or a path on this origin such as `/parse`. */
  'server-url'?: string | undefined;
  serverUrl?: string | null | undefined;
  /** Parse application id. */
  'app-id'?: string | undefined;
  appId?: string | null | undefined;
  /** Optional Parse JavaScript key. */
  'client-key'?: string | undefined;
  clientKey?: string | null | undefined;
  /** `local` (default), `session` or `memory`. */
  storage?: 'local' | 'session' | 'memory' | undefined;
  /** Defaults to `Parse/<app-id>/currentUser` (OpenID Connect and Better Auth: see the README). */
  'storage-key'?: string | undefined;
  storageKey?: string | null | undefined;
  /** Limit in ms for each server request (default 10000). */
  timeout?: number | undefined;
  /** OpenID Connect: the provider's issuer URL. */
  issuer?: string | undefined;
  /** OpenID Connect: this page's client id at the provider. */
  'client-id'?: string | undefined;
  clientId?: string | null | undefined;
  /** OpenID Connect: where the provider sends the browser back (default: this page). */
  'redirect-uri'?: string | undefined;
  redirectUri?: string | null | undefined;
  /** OpenID Connect: where the provider sends the browser after ending its session. */
  'post-logout-redirect-uri'?: string | undefined;
  postLogoutRedirectUri?: string | null | undefined;
  /** OpenID Connect: the scopes asked for. */
  scopes?: string | undefined;
  /** Re-check the session with the server on this interval while signed in: `5m`, `90s`, `1h` or ms. */
  revalidate?: string | undefined;
  /** Sign out with reason `idle` after this long without activity in any tab: `15m`… */
  'idle-timeout'?: string | undefined;
  idleTimeout?: string | null | undefined;
  /** Fire the cancelable `idle-warning` this long before the idle sign-out: `60s`… */
  'idle-warning'?: string | undefined;
  idleWarning?: string | null | undefined;
}

/** What every action element takes. `busy` and `error` are output only. */
export interface ActionElementProps {
  /** Text of the default button. */
  label?: string | undefined;
  /** Id of the `<user-session>` to use, looked up when the action runs. */
  session?: string | undefined;
  /** The `<user-session>` to use when no `session` id is given (property). */
  sessionElement?: UserSessionElement | null | undefined;
}

/** `<log-out-action>` props. */
export interface LogOutActionProps extends ActionElementProps {
  /** `current` (default), `local` (forget here only), `others` or `all` (every session of the user). */
  scope?: LogOutScope | undefined;
  /** OpenID Connect: after signing out, end the provider's own session too (a navigation). */
  'end-session'?: boolean | undefined;
  endSession?: boolean | undefined;
}

/** What `<log-in-action>` and `<sign-up-action>` share. */
export interface SignInActionProps extends ActionElementProps {
  /** Username to use instead of the form's `username` field (property). */
  username?: string | null | undefined;
  /** Password to use instead of the form's `password` field (property, never an attribute). */
  password?: string | null | undefined;
}

/** `<log-in-action>` props. */
export interface LogInActionProps extends SignInActionProps {}

/** `<sign-up-action>` props. */
export interface SignUpActionProps extends SignInActionProps {
  /** Extra fields for the new user, merged over the form's other fields (property). */
  fields?: Record<string, unknown> | undefined;
}

/** `<set-user-properties-action>` props. */
export interface SetUserPropertiesActionProps extends ActionElementProps {
  /** Fields to set, merged over the form's fields (property). */
  properties?: Record<string, unknown> | null | undefined;
}

/** What `<request-password-reset-action>` and `<request-verification-email-action>` share. */
export interface MailActionProps extends ActionElementProps {
  /** Address to use instead of the form's `email` field (property). */
  email?: string | null | undefined;
}

/** `<request-password-reset-action>` props. */
export interface RequestPasswordResetActionProps extends MailActionProps {}

/** `<request-verification-email-action>` props. */
export interface RequestVerificationEmailActionProps extends MailActionProps {}

/** `<session-list>` props. */
export interface SessionListProps {
  /** Id of the `<user-session>` to use, looked up at each load. */
  session?: string | undefined;
  /** The `<user-session>` to use when no `session` id is given (property). */
  sessionElement?: UserSessionElement | null | undefined;
}

/** Each tag's own props: attributes and writable properties, without events. */
export interface UserSessionElementsPropsMap {
  'user-session': UserSessionProps;
  'log-out-action': LogOutActionProps;
  'log-in-action': LogInActionProps;
  'sign-up-action': SignUpActionProps;
  'set-user-properties-action': SetUserPropertiesActionProps;
  'request-password-reset-action': RequestPasswordResetActionProps;
  'request-verification-email-action': RequestVerificationEmailActionProps;
  'session-list': SessionListProps;
}

/**
 * Every tag's props with `on<event>` handlers, for any JSX framework: `Base` is what all its
 * elements accept (`id`, `class`, `children`, `ref`…). The framework files use it; for another
 * JSX library, merge it into that library's `IntrinsicElements` yourself:
 *
 *   import type { UserSessionElementsJSX } from 'user-session-elements';
 *   declare module 'some-jsx-lib' {
 *     namespace JSX {
 *       interface IntrinsicElements extends UserSessionElementsJSX<HTMLAttributes<HTMLElement>> {}
 *     }
 *   }
 */
export type UserSessionElementsJSX<Base extends object = object> = {
  [Tag in UserSessionElementsTag]: Base & UserSessionElementsPropsMap[Tag] & OnEventProps<Tag>;
};
