// How this project launches Debian's Chromium (tests, screenshot, bench): test tools cannot
// download browsers here, and without the networking flags Chromium floods the closed network.
import { chromiumPath } from './browsers.mjs';

export const chromiumLaunchOptions = {
  executablePath: chromiumPath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
