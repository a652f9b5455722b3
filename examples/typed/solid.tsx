/** @jsxImportSource solid-js */
// Solid. Listen with `on:<event>` (a native listener, the event name as dispatched).
import { createSignal, Show } from 'solid-js';
import 'user-session-elements';
import type {} from 'user-session-elements/jsx-solid'; // registers the tags with Solid's JSX
import type { LogOutActionElement, PublicUser } from 'user-session-elements';

export function AccountBar() {
  const [user, setUser] = createSignal<PublicUser | null>(null);
  const [message, setMessage] = createSignal('');
  let logOut: LogOutActionElement | undefined;

  return (
    <user-session
      server-url="http://localhost:1337/parse"
      app-id="demo-app"
      on:logged-in={(e) => setUser(e.detail.user)}
      on:logged-out={(e) => {
        setUser(null);
        setMessage(e.detail.reason);
      }}
    >
      <Show when={user()}>{(u) => <span>Hello, {u().username}</span>}</Show>
      <log-out-action
        ref={logOut}
        scope="all"
        on:success={(e) => setMessage(e.detail.revoked ? 'Signed out.' : 'Signed out here.')}
        on:failure={{ handleEvent: (e) => setMessage(e.detail.error.message), once: true }}
      />
      <button type="button" onClick={() => void logOut?.do()}>
        Log out (from code)
      </button>
      <p role="status">{message()}</p>
    </user-session>
  );
}

// Each element below must fail to compile (checked by `npm run typecheck:examples`; never rendered).
export function Rejected() {
  return [
    // @ts-expect-error: `scope` is 'current' | 'local' | 'others' | 'all'
    <log-out-action scope="everywhere" />,
    // @ts-expect-error: a log-out success carries `scope` and `revoked`, not `user`
    <log-out-action on:success={(e) => e.detail.user} />,
    // @ts-expect-error: `logged-in` reasons are 'log-in' | 'sign-up' | 'restored' | 'other-tab'
    <user-session on:logged-in={(e) => e.detail.reason === 'log-out'} />,
  ];
}
