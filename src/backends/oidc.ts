import {
  None,
  allowInsecureRequests,
  authorizationCodeGrantRequest,
  calculatePKCECodeChallenge,
  discoveryRequest,
  generateRandomCodeVerifier,
  generateRandomNonce,
  generateRandomState,
  getValidatedIdTokenClaims,
  processAuthorizationCodeResponse,
  processDiscoveryResponse,
  processRefreshTokenResponse,
  processRevocationResponse,
  processUserInfoResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  userInfoRequest,
  validateAuthResponse,
  type AuthorizationServer,
  type Client,
  type TokenEndpointResponse,
} from 'oauth4webapi';
import { AuthError, toAuthError } from '../errors.js';
import { isRecord, nonEmptyString, parseJson } from '../internal/guards.js';
import { Capability, type AuthBackend, type PublicUser, type RevokeOptions, type StoredSession } from './backend.js';
import {
  isLoopback,
  misconfigured,
  pendingLifetimeMs,
  responseParams,
  samePage,
  secretsOf,
  toOidcError,
  urlOf,
  userFrom,
  withQuery,
  type PendingLogIn,
  type TokenSet,
} from './oidc-protocol.js';
import { deserializeSession } from './session-codec.js';

/** The keys of the sign-ins (issuer and client) of the OidcBackends made on this page. */
const madeHere = new Set<string>();

export interface OidcBackendOptions {
  /** The provider's issuer URL, as its discovery document names it. https; http only for localhost. */
  issuer: string;
  /** This page's client id at the provider (a public client: no secret, PKCE). */
  clientId: string;
  /** Where the provider sends the browser back after sign-in. Default (unset, `null` or blank): this page without query and hash. */
  redirectUri?: string | null;
  /** The scopes asked for. Default `openid profile email offline_access` (offline_access: a refresh token). */
  scopes?: string | null;
  /** Where the provider sends the browser after ending its own session. Default: `redirectUri`. */
  postLogoutRedirectUri?: string | null;
}

/**
 * An `AuthBackend` for any OpenID Connect provider (Keycloak, Auth0, Okta, Entra ID, Zitadel…)
 * on `oauth4webapi`: sign-in by redirect (authorization code with PKCE S256, state and nonce),
 * ID-token validation, refresh before the access token expires, RFC 7009 revocation at
 * log-out, and the provider's `end_session_endpoint` for ending its own session.
 *
 * `<user-session backend="oidc" issuer="…" client-id="…">` once `user-session-elements/oidc.js`
 * is imported; or `session.backend = new OidcBackend({ issuer, clientId })`. The constructor
 * never throws: wrong settings reject each call with a `misconfigured` error.
 */
export class OidcBackend implements AuthBackend {
  readonly capabilities = [Capability.redirectLogIn, Capability.refresh, Capability.endSession];
  readonly #options: OidcBackendOptions;
  readonly #client: Client;
  #server: Promise<AuthorizationServer> | null = null;

