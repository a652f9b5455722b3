import { AuthError } from '../errors.js';
import { bySessionOrder, toPublicUser } from './session-codec.js';
import {
  Capability,
  type AuthBackend,
  type PublicUser,
  type RevokeOptions,
  type SessionInfo,
  type StoredSession,
} from './backend.js';

export interface MemoryUserSeed {
  username: string;
  password: string;
  [field: string]: unknown;
}

export interface MemoryBackendOptions {
  /** Accounts that exist from the start. */
  users?: MemoryUserSeed[];
}

interface MemoryAccount {
  password: string;
  user: PublicUser;
}

/** What the memory server keeps about one session (the token is its key). */
interface MemorySession {
  /** Its public id (`SessionInfo.id`): not the token. */
  id: string;
  userId: string;
  createdAt: number;
  lastActiveAt: number;
  userAgent?: string;
}

/** How `openSession` opens a session "on another device". */
export interface MemorySessionSeed {
  /** The device's User-Agent (default: none kept). */
  userAgent?: string;
  /** When it was opened, ms since the epoch (default: now). */
  createdAt?: number;
  /** When it was last used (default: `createdAt`). */
  lastActiveAt?: number;
}

let shared: MemoryBackend | undefined;

/**
 * An `AuthBackend` that keeps accounts and sessions in this page's memory: for unit tests,
 * demos and prototypes. Never a stand-in for a real server. `backend="memory"` on
 * `<user-session>` uses the page-wide `MemoryBackend.shared` instance.
 */
export class MemoryBackend implements AuthBackend {
  /** The page-wide instance used by `<user-session backend="memory">`. */
  static get shared(): MemoryBackend {
    return (shared ??= new MemoryBackend());
  }

  readonly capabilities: readonly Capability[] = [
    Capability.passwordLogIn,
    Capability.signUp,
    Capability.revokeOthers,
    Capability.revokeAll,
    Capability.updateUser,
    Capability.listSessions,
    Capability.revokeSession,
  ];
  readonly #accounts = new Map<string, MemoryAccount>();
  /** token → its id, user, times and device */
  readonly #sessions = new Map<string, MemorySession>();

  constructor(options: MemoryBackendOptions = {}) {
    for (const seed of options.users ?? []) this.addUser(seed);
  }

  /** Adds an account; returns its public user. Throws `username-taken` for a duplicate. */
  addUser({ username, password, ...fields }: MemoryUserSeed): PublicUser {
    if (this.#accounts.has(username)) throw new AuthError('username-taken', `The username "${username}" is already taken.`);
    const user = toPublicUser({ ...fields, username }, randomId());
    this.#accounts.set(username, { password, user });
    return user;
  }

  /** Whether a session token is valid right now. */
  isActive(token: string): boolean {
    return this.#sessions.has(token);
  }

  /**
   * Opens a session for an existing account as another device would (a test helper: no
   * password), with the given User-Agent and times. Throws `invalid-credentials` for an unknown username.
   */
  openSession(username: string, seed: MemorySessionSeed = {}): StoredSession {
    const account = this.#accounts.get(username);
    if (!account) throw new AuthError('invalid-credentials');
    return this.#openSession(account.user, seed);
  }

  /** How many sessions are valid right now (all users). */
  get activeSessions(): number {
    return this.#sessions.size;
  }

  async logIn(username: string, password: string, _options?: { signal: AbortSignal }): Promise<StoredSession> {
    const account = this.#accounts.get(username);
    if (!account || account.password !== password) throw new AuthError('invalid-credentials');
    return this.#openSession(account.user);
  }

  async signUp(
    username: string,
    password: string,
    extra: Record<string, unknown>,
    _options?: { signal: AbortSignal },
  ): Promise<StoredSession> {
    return this.#openSession(this.addUser({ ...extra, username, password }));
  }

  async logOut(
    session: StoredSession,
    { scope, createdBefore = Infinity }: Pick<RevokeOptions, 'scope' | 'createdBefore'>,
  ): Promise<void> {
    const userId = this.#account(session).user.id;
    if (scope !== 'current') {
      for (const [token, other] of this.#sessions) {
        if (other.userId === userId && token !== session.token && other.createdAt <= createdBefore) this.#sessions.delete(token);
      }
    }
    if (scope !== 'others') this.#sessions.delete(session.token);
  }

  async currentUser(session: StoredSession, _options?: { signal: AbortSignal }): Promise<PublicUser> {
    const user = { ...this.#account(session).user };
    this.#sessions.get(session.token)!.lastActiveAt = Date.now();
    return user;
  }

  /** The sessions of the session's user, this one first (`current`), then newest first. */
  async listSessions(session: StoredSession, _options?: { signal: AbortSignal }): Promise<SessionInfo[]> {
    const userId = this.#account(session).user.id;
    const infos: SessionInfo[] = [];
    // A kept session is its `SessionInfo` (a user agent only where one was known) and its user's id.
    for (const [token, { userId: owner, ...info }] of this.#sessions) {
      if (owner === userId) infos.push({ ...info, current: token === session.token });
    }
    return infos.sort(bySessionOrder);
  }

  /** Ends the session of that id if it is one of the session's user's; another user's is never touched. */
  async revokeSession(session: StoredSession, id: string, _options?: { signal: AbortSignal }): Promise<void> {
    const userId = this.#account(session).user.id;
    for (const [token, other] of this.#sessions) {
      if (other.id === id && other.userId === userId) this.#sessions.delete(token);
    }
  }

  /** Sets fields of the session's user; a changed `email` is unverified (`emailVerified: false`), as Parse does. */
  async updateUser(
    session: StoredSession,
    fields: Record<string, unknown>,
    _options?: { signal: AbortSignal },
  ): Promise<PublicUser> {
    const account = this.#account(session);
    const before = account.user;
    account.user = toPublicUser({ ...before, ...fields }, before.id);
    if ('email' in fields && fields.email !== before.email) account.user.emailVerified = false;
    return { ...account.user };
  }

  #account(session: StoredSession): MemoryAccount {
    const userId = this.#sessions.get(session.token)?.userId;
    const account = [...this.#accounts.values()].find((a) => a.user.id === userId);
    if (!account) throw new AuthError('invalid-session');
    return account;
  }

  #openSession(user: PublicUser, seed?: MemorySessionSeed): StoredSession {
    const token = `m:${randomId()}${randomId()}`;
    const createdAt = seed?.createdAt ?? Date.now();
    const userAgent = seed ? seed.userAgent : globalThis.navigator?.userAgent;
    const kept: MemorySession = {
      id: `s-${randomId()}`,
      userId: user.id,
      createdAt,
      lastActiveAt: seed?.lastActiveAt ?? createdAt,
    };
    if (typeof userAgent === 'string' && userAgent) kept.userAgent = userAgent;
    this.#sessions.set(token, kept);
    return { token, user: { ...user } };
  }
}

function randomId(): string {
  return Math.random().toString(36).slice(2, 12).padEnd(10, '0');
}
