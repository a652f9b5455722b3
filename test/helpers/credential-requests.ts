// Records every navigator.credentials.get call of the test page (its mediation, AbortSignal and
// whether it settled) and lets a test answer the conditional (autofill) ones itself. Importing
// this module wraps the page's navigator.credentials.get, once per page.

export interface CredentialRequest {
  mediation: string | undefined;
  signal: AbortSignal | undefined;
  settled: boolean;
}

// WebKitGTK's MiniBrowser has no WebAuthn at all (no navigator.credentials): suites skip there,
// and the wrapper below needs something to wrap.
const credentialsContainer: CredentialsContainer =
  navigator.credentials ??
  ({ get: () => Promise.resolve(null), create: () => Promise.resolve(null) } as unknown as CredentialsContainer);

/** The browser's own `navigator.credentials.get` (the authenticator answers). */
export const realGet = credentialsContainer.get.bind(credentialsContainer);

export const credentialRequests = {
  /** Every call, in order. */
  calls: [] as CredentialRequest[],
  /** When set, a conditional request is answered this way instead of by the authenticator. */
  conditionalStub: null as ((options: CredentialRequestOptions) => Promise<Credential | null>) | null,
  /** The options of the last conditional request (for a stub that asks the authenticator itself). */
  lastConditional: null as CredentialRequestOptions | null,
  /** Forgets the calls and the stub (before each test). */
  reset(): void {
    this.calls.length = 0;
    this.conditionalStub = null;
  },
};

Object.defineProperty(credentialsContainer, 'get', {
  configurable: true,
  value: (options?: CredentialRequestOptions) => {
    const call: CredentialRequest = { mediation: options?.mediation, signal: options?.signal ?? undefined, settled: false };
    credentialRequests.calls.push(call);
    if (options?.mediation === 'conditional') credentialRequests.lastConditional = { publicKey: options.publicKey };
    const stub = options?.mediation === 'conditional' ? credentialRequests.conditionalStub : null;
    const answer = stub ? stub(options!) : realGet(options);
    return answer.finally(() => (call.settled = true));
  },
});

/** Conditional requests still waiting that nobody can stop any more (their signal not aborted). */
export const waitingAutofill = () =>
  credentialRequests.calls.filter((c) => c.mediation === 'conditional' && !c.settled && !c.signal?.aborted);

/**
 * The person picks the passkey in the field later, when `pick()` is called: every conditional
 * request waits until then (or its abort), then the authenticator answers it (presence on).
 */
export function pickLater(): () => void {
  let pick!: () => void;
  const picked = new Promise<void>((resolve) => (pick = resolve));
  credentialRequests.conditionalStub = (request) =>
    new Promise<void>((resolve, reject) => {
      const signal = request.signal;
      if (signal?.aborted) reject(new DOMException('The operation was aborted.', 'AbortError'));
      signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')), {
        once: true,
      });
      void picked.then(resolve);
    }).then(() => realGet(request));
  return pick;
}
