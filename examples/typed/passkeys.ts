// The passkeys add-on: importing it types (and adds) the four methods on <user-session> and its
// three tags, each with typed events. Without the import, `session.logInWithPasskey` is unknown.
import 'user-session-elements/passkeys.js';
import type { PasskeyInfo } from 'user-session-elements/passkeys.js';

const session = document.querySelector('user-session')!;
const signIn = document.querySelector('passkey-log-in-action')!; // PasskeyLogInActionElement
signIn.addEventListener('failure', (e) => {
  if (e.detail.error.code === 'cancelled') return; // closed the dialog, or no passkey here
  console.warn(e.detail.error.message);
});
document.querySelector('add-passkey-action')!.addEventListener('success', (e) => {
  const added: PasskeyInfo = e.detail.passkey;
  console.log(added.id, added.name, added.synced);
});
document.querySelector('passkey-list')!.addEventListener('removed', (e) => console.log(e.detail.passkey.id));

async function manage(): Promise<void> {
  const user = await session.logInWithPasskey();
  console.log(user.id);
  const passkeys: readonly PasskeyInfo[] = await session.listPasskeys();
  if (passkeys[0]) await session.deletePasskey(passkeys[0].id);
  // @ts-expect-error: a passkey's id is a string
  await session.deletePasskey(42);
}
void manage;
