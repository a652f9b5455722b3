import { waitUntil as openWcWaitUntil } from '@open-wc/testing';

/**
 * open-wc's `waitUntil`, with 5 s instead of 1 s unless the test says otherwise: `npm test` runs
 * the three engines at once on two cores, where a request through a fault proxy to a real
 * server, or another tab's frame loading, can take over a second. A condition that never holds
 * still fails, with its message.
 */
export const waitUntil: typeof openWcWaitUntil = (predicate, message, options = {}) =>
  openWcWaitUntil(predicate, message, { timeout: 5000, ...options });
