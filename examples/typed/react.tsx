// React 19. Custom events are `on` + the event name as dispatched: `onsuccess`, `onlogged-out`.
import { useRef, useState } from 'react';
import 'user-session-elements'; // defines the tags (before React creates them, so props become properties)
import type {} from 'user-session-elements/jsx-react'; // registers the tags with React's JSX
import type { LogOutActionElement, PublicUser } from 'user-session-elements';

export function AccountBar() {
  const [user, setUser] = useState<PublicUser | null>(null);
  const [message, setMessage] = useState('');
  const logOut = useRef<LogOutActionElement>(null);

  return (
    <user-session
      server-url="http://localhost:1337/parse"
      app-id="demo-app"
      storage="local"
      timeout={5000}
      onlogged-in={(e) => setUser(e.detail.user)}
      onlogged-out={(e) => {
        setUser(null);
        setMessage(e.detail.reason === 'session-lost' ? 'Your session expired.' : '');
      }}
      onuser-change={(e) => setUser(e.detail.user)}
    >
      {user ? <span>Hello, {user.username}</span> : <span>Not signed in</span>}
      <log-out-action
        ref={logOut}
        scope="all"
        label="Sign out everywhere"
        class="link"
        onsuccess={(e) => setMessage(e.detail.revoked ? 'Signed out.' : 'Signed out here.')}
        onfailure={(e) => {
          e.currentTarget.scope satisfies 'current' | 'local' | 'others' | 'all'; // currentTarget is the element
          setMessage(`${e.detail.error.code}: ${e.detail.error.message}`);
        }}
      />
      <button type="button" onClick={() => void logOut.current?.do()}>
        Log out (from code)
      </button>
      <p role="status">{message}</p>
    </user-session>
  );
}

export function SignInForm({ onDone }: { onDone: (user: PublicUser) => void }) {
  return (
    <form>
      <input name="username" autoComplete="username" />
      <input name="password" type="password" autoComplete="current-password" />
      <log-in-action session="main" onsuccess={(e) => onDone(e.detail.user)}>
        <button type="submit">Log in</button>
      </log-in-action>
      <sign-up-action fields={{ plan: 'free' }} onfailure={(e) => e.detail.error.code === 'username-taken'}>
        <button type="submit">Create account</button>
      </sign-up-action>
    </form>
  );
}

// Each element below must fail to compile (checked by `npm run typecheck:examples`; never rendered).
export function Rejected() {
  const logOutRef = useRef<LogOutActionElement>(null);
  return [
    // @ts-expect-error: `scope` is 'current' | 'local' | 'others' | 'all'
    <log-out-action scope="everywhere" />,
    // @ts-expect-error: a log-out failure has no `reason` (that is `logged-out`)
    <log-out-action onfailure={(e) => e.detail.reason} />,
    // @ts-expect-error: sign-in success carries `user`, not `scope`
    <log-in-action onsuccess={(e) => e.detail.scope} />,
    // @ts-expect-error: React 19 keeps the case: `onSuccess` would listen for "Success", which never fires
    <log-out-action onSuccess={() => {}} />,
    // @ts-expect-error: `authenticated` is output only (the element reverts it)
    <user-session authenticated />,
    // @ts-expect-error: `storage` is 'local' | 'session' | 'memory'
    <user-session storage="cookie" />,
    // @ts-expect-error: the ref is a LogOutActionElement, not a LogInActionElement
    <log-in-action ref={logOutRef} />,
  ];
}
