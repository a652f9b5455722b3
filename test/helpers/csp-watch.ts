// The first module of test/pages/csp-page.html (imported first by csp-page.ts, so it runs before
// the kit loads): records every refusal of the page's Content-Security-Policy and everything that
// escaped as an uncaught error or unhandled rejection.

/** Each `securitypolicyviolation`: "directive: what was blocked (sample)". */
export const violations: string[] = [];
/** Each uncaught error and unhandled rejection, as text. */
export const uncaught: string[] = [];

window.addEventListener('securitypolicyviolation', (e) =>
  violations.push(`${e.effectiveDirective || e.violatedDirective}: ${e.blockedURI} (${e.sample})`),
);
window.addEventListener('error', (e) => uncaught.push(String(e.error ?? e.message)));
window.addEventListener('unhandledrejection', (e) => uncaught.push(String(e.reason)));
