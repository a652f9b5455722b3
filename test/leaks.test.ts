// Connects and disconnects 10,000 elements and checks that listeners, channels and timers go
// back to where they started. Counts, not timings; the figures are printed for the notes.
import { expect } from '@open-wc/testing';
import { clearStorage, signIn } from './helpers/fixtures.js';
import { RecordingBackend } from './helpers/recording-backend.js';

interface Counts {
  listeners: number;
  channels: number;
  timers: number;
}

const live: Counts = { listeners: 0, channels: 0, timers: 0 };
const listenerKeys = new Map<EventTarget, Set<unknown>>();

/**
 * Listeners that outlive an element: on the window, the document, a channel or a form. Those
 * an element puts on itself or its own shadow tree go away with it and are not counted.
 */
const longLived = (target: EventTarget) =>
  target === globalThis ||
  target instanceof Document ||
  target instanceof HTMLFormElement ||
  (typeof BroadcastChannel === 'function' && target instanceof BroadcastChannel);

function instrument(): () => void {
  const proto = EventTarget.prototype;
  const { addEventListener, removeEventListener } = proto;
  proto.addEventListener = function (type: string, listener: unknown, options?: unknown) {
    if (!longLived(this)) return addEventListener.call(this, type, listener as EventListener, options as AddEventListenerOptions);
    const capture = typeof options === 'boolean' ? options : Boolean((options as AddEventListenerOptions | undefined)?.capture);
    // A listener added with a `signal` goes away when it aborts (none is added if it already has).
    const signal = typeof options === 'object' ? (options as AddEventListenerOptions | null)?.signal : undefined;
    if (signal?.aborted) return addEventListener.call(this, type, listener as EventListener, options as AddEventListenerOptions);
    signal?.addEventListener('abort', () => proto.removeEventListener.call(this, type, listener as EventListener, { capture }), {
      once: true,
    });
    const keys = listenerKeys.get(this) ?? new Set();
    const key = `${type}|${capture}`;
    // One count per distinct (type, listener, capture), as the DOM dedupes them.
    const id = [key, listener];
    if (![...keys].some((k) => (k as unknown[])[0] === key && (k as unknown[])[1] === listener)) {
      keys.add(id);
      listenerKeys.set(this, keys);
      live.listeners++;
    }
    return addEventListener.call(this, type, listener as EventListener, options as AddEventListenerOptions);
  };
  proto.removeEventListener = function (type: string, listener: unknown, options?: unknown) {
    if (!longLived(this)) return removeEventListener.call(this, type, listener as EventListener, options as EventListenerOptions);
    const capture = typeof options === 'boolean' ? options : Boolean((options as EventListenerOptions | undefined)?.capture);
    const keys = listenerKeys.get(this);
    const key = `${type}|${capture}`;
    const found = keys && [...keys].find((k) => (k as unknown[])[0] === key && (k as unknown[])[1] === listener);
    if (found) {
      keys.delete(found);
      live.listeners--;
    }
    return removeEventListener.call(this, type, listener as EventListener, options as EventListenerOptions);
  };
  const Channel = globalThis.BroadcastChannel;
  globalThis.BroadcastChannel = class extends Channel {
    #open = true;
    constructor(name: string) {
      super(name);
      live.channels++;
    }
    override close() {
      if (this.#open) live.channels--;
      this.#open = false;
      super.close();
    }
  };
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  const pending = new Set<unknown>();
  globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => {
    const id: unknown = set(() => {
      if (pending.delete(id)) live.timers--;
      fn(...(args as []));
    }, ms);
    pending.add(id);
    live.timers++;
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id: Parameters<typeof clearTimeout>[0]) => {
    if (pending.delete(id)) live.timers--;
    clear(id);
  }) as typeof clearTimeout;
  return () => {
    Object.assign(proto, { addEventListener, removeEventListener });
    Object.assign(globalThis, { BroadcastChannel: Channel, setTimeout: set, clearTimeout: clear });
  };
}

describe('no leaks', () => {
  beforeEach(clearStorage);

  it('10,000 connect/disconnect cycles of <user-session> + <log-out-action> leave window/document/channel listeners, channels and timers as they were', async function () {
    this.timeout(60000);
    const restore = instrument();
    try {
      const backend = new RecordingBackend();
      const host = document.createElement('div');
      document.body.append(host);
      const start = { ...live };
      let peak = { ...live };
      for (let i = 0; i < 10_000; i++) {
        const session = document.createElement('user-session');
        session.backend = backend;
        session.storageKey = `leaks/${i % 10}`; // ten keys: shared state is created and dropped
        const action = document.createElement('log-out-action');
        session.append(action);
        host.append(session);
        if (i % 1000 === 0) {
          await signIn(session);
          await action.do();
        }
        if (live.listeners > peak.listeners) peak = { ...live };
        session.remove();
        if (i % 500 === 0) await new Promise((r) => requestAnimationFrame(r));
      }
      host.remove();
      await new Promise((r) => setTimeout(r, 0));
      console.log(
        `leaks: start ${JSON.stringify(start)}, peak while connected ${JSON.stringify(peak)}, after 10,000 cycles ${JSON.stringify(live)}`,
      );
      const remaining = [...listenerKeys.entries()].flatMap(([t, keys]) =>
        [...keys].map((k) => `${(t as object).constructor.name}:${String((k as unknown[])[0])}`),
      );
      expect(live, `still registered: ${[...new Set(remaining)].join(', ')}`).to.deep.equal(start);
    } finally {
      restore();
    }
  });
});
