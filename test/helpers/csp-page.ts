// The script of test/pages/csp-page.html, a page whose Content-Security-Policy requires Trusted
// Types and allows no inline script, eval or policy: the whole kit, and build() for
// test/csp-trusted-types.test.ts to put every tag that renders into that page.
import { uncaught, violations } from './csp-watch.js';
import '../../src/index.js';
import type { MemorySessionSeed } from '../../src/backends/memory.js';
import type { SessionListElement } from '../../src/elements/session-list.js';
import type { UserSessionElement } from '../../src/elements/user-session.js';
import { RecordingBackend } from './recording-backend.js';

/** Every tag of the kit that renders a button (each in its shadow root). */
export const actionTags = [
  'log-out-action',
  'log-in-action',
  'sign-up-action',
  'set-user-properties-action',
  'request-password-reset-action',
  'request-verification-email-action',
] as const;

export interface Built {
  session: UserSessionElement;
  /** The list with its default item markup. */
  list: SessionListElement;
  /** A list with a `<template>` of its own (built with DOM calls: the page allows nothing else). */
  templated: SessionListElement;
}

type TrustedTypesGlobal = { trustedTypes?: { createPolicy(name: string, rules: object): unknown } };

/** The error's name, or '' when `run` did not throw. */
function thrown(run: () => void): string {
  try {
    run();
    return '';
  } catch (caught) {
    return (caught as Error).name;
  }
}

export interface CspPage extends Window {
  ready?: boolean;
  violations: string[];
  uncaught: string[];
  /** Whether this engine has Trusted Types (`window.trustedTypes`). */
  hasTrustedTypes: boolean;
  /**
   * A `<user-session>` (RecordingBackend, `storage-key` = key) holding every action tag (the
   * log-in action labelled "Enter"), Ada signed in here and on each of `devices`, then two
   * `<session-list>`s put inside.
   */
  build(key: string, devices: MemorySessionSeed[]): Promise<Built>;
  /** Sets `innerHTML` from a string: the error's name, '' when allowed. */
  tryInnerHtml(): string;
  /** Creates a Trusted Types policy: the error's name, '' when allowed, 'none' without Trusted Types. */
  tryCreatePolicy(): string;
  /** Evaluates a string as script: the error's name, '' when allowed. */
  tryEval(): string;
  /** Inserts an inline script: whether it ran. */
  tryInlineScript(): boolean;
  inlineRan?: boolean;
}

async function build(key: string, devices: MemorySessionSeed[]): Promise<Built> {
  const backend = new RecordingBackend();
  const session = document.createElement('user-session');
  session.backend = backend;
  session.setAttribute('storage-key', key);
  for (const tag of actionTags) session.append(document.createElement(tag));
  session.querySelector('log-in-action')!.setAttribute('label', 'Enter');
  document.body.append(session);
  await new Promise((resolve) => setTimeout(resolve));
  await session.logIn('ada', 'secret-pw');
  for (const seed of devices) backend.openSession('ada', seed);
  const list = document.createElement('session-list');
  const templated = document.createElement('session-list');
  const template = document.createElement('template');
  const name = document.createElement('b');
  name.setAttribute('part', 'name');
  name.dataset.field = 'device';
  const end = document.createElement('button');
  end.dataset.action = 'revoke';
  end.textContent = 'End';
  template.content.append(name, ' ', end);
  templated.append(template);
  session.append(list, templated);
  return { session, list, templated };
}

const page = window as unknown as CspPage & TrustedTypesGlobal;
Object.assign(page, {
  violations,
  uncaught,
  hasTrustedTypes: page.trustedTypes !== undefined,
  build,
  tryInnerHtml: () => thrown(() => (document.createElement('div').innerHTML = '<b>x</b>')),
  tryCreatePolicy: () =>
    page.trustedTypes ? thrown(() => page.trustedTypes!.createPolicy('probe', { createHTML: (s: string) => s })) : 'none',
  // Indirect eval: the page's script-src has no 'unsafe-eval'.
  tryEval: () => thrown(() => (0, eval)('1')),
  tryInlineScript: () => {
    const script = document.createElement('script');
    script.append('window.inlineRan = true');
    document.body.append(script);
    return page.inlineRan === true;
  },
  ready: true,
} satisfies Partial<CspPage>);
