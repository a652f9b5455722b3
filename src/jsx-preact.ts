// Preact JSX types for the kit's tags (types only). Import once, anywhere in a Preact program:
//
//   import type {} from 'user-session-elements/jsx-preact';
//
// Preact sets a prop as a property when the element has it, else as an attribute, and turns
// `onsuccess` / `onlogged-out` into listeners for `success` / `logged-out`.
import type { HTMLAttributes } from 'preact';
import type { OnEventProps, UserSessionElementsPropsMap, UserSessionElementsTag, UserSessionElementsTagNameMap } from './jsx.js';

/**
 * The props of one tag in Preact: Preact's own for an HTML element (`ref` typed as the element,
 * `class`, `children`…), the tag's attributes and properties, and `on<event>` listeners.
 */
export type UserSessionElementsPreactProps<Tag extends UserSessionElementsTag> = HTMLAttributes<
  UserSessionElementsTagNameMap[Tag]
> &
  UserSessionElementsPropsMap[Tag] &
  OnEventProps<Tag>;

declare module 'preact' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'user-session': UserSessionElementsPreactProps<'user-session'>;
      'log-out-action': UserSessionElementsPreactProps<'log-out-action'>;
      'log-in-action': UserSessionElementsPreactProps<'log-in-action'>;
      'sign-up-action': UserSessionElementsPreactProps<'sign-up-action'>;
      'set-user-properties-action': UserSessionElementsPreactProps<'set-user-properties-action'>;
      'request-password-reset-action': UserSessionElementsPreactProps<'request-password-reset-action'>;
      'request-verification-email-action': UserSessionElementsPreactProps<'request-verification-email-action'>;
      'session-list': UserSessionElementsPreactProps<'session-list'>;
    }
  }
}
