// React 19 JSX types for the kit's tags (types only). Import once, anywhere in a React program:
//
//   import type {} from 'user-session-elements/jsx-react';
//
// React 19 sets a prop as a property when the element has it, else as an attribute, and turns
// `on<name>` into `addEventListener('<name>')` with the case kept: use `onsuccess`,
// `onlogged-out`… (`onSuccess` would listen for "Success").
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { OnEventProps, UserSessionElementsPropsMap, UserSessionElementsTag, UserSessionElementsTagNameMap } from './jsx.js';

/**
 * The props of one tag in React 19: React's own for an HTML element (`ref` typed as the element,
 * `children`, `className`…), `class`, the tag's attributes and properties, and `on<event>` listeners.
 */
export type UserSessionElementsReactProps<Tag extends UserSessionElementsTag> = DetailedHTMLProps<
  HTMLAttributes<UserSessionElementsTagNameMap[Tag]>,
  UserSessionElementsTagNameMap[Tag]
> &
  UserSessionElementsPropsMap[Tag] &
  OnEventProps<Tag> & {
    /** React 19 passes `class` to custom elements as the attribute. */
    class?: string | undefined;
  };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'user-session': UserSessionElementsReactProps<'user-session'>;
      'log-out-action': UserSessionElementsReactProps<'log-out-action'>;
      'log-in-action': UserSessionElementsReactProps<'log-in-action'>;
      'sign-up-action': UserSessionElementsReactProps<'sign-up-action'>;
      'set-user-properties-action': UserSessionElementsReactProps<'set-user-properties-action'>;
      'request-password-reset-action': UserSessionElementsReactProps<'request-password-reset-action'>;
      'request-verification-email-action': UserSessionElementsReactProps<'request-verification-email-action'>;
      'session-list': UserSessionElementsReactProps<'session-list'>;
    }
  }
}
