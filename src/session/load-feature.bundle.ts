import { AuthError } from '../errors.js';
import { Feature, registeredFeatures, type FeatureName } from './feature.js';

// The one-file bundles' stand-in for `load-feature.ts` (rollup.config.mjs): they import every
// feature they have up front, so none loads on first use. The file without OpenID Connect has
// no redirect sign-in: a redirect backend there is refused, naming the file that has it.
export async function loadFeature(name: FeatureName): Promise<void> {
  if (!registeredFeatures().has(name))
    throw new AuthError(
      'misconfigured',
      name === Feature.redirectSignIn
        ? 'Redirect sign-in is not in this file: use user-session-elements-oidc.min.js.'
        : `Feature "${name}" is not in this file.`,
    );
}
