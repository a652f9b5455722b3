// Node-only test/demo backend: a real Parse Server on an embedded PostgreSQL, and a fault proxy.
export { startParseServer } from './parse-harness.mjs';
export { startFaultProxy } from './fault-proxy.mjs';
