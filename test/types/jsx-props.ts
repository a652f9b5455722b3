// Type-level checks of the JSX props (src/jsx.ts), run by `tsc --noEmit` (CI's type check): a
// value the README documents must type-check in TSX, a wrong one must not.
import type { UserSessionProps } from '../../src/jsx.js';

export const documentedBackends: UserSessionProps[] = [
  { backend: 'parse' },
  { backend: 'memory' },
  { backend: 'oidc' },
  { backend: 'better-auth', 'server-url': '/api/auth' },
];

// @ts-expect-error: not a backend the kit knows
export const unknownBackend: UserSessionProps = { backend: 'firebase' };
