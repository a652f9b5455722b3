// The kit and a fake clock for test/pages/idle-tab.html, imported the way the tests import them
// (so the page's elements use this clock).
import '../../src/index.js';
import { clock } from '../../src/session/clock.js';
import { FakeClock } from './fake-clock.js';

export function installFakeClock(start: number): FakeClock {
  return new FakeClock(start).install(clock);
}
