// Log-out round trip on loopback, through the element, against Parse Server directly: the time
// from `<log-out-action>.do()` to its `success` event (which fires after the server answered
// POST /logout). Not part of `npm test` (the file name does not end in .test.ts); run it with
//
//   BROWSERS=chromium node scripts/test.mjs --files test/integration/log-out-round-trip.bench.ts
//
// It prints min / median / p90 / max over ROUNDS log-outs (each after a fresh log-in, untimed),
// and, for comparison, the same figures for a bare `fetch` of POST /logout as the kit sends it
// to a server on another origin (the Parse SDK's text/plain form, keys in the body).
import { expect, fixture, html } from '@open-wc/testing';
import '../helpers/safe-errors.js';
import { clearStorage } from '../helpers/fixtures.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import type { LogOutActionElement } from '../../src/elements/log-out-action.js';
import { logInRest, parseConfig, password, signUpRest, uniqueName } from './parse-server.js';

const ROUNDS = 50;
const WARM_UP = 3;

describe('log-out round trip (benchmark)', function () {
  it(`median of ${ROUNDS} do() → success, direct serverURL`, async function () {
    this.timeout(180_000);
    const cfg = await parseConfig();
    clearStorage();
    const account = await signUpRest(uniqueName('bench'));
    const session = await fixture<UserSessionElement>(html`
      <user-session app-id=${cfg.appId} server-url=${cfg.serverURL}><log-out-action></log-out-action></user-session>
    `);
    const action = session.querySelector<LogOutActionElement>('log-out-action')!;
    const times: number[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      await session.logIn(account.username, password);
      const success = new Promise<number>((resolve) =>
        action.addEventListener('success', () => resolve(performance.now()), { once: true }),
      );
      const t0 = performance.now();
      expect(await action.do()).to.equal(true);
      const t1 = await success;
      if (i >= WARM_UP) times.push(t1 - t0);
    }

    // The same request as a bare fetch (no element), for comparison.
    const bare: number[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const token = await logInRest(account.username);
      const t0 = performance.now();
      const response = await fetch(`${cfg.serverURL}/logout`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ _method: 'POST', _ApplicationId: cfg.appId, _SessionToken: token }),
      });
      await response.text();
      if (i >= WARM_UP) bare.push(performance.now() - t0);
      expect(response.status).to.equal(200);
    }

    const browser = navigator.userAgent.match(/(Chrome|Firefox|Version)\/[\d.]+/)?.[0] ?? 'browser';
    console.log(`log-out round trip over ${ROUNDS} runs (${browser}), element do() → success: ${stats(times)}`);
    console.log(`log-out round trip over ${ROUNDS} runs (${browser}), bare fetch POST /logout:   ${stats(bare)}`);
  });
});

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `min ${f(sorted[0]!)}, median ${f(at(0.5))}, p90 ${f(at(0.9))}, max ${f(sorted.at(-1)!)}`;
}
