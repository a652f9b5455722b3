import type { ReactiveController } from '@lit/reactive-element';
import { clock, recheckGap, type Clock } from '../session/clock.js';
import type { SessionCore, SessionFeature } from '../session/feature.js';
import { KeyStore } from '../storage/key-store.js';

/**
 * Activity is written to storage at most once per this many ms (the last one always is), and at
 * most once per quarter of the idle timeout: another tab's deadline always finds it.
 */
export const activityWriteGap = 5_000;
/** The longest duration taken: more would overflow `setTimeout` (24.8 days). */
const longest = 2 ** 31 - 1;
const units: Partial<Record<string, number>> = { ms: 1, s: 1e3, m: 6e4, h: 36e5 };

/** `90s`, `5m`, `1h`, `250ms` or plain ms (a string or a number) → ms; anything else (empty, negative, zero, too long) → `null`: off. */
export function parseDuration(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : value;
  const match = typeof text === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text) : null;
  const ms = match ? Number(match[1]) * (units[(match[2] ?? 'ms').toLowerCase()] ?? NaN) : NaN;
  return ms >= 1 && ms <= longest ? Math.round(ms) : null;
}

const activityEvents = ['pointerdown', 'keydown', 'wheel', 'scroll', 'focus'];

/**
 * The `watch` feature: re-checks the signed-in session with the server on the `revalidate`
 * interval, and signs out after `idle-timeout` without activity in any tab of the session
 * (activity is shared through storage, under `<storage-key>:last-activity`), with a cancelable
 * `idle-warning` event on the host before. (The re-check when the page is shown again and on
 * `online` is the core's.) A `ReactiveController` of the host.
 */
export function sessionWatch(core: SessionCore): SessionFeature {
  return new SessionWatch(core);
}

export class SessionWatch implements ReactiveController, SessionFeature {
  readonly #session: SessionCore;
  readonly #clock: Clock;
  /** Ends the page's event listeners; set while the host is connected. */
  #listening: AbortController | null = null;
  #recheckTimer: unknown = null;
  #idleTimer: unknown = null;
  #trailingWrite: unknown = null;
  /** This tab's last activity (`-Infinity`: none seen here, the stored time counts). */
  #lastActivity = -Infinity;
  #lastWritten = -Infinity;
  /** Whether the idle period of the current sign-in has started (its baseline is set). */
  #watching = false;
  /** The log-out time last warned of, so each is warned of once. */
  #warned: number | null = null;
  #store: KeyStore | null = null;

  constructor(core: SessionCore, clockToUse: Clock = clock) {
    this.#session = core;
    this.#clock = clockToUse;
    core.host.addController(this);
  }

  /** The signed-in state changed (`fresh`: a sign-in on this page, which counts as activity). */
  changed(fresh: boolean): void {
    this.sync(fresh);
  }

