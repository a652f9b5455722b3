// Plain DOM, no framework: the tags are in HTMLElementTagNameMap and each element's
// addEventListener knows its events, so `e.detail` is typed without a cast.
import { AuthError, type AuthErrorCode, type LoggedOutReason, type PublicUser } from 'user-session-elements';

const logOut = document.querySelector('log-out-action')!; // LogOutActionElement
logOut.scope = 'all';
logOut.addEventListener('success', (e) => {
  const revoked: boolean = e.detail.revoked;
  console.log('signed out', e.detail.scope, revoked);
});
logOut.addEventListener('failure', (e) => {
  const code: AuthErrorCode = e.detail.error.code;
  if (e.detail.revocationPending) console.warn('revocation pending', code, e.detail.error instanceof AuthError);
});
// @ts-expect-error: a log-out failure carries `error`, `signedOutLocally`, `revocationPending`; no `reason`
logOut.addEventListener('failure', (e) => e.detail.reason);
// @ts-expect-error: `scope` is 'current' | 'local' | 'others' | 'all'
logOut.scope = 'everywhere';

const session = document.createElement('user-session'); // UserSessionElement
session.setAttribute('server-url', 'http://localhost:1337/parse');
session.appId = 'demo-app';
session.addEventListener('logged-in', (e) => {
  const user: PublicUser = e.detail.user;
  console.log(user.username, e.detail.reason);
});
session.addEventListener('logged-out', (e) => {
  const reason: LoggedOutReason = e.detail.reason;
  console.log(reason);
});
session.addEventListener('user-change', (e) => console.log(e.detail.user.email));
// @ts-expect-error: `logged-out` carries only `reason`; the user is gone
session.addEventListener('logged-out', (e) => e.detail.user);
document.body.append(session);

const signUp = document.createElement('sign-up-action'); // SignUpActionElement
signUp.fields = { displayName: 'Ada' };
signUp.addEventListener('success', (e) => console.log('welcome', e.detail.user.id));
signUp.addEventListener('failure', (e) => {
  if (e.detail.error.code === 'username-taken') console.log('pick another name');
});
// @ts-expect-error: 'taken' is not an AuthErrorCode (it is 'username-taken')
signUp.addEventListener('failure', (e) => e.detail.error.code === 'taken');

export async function logOutEverywhere(): Promise<boolean> {
  const result = await session.logOut({ scope: 'all' });
  return result.ok && (await document.querySelector('log-in-action')!.do());
}

const devices = document.createElement('session-list'); // SessionListElement
devices.addEventListener('revoked', (e) => {
  if (e.detail.scope === 'session') console.log('signed out', e.detail.session.id, e.detail.session.userAgent);
  else console.log('signed out every other device');
});
devices.addEventListener('failure', (e) => console.warn(e.detail.error.code));
session.addEventListener('sessions-change', () => void devices.refresh());
// @ts-expect-error: `revoked` with scope 'others' names no single session
devices.addEventListener('revoked', (e) => e.detail.scope === 'others' && e.detail.session);

export async function otherDevices(): Promise<number> {
  const sessions = await session.listSessions();
  const others = sessions.filter((s) => !s.current);
  if (others[0]) await session.revokeSession(others[0].id);
  return others.length;
}
