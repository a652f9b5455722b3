// The page the tests drive (test/frameworks): the README's <Account> (Account.tsx), plus a
// harness that sets every property from React and counts each event its listeners receive.
import { useState } from 'react';
import type { UserSessionElement } from 'user-session-elements';
import { Account } from './Account';
import { backend } from './backend';

const names = [
  'logged-in',
  'logged-out',
  'static success',
  'log-in success',
  'log-in failure',
  'sign-up success',
  'sign-up failure',
  'log-out success',
  'log-out failure',
] as const;
type Counts = Record<(typeof names)[number], number>;

export function App() {
  const [shown, setShown] = useState(true);
  const [renders, setRenders] = useState(0);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [session, setSession] = useState<UserSessionElement | null>(null);
  const [counts, setCounts] = useState(() => Object.fromEntries(names.map((n) => [n, 0])) as Counts);
  const [lastError, setLastError] = useState('');
  const count = (name: keyof Counts) => setCounts((c) => ({ ...c, [name]: c[name] + 1 }));
  const failed = (name: keyof Counts) => (e: CustomEvent<{ error: Error }>) => {
    count(name);
    setLastError(e.detail.error.message);
  };
  return (
    <main>
      <button id="rerender" onClick={() => setRenders((n) => n + 1)}>
        Re-render ({renders})
      </button>
      <button id="toggle" onClick={() => setShown((s) => !s)}>
        {shown ? 'Unmount' : 'Mount'}
      </button>
      {shown && <Account backend={backend} />}
      <section id="harness">
        <user-session
          id="harness-session"
          ref={setSession}
          backend={backend}
          onlogged-in={() => count('logged-in')}
          onlogged-out={() => count('logged-out')}
        />
        {shown && (
          <>
            <log-in-action
              id="h-static"
              label="Sign in (static)"
              username="ada"
              password="lovelace"
              sessionElement={session}
              onsuccess={() => count('static success')}
              onfailure={failed('log-in failure')}
            />
            <input
              id="h-username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-label="Username (properties)"
            />
            <input
              id="h-password"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-label="Password (properties)"
            />
            <log-in-action
              id="h-log-in"
              label="Sign in (properties)"
              username={username}
              password={password}
              sessionElement={session}
              onsuccess={() => count('log-in success')}
              onfailure={failed('log-in failure')}
            />
            <sign-up-action
              id="h-sign-up"
              label="Sign up (properties)"
              username={username}
              password={password}
              fields={{ plan: 'pro', team: { name: 'engines' } }}
              sessionElement={session}
              onsuccess={() => count('sign-up success')}
              onfailure={failed('sign-up failure')}
            />
            <log-out-action
              id="h-log-out"
              scope="local"
              sessionElement={session}
              onsuccess={() => count('log-out success')}
              onfailure={failed('log-out failure')}
            >
              <button type="button">Sign out here</button>
            </log-out-action>
          </>
        )}
        <output id="counts">{JSON.stringify(counts)}</output>
        <output id="last-error">{lastError}</output>
      </section>
    </main>
  );
}
