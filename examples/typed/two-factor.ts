// The two-step sign-in add-on: importing it types (and adds) `logIn(…, { code })`, the three
// methods on <user-session>, and its two tags with typed events. Without the import,
// `session.beginTwoFactor` is unknown.
import 'user-session-elements/two-factor.js';
import { AuthError, type SecondFactor } from 'user-session-elements';

const session = document.querySelector('user-session')!;
session.addEventListener('second-factor-required', (e) => {
  const methods: readonly SecondFactor[] = e.detail.methods; // ['totp', 'recovery-code']
  console.log(methods);
});
const enable = document.querySelector('enable-two-factor-action')!; // EnableTwoFactorActionElement
enable.addEventListener('setup', (e) => console.log(e.detail.uri.startsWith('otpauth://')));
enable.addEventListener('success', (e) => console.log(e.detail.recoveryCodes.length));
enable.addEventListener('failure', (e) => console.warn(e.detail.error.code));
document.querySelector('disable-two-factor-action')!.addEventListener('success', () => console.log('off'));

async function signIn(username: string, password: string, ask: () => Promise<string>): Promise<void> {
  try {
    await session.logIn(username, password);
  } catch (error) {
    if (!(error instanceof AuthError) || error.code !== 'second-factor-required') throw error;
    await session.logIn(username, password, { code: await ask() });
  }
  const { uri, secret } = await session.beginTwoFactor({ password });
  console.log(uri, secret);
  const { recoveryCodes } = await session.enableTwoFactor('123456');
  console.log(recoveryCodes[0]);
  await session.disableTwoFactor({ password });
  // @ts-expect-error: the code is a string
  await session.enableTwoFactor(123456);
}
void signIn;
