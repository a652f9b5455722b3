// Solid JSX types for the kit's tags (types only). Import once, anywhere in a Solid program:
//
//   import type {} from 'user-session-elements/jsx-solid';
//
// Listen with `on:success`, `on:logged-out`… (Solid's native listeners, the event name as
// dispatched). Solid sets the other props on custom elements as properties, kebab-case names
// turned to camelCase (`server-url` → `serverUrl`), so both spellings work.
import type { JSX } from 'solid-js';
import type {
  UserSessionElementsEventMap,
  UserSessionElementsPropsMap,
  UserSessionElementsTag,
  UserSessionElementsTagNameMap,
} from './jsx.js';

/** `on:<event>` props typed with Solid's own handler type (a function or `{ handleEvent, once… }`). */
export type UserSessionElementsSolidEventProps<Tag extends UserSessionElementsTag> = {
  [Name in keyof UserSessionElementsEventMap[Tag] & string as `on:${Name}`]?:
    | JSX.EventHandlerWithOptionsUnion<UserSessionElementsTagNameMap[Tag], Extract<UserSessionElementsEventMap[Tag][Name], Event>>
    | undefined;
};

/**
 * The props of one tag in Solid: Solid's own for an HTML element (`ref` typed as the element,
 * `class`, `children`…), the tag's attributes and properties, and `on:<event>` listeners.
 */
export type UserSessionElementsSolidProps<Tag extends UserSessionElementsTag> = JSX.HTMLAttributes<
  UserSessionElementsTagNameMap[Tag]
> &
  UserSessionElementsPropsMap[Tag] &
  UserSessionElementsSolidEventProps<Tag>;

declare module 'solid-js' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'user-session': UserSessionElementsSolidProps<'user-session'>;
      'log-out-action': UserSessionElementsSolidProps<'log-out-action'>;
      'log-in-action': UserSessionElementsSolidProps<'log-in-action'>;
      'sign-up-action': UserSessionElementsSolidProps<'sign-up-action'>;
      'set-user-properties-action': UserSessionElementsSolidProps<'set-user-properties-action'>;
      'request-password-reset-action': UserSessionElementsSolidProps<'request-password-reset-action'>;
      'request-verification-email-action': UserSessionElementsSolidProps<'request-verification-email-action'>;
      'session-list': UserSessionElementsSolidProps<'session-list'>;
    }
  }
}
