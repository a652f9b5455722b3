// An HTTP server that can be stopped and started again on the same port, with its handler set
// later: what a harness needs to put "the server is down" behind a fault proxy whose target
// must be known first. Shared by the OpenID Provider and Better Auth harnesses.
import http from 'node:http';

/**
 * @typedef {object} RestartableServer
 * @property {(handler: http.RequestListener) => void} setHandler What answers requests (until set: 503).
 * @property {() => Promise<void>} listen Starts listening (port 0: a free one, kept for later starts).
 * @property {() => Promise<void>} close Stops listening and drops open connections (a no-op when stopped).
 * @property {() => number} port The port (after the first `listen`).
 * @property {() => boolean} running Whether it listens now.
 */

/**
 * @param {{ port: number, host: string }} options
 * @returns {RestartableServer}
 */
export function restartableServer({ port, host }) {
  /** @type {http.RequestListener} */
  let handle = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  /** @type {http.Server | null} */
  let server = null;
  let currentPort = port;
  return {
    setHandler: (handler) => {
      handle = handler;
    },
    async listen() {
      const next = http.createServer((req, res) => handle(req, res));
      next.on('clientError', (_err, socket) => socket.destroy());
      // Idle kept-alive connections are closed by the client side only (the proxy's agent): one
      // closed here as the agent reuses it would fail that request (see fault-proxy.mjs).
      next.keepAliveTimeout = 0;
      await new Promise((resolve, reject) => {
        next.once('error', reject);
        next.listen(currentPort, host, () => {
          next.removeListener('error', reject);
          resolve(undefined);
        });
      });
      currentPort = /** @type {import('node:net').AddressInfo} */ (next.address()).port;
      server = next;
    },
    async close() {
      const current = server;
      server = null;
      if (!current) return;
      await new Promise((resolve) => {
        current.close(() => resolve(undefined));
        current.closeAllConnections();
      });
    },
    port: () => currentPort,
    running: () => server !== null,
  };
}
