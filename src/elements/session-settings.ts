import { ReactiveElement } from '@lit/reactive-element';
import type { AuthBackend } from '../backends/backend.js';
import { BackendResolver } from '../backends/resolve.js';
import { upgradeProperty } from '../internal/upgrade-property.js';
import type { SessionSettings } from '../session/feature.js';
import { toStorageMode } from '../storage/key-store.js';

const defaultTimeout = 10_000;

/** The attributes features read through `SessionSettings.option`, and their properties. */
const featureOptions: Record<string, 'revalidate' | 'idleTimeout' | 'idleWarning'> = {
  revalidate: 'revalidate',
  'idle-timeout': 'idleTimeout',
  'idle-warning': 'idleWarning',
};

/**
 * The settings of `<user-session>`: its attributes and properties, and what they say — the
 * backend (`backend` names a registered one, or the property holds any `AuthBackend`), where
 * the session is stored, the request timeout, and the attributes features read. The base
 * class of `UserSessionElement`, which documents each attribute.
 */
export abstract class SessionSettingsElement extends ReactiveElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    appId: { attribute: 'app-id' },
    clientKey: { attribute: 'client-key' },
    storage: {},
    storageKey: { attribute: 'storage-key' },
    timeout: { type: Number },
    issuer: {},
    clientId: { attribute: 'client-id' },
    redirectUri: { attribute: 'redirect-uri' },
    postLogoutRedirectUri: { attribute: 'post-logout-redirect-uri' },
    scopes: {},
    revalidate: {},
    idleTimeout: { attribute: 'idle-timeout' },
    idleWarning: { attribute: 'idle-warning' },
  };

  /** Where Parse Server is mounted: an http(s) URL such as `http://localhost:1337/parse`, or a path on this origin such as `/parse`. @default null */
  declare serverUrl: string | null;
  /** Parse application id (`app-id`). @default null */
  declare appId: string | null;
  /** Optional Parse JavaScript key, sent with every request (`X-Parse-JavaScript-Key`, or `_JavaScriptKey` to another origin). @default null */
  declare clientKey: string | null;
  /** `local` (default), `session` or `memory`; trimmed, case-insensitive. A value Web Storage refuses (full, blocked) waits in page memory. @default null */
  declare storage: string | null;
  /** Defaults to `Parse/<app-id>/currentUser`: the Parse JS SDK's key and JSON shape, so both see the same user. @default null */
  declare storageKey: string | null;
  /** Limit in ms for each server request (default 10000); a slower request fails with `AuthError` code `timeout`. Reads back what was set: after `null`, `undefined` or a removed attribute it reads that, and the limit is 10000. */
  timeout: number = defaultTimeout;
  /** OpenID Connect: the provider's issuer URL (`issuer`). @default null */
  declare issuer: string | null;
  /** OpenID Connect: this page's client id at the provider (`client-id`). @default null */
  declare clientId: string | null;
  /** OpenID Connect: where the provider sends the browser back (`redirect-uri`; default: this page without query and hash). @default null */
  declare redirectUri: string | null;
  /** OpenID Connect: where the provider sends the browser after ending its session (`post-logout-redirect-uri`). @default null */
  declare postLogoutRedirectUri: string | null;
  /** OpenID Connect: the scopes asked for (`scopes`; default `openid profile email offline_access`). @default null */
  declare scopes: string | null;
  /** Re-check the session with the server on this interval while signed in (`revalidate`: `5m`, `90s`, `1h` or ms; at least 30 s). @default null */
  declare revalidate: string | null;
  /** Sign out with reason `idle` after this long without activity in any tab of the session (`idle-timeout`: `15m`…). @default null */
  declare idleTimeout: string | null;
  /** Fire the cancelable `idle-warning` this long before the idle sign-out (`idle-warning`: `60s`…). @default null */
  declare idleWarning: string | null;

  readonly #resolver = new BackendResolver();
  #backendObject: AuthBackend | null = null;
  /** The settings the controller reads, made once per change of a property or attribute. */
  #settings: SessionSettings | null = null;

  constructor() {
    super();
    // Every setting but `timeout` starts as null (declared above, so no initializer each).
    for (const name in SessionSettingsElement.properties) (this as Record<string, unknown>)[name] ??= null;
    upgradeProperty(this, 'backend');
  }

  /**
   * The backend in use, the same object until a setting attribute changes. Set a string
   * (`"parse"`, `"memory"`) to change the `backend` attribute, or any `AuthBackend` object.
   */
  get backend(): AuthBackend {
    return (
      this.#backendObject ??
      this.#resolver.resolve({
        name: this.getAttribute('backend'),
        serverURL: this.serverUrl,
        appId: this.appId,
        clientKey: this.clientKey,
        storage: toStorageMode(this.storage),
        issuer: this.issuer,
        clientId: this.clientId,
        redirectUri: this.redirectUri,
        postLogoutRedirectUri: this.postLogoutRedirectUri,
        scopes: this.scopes,
      })
    );
  }
  set backend(value: AuthBackend | string | null) {
    if (typeof value === 'string' || value === null) {
      this.#backendObject = null;
      if (value === null) this.removeAttribute('backend');
      else this.setAttribute('backend', value);
    } else {
      this.#backendObject = value;
      this.requestUpdate();
    }
  }

  /** Every property or attribute change goes through here: the settings are made anew. */
  override requestUpdate(...args: Parameters<ReactiveElement['requestUpdate']>): void {
    // Also called by ReactiveElement's constructor, before this class's fields exist.
    if (#settings in this) this.#settings = null;
    super.requestUpdate(...args);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'backend' && old !== value) this.requestUpdate();
  }

  /** What the session controller reads each time it acts. */
  protected get sessionSettings(): SessionSettings {
    return (this.#settings ??= this.#makeSettings());
  }

  #makeSettings(): SessionSettings {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read the element
    const element = this;
    return {
      // Read each time (the resolver keeps it the same object until a setting changes), so a
      // backend registered after this element connected is picked up.
      get backend() {
        return element.backend;
      },
      storage: toStorageMode(this.storage),
      // Read each time too: it may come from a backend registered after the connect.
      get storageKey() {
        return element.#storageKey();
      },
      timeout: this.timeout,
      // The settings of features (`watch`: `revalidate`, `idle-timeout`, `idle-warning`), by attribute name.
      option: (name) => {
        const property = featureOptions[name];
        const value = property ? (element[property] as unknown) : null;
        return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
      },
    };
  }

  #storageKey(): string {
    if (this.storageKey) return this.storageKey;
    const own = this.backend.defaultStorageKey;
    if (typeof own === 'string' && own) return own;
    return this.appId ? `Parse/${this.appId}/currentUser` : 'user-session/currentUser';
  }
}