  /** An attribute of the host, such as `idle-timeout`. */
  #option(name: string): string | null {
    return this.#session.settings.option?.(name) ?? null;
  }

  /** Fires the cancelable `idle-warning` on the host; true when the page keeps the user signed in. */
  #warn(logsOutAt: number): boolean {
    const host = this.#session.host as unknown as Partial<EventTarget>;
    const event = new CustomEvent('idle-warning', { detail: { logsOutAt }, bubbles: true, cancelable: true });
    return host.dispatchEvent ? !host.dispatchEvent(event) : false;
  }

  hostConnected(): void {
    // Called twice when the feature attaches during the host's own connect (Lit's loop over its
    // controllers meets the one just added): the listeners of the first call go first.
    this.#listening?.abort();
    const { signal } = (this.#listening = new AbortController());
    for (const type of activityEvents)
      globalThis.addEventListener?.(type, this.#onActivity, { capture: true, passive: true, signal });
    globalThis.document?.addEventListener('visibilitychange', this.#onActivity, { signal });
    this.sync();
  }

  hostDisconnected(): void {
    this.#listening?.abort();
    this.#listening = null;
    this.#stopTimers();
  }

  hostUpdated(): void {
    if (this.#listening) this.sync();
  }

  /**
   * Follows the signed-in state (the host calls it on each change; `fresh`: a sign-in on this
   * page, which counts as activity): timers run only while connected and signed in.
   */
  sync(fresh = false): void {
    this.#stopTimers();
    const store = this.#activityStore();
    if (!this.#session.user) {
      // Signed out: the next sign-in starts a new idle period, not the old one's.
      if (this.#watching) store.write(null);
      this.#watching = false;
      this.#lastActivity = -Infinity;
      return;
    }
    if (!this.#listening) return;
    const every = parseDuration(this.#option('revalidate'));
    if (every) this.#recheckTimer = this.#clock.setTimeout(this.#onInterval, Math.max(every, recheckGap));
    if (!this.#idle()) return;
    if (fresh) this.activity(true);
    else if (!this.#watching) {
      // Restored on load: the stored time of the last activity counts (a session left idle ends
      // at once); with none stored, the idle period starts now.
      this.#lastActivity = this.#stored(this.#clock.now()) === null ? this.#clock.now() : -Infinity;
    }
    this.#watching = true;
    this.#check();
  }

  /** Counts as activity in every tab of the session ("stay signed in"). `now`: written at once. */
  activity(now = false): void {
    if (!this.#session.user || !this.#idle()) return;
    const at = (this.#lastActivity = this.#clock.now());
    const gap = Math.min(activityWriteGap, this.#idle()![0] / 4);
    if (now || at - this.#lastWritten >= gap) this.#write();
    // Within the gap: the last activity is written when it ends, so other tabs see it.
    else this.#trailingWrite ??= this.#clock.setTimeout(() => this.#write(), this.#lastWritten + gap - at);
  }

  /** `[timeout, warning]` in ms, or `null` without a usable `idle-timeout`. A warning not shorter than the timeout is off. */
  #idle(): [number, number] | null {
    const timeout = parseDuration(this.#option('idle-timeout'));
    const warning = parseDuration(this.#option('idle-warning')) ?? 0;
    return timeout ? [timeout, warning < timeout ? warning : 0] : null;
  }

  /** At each deadline: warns, signs out, or waits for the next one, after the latest activity of any tab. */
  #check = (): void => {
    this.#clock.clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const idle = this.#idle();
    if (!idle || !this.#listening || !this.#session.user) return;
    const [timeout, warning] = idle;
    const now = this.#clock.now();
    const logsOutAt = Math.max(this.#lastActivity, this.#stored(now) ?? -Infinity) + timeout;
    if (now >= logsOutAt) {
      void this.#session.logOut({ scope: 'current' }, 'idle');
      return;
    }
    const warnAt = logsOutAt - warning;
    if (warning && now >= warnAt && this.#warned !== logsOutAt) {
      this.#warned = logsOutAt;
      if (this.#warn(logsOutAt)) {
        this.activity(true);
        return this.#check();
      }
    }
    this.#idleTimer = this.#clock.setTimeout(this.#check, (now < warnAt ? warnAt : logsOutAt) - now);
  };

  /**
   * The last activity stored by any tab, or `null`. Garbage is ignored, and a time after `now`
   * (tampered with) is taken as `now` and written back so, left alone, it ages like any other.
   */
  #stored(now: number): number | null {
    const raw = this.#activityStore().read();
    const at = raw === null ? NaN : Number(raw);
    if (!Number.isFinite(at) || at <= 0) return null;
    if (at <= now) return at;
    this.#activityStore().write(String(now));
    return now;
  }

  #write(): void {
    this.#clock.clearTimeout(this.#trailingWrite);
    this.#trailingWrite = null;
    this.#lastWritten = this.#clock.now();
    if (this.#lastActivity > 0) this.#activityStore().write(String(this.#lastActivity));
  }

  #activityStore(): KeyStore {
    const { storage, storageKey } = this.#session.settings;
    const key = `${storageKey}:last-activity`;
    if (this.#store?.key !== key || this.#store.mode !== storage) this.#store = new KeyStore(storage, key);
    return this.#store;
  }

  /** Activity of the person at this tab; a hidden tab's events do not count (nobody is looking). */
  #onActivity = (): void => {
    if (globalThis.document?.visibilityState === 'hidden') return;
    this.activity();
  };

  #onInterval = (): void => {
    this.#session.revalidate(this.#clock.now(), recheckGap);
    this.sync();
  };

  #stopTimers(): void {
    this.#clock.clearTimeout(this.#recheckTimer);
    this.#clock.clearTimeout(this.#idleTimer);
    this.#recheckTimer = this.#idleTimer = null;
  }
}
