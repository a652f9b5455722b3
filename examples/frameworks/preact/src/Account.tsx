import { useState } from 'preact/hooks';
import 'user-session-elements';
import type {} from 'user-session-elements/jsx-preact';
import type { AuthBackend, PublicUser } from 'user-session-elements';

export function Account({ backend }: { backend: AuthBackend }) {
  const [user, setUser] = useState<PublicUser | null>(null);
  const [message, setMessage] = useState('');
  const showError = (e: CustomEvent<{ error: Error }>) => setMessage(e.detail.error.message);
  return (
    <user-session backend={backend} onlogged-in={(e) => setUser(e.detail.user)} onlogged-out={() => setUser(null)}>
      <p class="state">{user ? `Signed in as ${user.username}` : 'Signed out'}</p>
      {user ? (
        <log-out-action scope="all" label="Log out everywhere" onfailure={showError} />
      ) : (
        <form>
          <input name="username" autocomplete="username" aria-label="Username" />
          <input name="password" type="password" autocomplete="current-password" aria-label="Password" />
          <log-in-action onsuccess={() => setMessage('')} onfailure={showError} />
          <sign-up-action fields={{ plan: 'free' }} onfailure={showError} />
        </form>
      )}
      <p role="status">{message}</p>
    </user-session>
  );
}