  constructor(options: OidcBackendOptions) {
    this.#options = { ...options };
    this.#client = { client_id: String(options.clientId ?? '') };
    madeHere.add(this.#pendingKey());
  }

  /**
   * Where `<user-session>` keeps this provider's session unless `storage-key` says otherwise:
   * one key per issuer and client, so two providers on one origin never read each other's tokens.
   */
  get defaultStorageKey(): string {
    return `user-session/oidc/${this.#client.client_id}@${String(this.#options.issuer ?? '').trim()}`;
  }

  /** The issuer and client, as the storage key: a revocation queued for this backend is sent to no other. */
  get server(): string | undefined {
    return this.#options.issuer && this.#client.client_id ? this.defaultStorageKey : undefined;
  }

  /** The same user at the same provider: the provider's session (and grant) may be shared. */
  revocationWouldEnd(queued: StoredSession, current: StoredSession): boolean {
    return queued.user.id === current.user.id && this.#tokens(current) !== null;
  }

  /** A stored session of this issuer and client; anything else (another provider's, Parse's) is none. */
  deserialize(raw: string): StoredSession | null {
    const session = deserializeSession(raw);
    return session && this.#tokens(session) ? session : null;
  }

  async beginLogIn({ signal }: { signal: AbortSignal }): Promise<string> {
    const redirectUri = this.#redirectUri();
    const server = await this.#discover(signal);
    const pending: PendingLogIn = {
      state: generateRandomState(),
      nonce: generateRandomNonce(),
      verifier: generateRandomCodeVerifier(),
      redirectUri,
      startedAt: Date.now(),
    };
    const url = withQuery(server, 'authorization_endpoint', {
      client_id: this.#client.client_id,
      redirect_uri: pending.redirectUri,
      response_type: 'code',
      scope: this.#options.scopes?.trim() || 'openid profile email offline_access',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    // Per tab (sessionStorage): the return must land in the tab that started the sign-in.
    try {
      sessionStorage.setItem(this.#pendingKey(), JSON.stringify(pending));
    } catch {
      throw misconfigured('sessionStorage is unavailable: the sign-in cannot be checked on its return.');
    }
    return url;
  }

  finishLogIn(url: URL): { cleanUrl: string; finish(o: { signal: AbortSignal }): Promise<StoredSession> } | null {
    const params = url.searchParams;
    if (!params.has('state') || !(params.has('code') || params.has('error'))) return null;
    // The answer to a sign-in that another backend made on this page started (another issuer or
    // client) is left to it, address bar included; one that none here started is taken, and
    // refused (its `iss` is checked against this issuer with the state, in #finish).
    for (const key of madeHere)
      if (key !== this.#pendingKey() && this.#readPending(false, key)?.state === params.get('state')) return null;
    // Only the redirect URI's page takes the answer: another page's `code`/`state` are not ours.
    if (!samePage(url, this.#readPending(false)?.redirectUri ?? this.#redirectUri())) return null;
    const pending = this.#readPending(true);
    const clean = new URL(url.href);
    for (const name of responseParams) clean.searchParams.delete(name);
    return { cleanUrl: clean.href, finish: ({ signal }) => this.#finish(params, pending, signal) };
  }

  refreshAt(session: StoredSession): number | null {
    const tokens = this.#tokens(session);
    return tokens?.refresh && typeof tokens.refreshAt === 'number' ? tokens.refreshAt : null;
  }

  accessToken(session: StoredSession): string | null {
    return this.#tokens(session)?.access ?? null;
  }

  async refreshSession(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<StoredSession> {
    const tokens = this.#tokensOf(session);
    if (!tokens.refresh)
      throw new AuthError('invalid-session', 'The session has expired and cannot be renewed (no refresh token).');
    return this.#guard(async () => {
      const server = await this.#discover(signal);
      const response = await refreshTokenGrantRequest(server, this.#client, None(), tokens.refresh!, this.#http(signal));
      const result = await processRefreshTokenResponse(server, this.#client, response);
      return this.#session(result, session.user, tokens);
    }, secretsOf(tokens));
  }

  async logOut(session: StoredSession, { scope, signal }: RevokeOptions): Promise<void> {
    if (scope !== 'current') throw new AuthError('bad-request', `An OpenID provider cannot revoke "${scope}" sessions.`);
    const tokens = this.#tokensOf(session);
    await this.#guard(async () => {
      const server = await this.#discover(signal);
      // No revocation endpoint (Entra ID): nothing can be revoked; `end-session` ends the provider's session.
      if (!server.revocation_endpoint) return;
      const revoke = async (token: string, hint: string) => {
        const response = await revocationRequest(server, this.#client, None(), token, {
          ...this.#http(signal),
          additionalParameters: { token_type_hint: hint },
        });
        await processRevocationResponse(response);
      };
      await Promise.all([tokens.refresh ? revoke(tokens.refresh, 'refresh_token') : null, revoke(tokens.access, 'access_token')]);
    }, secretsOf(tokens));
  }

  async currentUser(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<PublicUser> {
    const tokens = this.#tokensOf(session);
    return this.#guard(async () => {
      const server = await this.#discover(signal);
      if (!server.userinfo_endpoint) return session.user;
      const response = await userInfoRequest(server, this.#client, tokens.access, this.#http(signal));
      const claims = await processUserInfoResponse(server, this.#client, session.user.id, response);
      return { ...session.user, ...userFrom(claims) };
    }, secretsOf(tokens));
  }

  async endSessionUrl(session: StoredSession, { signal }: { signal: AbortSignal }): Promise<string> {
    const tokens = this.#tokensOf(session);
    const server = await this.#discover(signal);
    // No end_session_endpoint: the provider's own session cannot be ended from here.
    return withQuery(server, 'end_session_endpoint', {
      client_id: this.#client.client_id,
      post_logout_redirect_uri: this.#options.postLogoutRedirectUri?.trim() || this.#redirectUri(),
      id_token_hint: tokens.idToken,
    });
  }

  /** The exchange of a returned code for tokens, once the answer has been checked against this tab's sign-in. */
  async #finish(params: URLSearchParams, pending: PendingLogIn | null, signal: AbortSignal): Promise<StoredSession> {
    if (!pending || Date.now() - pending.startedAt > pendingLifetimeMs) {
      throw new AuthError(
        'bad-request',
        'This sign-in answer is not for a sign-in started in this tab (used, expired or forged): sign in again.',
      );
    }
    return this.#guard(
      async () => {
        const server = await this.#discover(signal);
        const checked = validateAuthResponse(server, this.#client, params, pending.state);
        const response = await authorizationCodeGrantRequest(
          server,
          this.#client,
          None(),
          checked,
          pending.redirectUri,
          pending.verifier,
          this.#http(signal),
        );
        const result = await processAuthorizationCodeResponse(server, this.#client, response, {
          expectedNonce: pending.nonce,
          requireIdToken: true,
        });
        return this.#session(result, null, null);
      },
      [params.get('code') ?? undefined, pending.verifier],
      'exchange',
    );
  }

  /** A session from a token answer: the ID token's user (or the one before, on refresh) and the tokens. */
  #session(result: TokenEndpointResponse, user: PublicUser | null, before: TokenSet | null): StoredSession {
    const claims = getValidatedIdTokenClaims(result);
    if (user && claims && claims.sub !== user.id)
      throw new AuthError('server', 'The provider renewed the session for another user.');
    const fresh = claims ? { ...user, ...userFrom(claims) } : user;
    if (!fresh) throw new AuthError('server', 'The provider sent no ID token.');
    const lifetime = typeof result.expires_in === 'number' && result.expires_in > 0 ? result.expires_in * 1000 : null;
    const tokens: TokenSet = {
      issuer: this.#issuer().href,
      client: this.#client.client_id,
      access: result.access_token,
      refresh: result.refresh_token ?? before?.refresh,
      idToken: result.id_token ?? before?.idToken,
      // Renewed a little early (a quarter of its life, at most 30 s) so a request never carries an expired token.
      refreshAt: lifetime === null ? undefined : Date.now() + lifetime - Math.min(30_000, lifetime / 4),
    };
    return { token: JSON.stringify(tokens), user: fresh };
  }

  /** The provider's metadata, fetched once per backend; a failed fetch is tried again next time. */
  #discover(signal: AbortSignal): Promise<AuthorizationServer> {
    if (!this.#server) {
      const issuer = this.#issuer();
      this.#server = discoveryRequest(issuer, this.#http(signal))
        .then((response) => processDiscoveryResponse(issuer, response))
        .catch((error: unknown) => {
          // Unreachable is worth a retry; a discovery document that does not fit is the settings.
          const failure = toOidcError(error, issuer.href);
          if (failure.code !== 'network' && failure.code !== 'aborted') {
            throw misconfigured(`The issuer's discovery document (${issuer.href}) cannot be used: ${failure.message}`);
          }
          throw failure;
        });
      this.#server.catch(() => (this.#server = null));
    }
    return this.#server;
  }

  #issuer(): URL {
    const { issuer, clientId } = this.#options;
    if (!nonEmptyString(clientId?.trim?.())) throw misconfigured("Set client-id: the provider needs this page's client id.");
    const url = urlOf(String(issuer).trim());
    if (!url) throw misconfigured("Set issuer to the provider's issuer URL, such as https://idp.example/realms/main.");
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw misconfigured('issuer must be an https URL (http only for localhost).');
    }
    return url;
  }

  /** Options for each oauth4webapi request: the caller's signal; plain http only to a localhost issuer. */
  #http(signal: AbortSignal) {
    return { signal, [allowInsecureRequests]: this.#issuer().protocol === 'http:' };
  }

  /**
   * This page's return address: `redirectUri` resolved against the page, which must stay on this
   * origin — the answer is checked with what this origin's sessionStorage holds, so an address
   * elsewhere could never work, and would hand the code to another site.
   */
  #redirectUri(): string {
    const { origin, pathname, href } = globalThis.location;
    const configured = this.#options.redirectUri?.trim();
    if (!configured) return origin + pathname;
    const url = urlOf(configured, href);
    if (!url || url.origin !== origin || url.hash) {
      throw misconfigured(`redirect-uri must be an address on this page's origin (${origin}), without a #fragment.`);
    }
    return url.href;
  }

