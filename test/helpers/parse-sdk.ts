// The real Parse JavaScript SDK (npm `parse`, its prebuilt browser bundle), loaded as a classic
// script like a page would: for interop tests only, never in the kit's bundle.

/** The little of the SDK's API the tests use. */
export interface ParseUser {
  id: string;
  get(field: string): unknown;
  getSessionToken(): string;
}
export interface ParseSDK {
  initialize(appId: string, javascriptKey?: string): void;
  serverURL: string;
  User: {
    logIn(username: string, password: string): Promise<ParseUser>;
    current(): ParseUser | null;
    currentAsync(): Promise<ParseUser | null>;
    become(token: string): Promise<ParseUser>;
    _clearCache(): void;
  };
}

declare global {
  interface Window {
    Parse?: ParseSDK;
  }
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/** The SDK, loaded once per page and pointed at `serverURL`. */
export async function loadParseSDK(appId: string, serverURL: string): Promise<ParseSDK> {
  if (!window.Parse) await loadScript('/node_modules/parse/dist/parse.min.js');
  const Parse = window.Parse!;
  Parse.initialize(appId);
  Parse.serverURL = serverURL;
  return Parse;
}
