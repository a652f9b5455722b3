// Model-based test: random sequences of what pages, users, other tabs and servers do, with the
// invariants of SPEC §1–§3 checked after every step. A failure prints the shrunk sequence.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import '../src/index.js';
import type { LogOutActionElement } from '../src/elements/log-out-action.js';
import type { UserSessionElement } from '../src/elements/user-session.js';
import { uncaught } from './helpers/fixtures.js';
import { ScriptedBackend, type Outcome } from './helpers/scripted-backend.js';

const runs = Number(new URLSearchParams(location.search).get('runs') ?? 200);

/**
 * Yields to queued tasks without the 4 ms clamp of nested timers: a message this window posts
 * to itself. (A MessageChannel's message crosses WebKit's network process, ~10 ms a hop: 200
 * sequences then took 270–470 s in WebKit, against 1.5 s in Chromium.)
 */
const tick = () =>
  new Promise<void>((resolve) => {
    const id = `model-tick-${Math.random()}`;
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window || event.data !== id) return;
      removeEventListener('message', onMessage);
      resolve();
    };
    addEventListener('message', onMessage);
    postMessage(id, location.origin);
  });
const ticks = async (n = 3) => {
  for (let i = 0; i < n; i++) await tick();
};
/** The end of the task an element (re)connected in: what connecting found is announced by then. */
const afterConnect = () => new Promise((resolve) => setTimeout(resolve));

let sequence = 0;

class World {
  readonly key = `model/${++sequence}`;
  readonly backend = new ScriptedBackend();
  readonly container = document.createElement('div');
  readonly parking = document.createElement('div');
  readonly sessions: UserSessionElement[];
  readonly action: LogOutActionElement;
  readonly events = new Map<Element, string[]>();
  readonly actionResults: string[] = [];
  readonly flights: Promise<boolean>[] = [];
  readonly tokens = new Set<string>();
  readonly errors: string[] = [];
  readonly violations: string[] = [];
  readonly otherTab: BroadcastChannel;

  constructor() {
    this.backend.memory.addUser({ username: 'ada', password: 'pw-ada' });
    this.backend.memory.addUser({ username: 'bob', password: 'pw-bob' });
    this.sessions = [0, 1].map(() => {
      const el = document.createElement('user-session');
      el.backend = this.backend;
      el.storageKey = this.key;
      el.id = `${this.key}-${this.events.size}`;
      const seen: string[] = [];
      this.events.set(el, seen);
      let token: string | null = null; // the token this element holds, as stored when it changed
      for (const type of ['logged-in', 'logged-out', 'user-change']) {
        el.addEventListener(type, (e) => {
          seen.push(type);
          const detail = (e as CustomEvent).detail;
          this.errors.push(JSON.stringify(detail));
          if (type !== 'logged-out') token = JSON.parse(this.stored()!).token;
          // "session-lost" only for a session the server no longer knows: a late answer about
          // an older session must never sign out a newer one.
          else if (detail.reason === 'session-lost' && token) {
            this.violations.push(...(this.backend.memory.isActive(token) ? [`${el.id} lost a valid session`] : []));
          }
        });
      }
      return el;
    });
    this.action = document.createElement('log-out-action');
    for (const type of ['success', 'failure']) {
      this.action.addEventListener(type, (e) => {
        this.actionResults.push(type);
        const detail = (e as CustomEvent).detail;
        this.errors.push(JSON.stringify(detail), detail.error?.message ?? '');
      });
    }
    this.sessions[0]!.append(this.action);
    this.container.append(...this.sessions);
    document.body.append(this.container, this.parking);
    this.otherTab = new BroadcastChannel(`user-session:${this.key}`);
  }

  stored(): string | null {
    return localStorage.getItem(this.key);
  }

  rememberToken(): void {
    const raw = this.stored();
    if (raw) this.tokens.add(JSON.parse(raw).token);
  }

  async dispose(): Promise<void> {
    this.backend.settleAll();
    await ticks(5);
    this.backend.settleAll();
    await Promise.all(this.flights);
    this.otherTab.close();
    this.container.remove();
    this.parking.remove();
    localStorage.removeItem(this.key);
    localStorage.removeItem(`${this.key}:pending-revocations`);
  }

