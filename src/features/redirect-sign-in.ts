import { Capability, hasCapability, type AuthBackend, type PublicUser, type StoredSession } from '../backends/backend.js';
import { asStoredSession } from '../backends/session-codec.js';
import { AuthError, notInDocument, toAuthError } from '../errors.js';
import type { SessionCore, SessionFeature, Usable } from '../session/feature.js';
import type { SharedSession } from '../session/shared-session.js';
import { signInWith } from './sign-in-flow.js';
import { withWebLock } from '../internal/web-lock.js';

/** Sign-in at a provider and back (OpenID Connect): capabilities `redirect-log-in`, `refresh`, `end-session`. */
export interface RedirectSignIn extends SessionFeature {
  /** Sends the browser to the provider to sign in; the promise stays pending while the page leaves. */
  logIn(): Promise<PublicUser>;
  /** The access token for the page's own API calls, renewed first when due; `null` when signed out. */
  accessToken(): Promise<string | null>;
}

/**
 * The `redirect-sign-in` feature: on connect, takes the provider's answer out of the address
 * bar and finishes the sign-in; renews credentials before use, one tab at a time; after a
 * log-out with `endSession`, sends the browser to the provider's end-session endpoint.
 */
export function redirectSignIn(core: SessionCore): RedirectSignIn {
  /** The redirect sign-in under way: a second call (a click during `logIn()`) joins it. */
  let redirecting: Promise<PublicUser> | null = null;

  const navigate = (url: string): void => (core.settings.navigate ?? ((href: string) => location.assign(href)))(url);

  /** Sends the browser to the provider to sign in, the session held so far signed out first. */
  const redirect = async (backend: AuthBackend): Promise<PublicUser> => {
    const shared = core.shared;
    if (!shared) throw notInDocument();
    // Awaited: the page is about to leave, and the old session must be revoked or queued first…
    if (core.decode(shared.read())) await core.logOut({ scope: 'current' });
    // …and what is queued is sent now, while no new session shares the provider's grant.
    await shared.outbox.flush(core, shared, backend, true);
    const call = core.beginSignIn();
    let url: string;
    try {
      url = await core.call((signal) => backend.beginLogIn!({ signal }), call.signal);
    } finally {
      core.endSignIn(call);
    }
    navigate(url);
    return new Promise<PublicUser>(() => {}); // the page is leaving for the provider
  };

  /**
   * The stored session ready for use: when the backend says its credentials are due, renewed
   * first — by one tab at a time (Web Locks), and a tab that waited takes what the other one
   * stored instead of renewing again (a second use of a rotated refresh token ends the grant).
   * A refusal ends the session as `session-lost`. Resolves to the value now stored and its session.
   */
  const usable = (shared: SharedSession, raw: string | null, cancel?: AbortSignal): Promise<Usable> | null => {
    const { backend } = core.settings;
    const session = core.decode(raw);
    const due = session && hasCapability(backend, Capability.refresh) ? backend.refreshAt?.(session) : null;
    // Not due: nothing to do here, the core goes on in this task.
    if (!session || typeof due !== 'number' || due > Date.now()) return null;
    /** What storage holds now, with its session. */
    const stored = (): Usable => {
      const now = shared.read();
      return [now, core.decode(now)];
    };
    const renew = async (): Promise<Usable> => {
      if (shared.read() !== raw) return stored(); // renewed (or ended) meanwhile
      let renewed: StoredSession | null;
      try {
        renewed = asStoredSession(await core.call((signal) => backend.refreshSession!(session, { signal }), cancel));
      } catch (caught) {
        const error = toAuthError(caught, session.token);
        if (error.code !== 'invalid-session') throw error;
        shared.replace(raw, null, 'session-lost');
        return stored();
      }
      if (!renewed) throw new AuthError('server', 'No session in the answer.');
      const fresh = core.encode(backend, renewed);
      shared.replace(raw, fresh, 'restored');
      return stored();
    };
    return withWebLock(`user-session-elements refresh ${shared.id}`, renew);
  };

  return {
    logIn() {
      const { backend } = core.settings;
      return (redirecting ??= redirect(backend).finally(() => (redirecting = null)));
    },

    accessToken: () =>
      core.withShared(async (shared) => {
        const raw = shared.read();
        const [, session] = (await usable(shared, raw)) ?? [raw, core.decode(raw)];
        const { backend } = core.settings;
        return session && typeof backend.accessToken === 'function' ? backend.accessToken(session) : null;
      }),

    usable,

    /**
     * On connect: when the address is the provider sending the browser back, takes the answer's
     * parameters out of the address bar at once (one member of the page sees them), then
     * finishes the sign-in; a failure is reported as a `failure` change, nothing stored.
     */
    connected(_shared, context) {
      const { backend } = core.settings;
      const href = globalThis.location?.href;
      if (!href || !hasCapability(backend, Capability.redirectLogIn)) return null;
      let answer: ReturnType<NonNullable<AuthBackend['finishLogIn']>>;
      try {
        answer = backend.finishLogIn!(new URL(href));
      } catch (caught) {
        core.report({ type: 'failure', error: toAuthError(caught) });
        return null;
      }
      if (!answer) return null;
      try {
        history.replaceState(history.state, '', answer.cleanUrl);
      } catch {
        // no history (a sandboxed frame): the answer is void once used anyway
      }
      // The session held so far is replaced only by a sign-in that worked: a forged answer in a
      // link signs nobody out.
      return (context.signingIn = signInWith(core, 'log-in', (signal) => answer.finish({ signal }), false).then(
        () => {},
        (caught: unknown) => core.report({ type: 'failure', error: toAuthError(caught) }),
      ));
    },

    /** `endSession`: the provider's end-session URL, asked for now (it needs the session, about to be removed). */
    loggingOut(session, scope, { endSession }) {
      const { backend } = core.settings;
      if (!endSession || !hasCapability(backend, Capability.endSession) || scope === 'local' || scope === 'others') return null;
      const ending = core
        .call((signal) => backend.endSessionUrl!(session, { signal }))
        .then(
          (url) => [url, null] as const,
          (caught: unknown) => [null, toAuthError(caught, session.token)] as const,
        );
      return async (pending) => {
        const [url, error] = await ending;
        // After the caller has the result (and an action has fired `success`): a task later.
        if (url && !pending) setTimeout(() => navigate(url));
        return error;
      };
    },
  };
}