  /** The token set of a session of this issuer and client, or `null`. */
  #tokens(session: StoredSession): TokenSet | null {
    const value = parseJson(session.token);
    try {
      return isRecord(value) &&
        nonEmptyString(value.access) &&
        value.issuer === this.#issuer().href &&
        value.client === this.#client.client_id
        ? (value as unknown as TokenSet)
        : null;
    } catch {
      return null; // settings that name no issuer: no session is this backend's
    }
  }

  #tokensOf(session: StoredSession): TokenSet {
    const tokens = this.#tokens(session);
    if (!tokens) throw new AuthError('invalid-session', "The stored session is not this provider's.");
    return tokens;
  }

  #pendingKey(): string {
    return `user-session-elements/oidc-log-in/${this.#client.client_id}@${this.#options.issuer}`;
  }

  /** This tab's sign-in under way (under `key`: another backend's); `take`: removed as it is read, so an answer is used once. */
  #readPending(take: boolean, key = this.#pendingKey()): PendingLogIn | null {
    let raw: string | null = null;
    try {
      raw = sessionStorage.getItem(key);
      if (take) sessionStorage.removeItem(key);
    } catch {
      // unavailable: no sign-in could have been started here
    }
    const value = raw === null ? null : parseJson(raw);
    return isRecord(value) && ['state', 'nonce', 'verifier', 'redirectUri'].every((k) => nonEmptyString(value[k]))
      ? (value as unknown as PendingLogIn)
      : null;
  }

  /**
   * Runs a provider exchange; whatever it throws comes out as an `AuthError` that quotes none
   * of `secrets` (the provider's own messages may quote the token it refuses).
   */
  async #guard<T>(
    work: () => Promise<T>,
    secrets: readonly (string | undefined)[],
    during: 'exchange' | 'session' = 'session',
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toAuthError(toOidcError(error, this.#options.issuer, during), secrets);
    }
  }
}