  /** The invariants, checked after every step. */
  check(): void {
    const raw = this.stored();
    let storedSignedIn = false;
    try {
      storedSignedIn = raw !== null && typeof JSON.parse(raw).token === 'string';
    } catch {
      storedSignedIn = false;
    }
    for (const el of this.sessions) {
      const seen = this.events.get(el)!.filter((t) => t !== 'user-change');
      // Events alternate: never two logged-out (or logged-in) in a row.
      for (let i = 1; i < seen.length; i++) expect(seen[i], `${el.id} events ${seen.join(',')}`).not.to.equal(seen[i - 1]);
      // The attribute, user and last event agree.
      const attr = el.hasAttribute('authenticated');
      expect(attr, `${el.id} attribute vs user`).to.equal(el.user !== null);
      expect(attr, `${el.id} attribute vs last event`).to.equal(seen.at(-1) === 'logged-in');
      // A connected element agrees with storage.
      if (el.isConnected) expect(attr, `${el.id} attribute vs storage`).to.equal(storedSignedIn);
    }
    // Single flight: one result event per flight that has ended.
    expect(this.actionResults.length).to.be.at.most(this.flights.length);
    // No token in the DOM, events or errors.
    this.rememberToken();
    const visible = document.body.outerHTML + this.errors.join('\n');
    for (const token of this.tokens) expect(visible.includes(token), 'token leaked').to.equal(false);
    expect(uncaught.splice(0).map(String)).to.deep.equal([]);
    expect(this.violations).to.deep.equal([]);
  }
}

type Command = fc.AsyncCommand<object, World>;

const command = (name: string, run: (w: World) => Promise<void> | void): Command => ({
  check: () => true,
  async run(_m, w) {
    await run(w);
    await ticks();
    await afterConnect();
    w.check();
  },
  toString: () => name,
});

const sessionIndex = fc.integer({ min: 0, max: 1 });
// "invalid-session" comes from the memory backend's real answer, when the token was revoked.
const outcome = fc.constantFrom<Outcome>('answer', 'answer', 'network', 'server', 'timeout');

const settle = fc.tuple(fc.nat(), outcome).map(([index, result]) =>
  command(`settle(${index}, ${result})`, (w) => {
    if (w.backend.pending.length > 0) w.backend.settle(index, result);
  }),
);

const commands = [
  settle,
  fc.tuple(sessionIndex, fc.constantFrom('ada', 'bob')).map(([i, user]) =>
    command(`logIn(${i}, ${user})`, (w) => {
      void w.sessions[i]!.logIn(user, `pw-${user}`).catch(() => {});
    }),
  ),
  fc
    .tuple(sessionIndex, fc.constantFrom('current', 'local', 'all') as fc.Arbitrary<'current' | 'local' | 'all'>)
    .map(([i, scope]) =>
      command(`logOut(${i}, ${scope})`, (w) => {
        void w.sessions[i]!.logOut({ scope });
      }),
    ),
  fc.constant(
    command('action.do()', (w) => {
      const flight = w.action.do();
      if (!w.flights.includes(flight)) w.flights.push(flight);
    }),
  ),
  fc.integer({ min: 1, max: 2 }).map((n) =>
    command(n === 1 ? 'click' : 'double click', (w) => {
      for (let k = 0; k < n; k++) {
        const before = w.action.busy;
        w.action.click();
        if (!before && w.action.busy) w.flights.push(w.action.do()); // the flight the click started
      }
    }),
  ),
  settle,
  sessionIndex.map((i) =>
    command(`disconnect(${i})`, (w) => {
      w.sessions[i]!.remove();
    }),
  ),
  sessionIndex.map((i) =>
    command(`connect(${i})`, (w) => {
      if (!w.sessions[i]!.isConnected) w.container.append(w.sessions[i]!);
    }),
  ),
  sessionIndex.map((i) =>
    command(`move(${i})`, (w) => {
      const el = w.sessions[i]!;
      (el.parentElement === w.container ? w.parking : w.container).append(el);
    }),
  ),
  fc.constantFrom('log-in', 'log-out').map((kind) =>
    command(`otherTab(${kind})`, async (w) => {
      if (kind === 'log-in') {
        const session = await w.backend.memory.logIn('bob', 'pw-bob');
        localStorage.setItem(w.key, JSON.stringify(session));
      } else {
        localStorage.removeItem(w.key);
      }
      w.otherTab.postMessage('changed');
      // Wait until the connected elements heard it (BroadcastChannel goes through the browser
      // process: a few ms), bounded so a lost message fails the storage invariant instead.
      const deadline = performance.now() + 500;
      while (
        w.sessions.some((el) => el.isConnected && el.authenticated !== (kind === 'log-in')) &&
        performance.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 1));
      }
    }),
  ),
];

describe('model-based: random sequences keep every invariant', () => {
  it(`${runs} sequences of log-ins, log-outs, clicks, moves, other tabs and late or failing replies`, async function () {
    this.timeout(0);
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        const world = new World();
        try {
          await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
        } finally {
          await world.dispose();
        }
      }),
      { numRuns: runs, verbose: 1, includeErrorInReport: true },
    );
  });
});
