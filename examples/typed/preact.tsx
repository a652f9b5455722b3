/** @jsxImportSource preact */
// Preact. Custom events are `on` + the event name as dispatched: `onsuccess`, `onlogged-out`.
import { useRef, useState } from 'preact/hooks';
import 'user-session-elements';
import type {} from 'user-session-elements/jsx-preact'; // registers the tags with Preact's JSX
import type { LogOutActionElement, PublicUser } from 'user-session-elements';

export function AccountBar() {
  const [user, setUser] = useState<PublicUser | null>(null);
  const [message, setMessage] = useState('');
  const logOut = useRef<LogOutActionElement>(null);

  return (
    <user-session
      server-url="http://localhost:1337/parse"
      app-id="demo-app"
      onlogged-in={(e) => setUser(e.detail.user)}
      onlogged-out={(e) => {
        setUser(null);
        setMessage(e.detail.reason);
      }}
    >
      {user && <span>Hello, {user.username}</span>}
      <log-out-action
        ref={logOut}
        class="link"
        scope="current"
        onsuccess={(e) => setMessage(`signed out (${e.detail.scope})`)}
        onfailure={(e) => setMessage(e.detail.error.message)}
      />
      <button type="button" onClick={() => void logOut.current?.do()}>
        Log out (from code)
      </button>
      <p role="status">{message}</p>
    </user-session>
  );
}

// Each element below must fail to compile (checked by `npm run typecheck:examples`; never rendered).
export function Rejected() {
  return [
    // @ts-expect-error: `scope` is 'current' | 'local' | 'others' | 'all'
    <log-out-action scope="everywhere" />,
    // @ts-expect-error: `user-change` carries `user`, not `reason`
    <user-session onuser-change={(e) => e.detail.reason} />,
    // @ts-expect-error: a sign-up failure carries `error`; its code is not 'taken'
    <sign-up-action onfailure={(e) => e.detail.error.code === 'taken'} />,
  ];
}
