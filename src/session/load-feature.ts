import { AuthError } from '../errors.js';
import { Feature, registeredFeatures, type FeatureName } from './feature.js';

/**
 * A feature the page did not import loads itself on first use: one request for its module
 * (bundlers and rollup emit each as a chunk of its own), which registers it. A page that
 * imports `user-session-elements/features/<name>.js` up front never waits for it.
 */
const loaders: Record<Feature, () => Promise<unknown>> = {
  [Feature.signIn]: () => import('../define/features/sign-in.js'),
  [Feature.redirectSignIn]: () => import('../define/features/redirect-sign-in.js'),
  [Feature.serverSession]: () => import('../define/features/server-session.js'),
  [Feature.sessions]: () => import('../define/features/sessions.js'),
  [Feature.updateUser]: () => import('../define/features/update-user.js'),
  [Feature.mail]: () => import('../define/features/mail.js'),
  [Feature.watch]: () => import('../define/features/watch.js'),
};

/** Loads `name` unless registered; rejects with `misconfigured` naming the import when it cannot. */
export async function loadFeature(name: FeatureName): Promise<void> {
  if (!registeredFeatures().has(name))
    // An add-on has no loader: its module registers it before anything can use it.
    await loaders[name as Feature]().catch((cause: unknown) => {
      throw new AuthError('misconfigured', `Feature "${name}" not loaded: import 'user-session-elements/features/${name}.js'.`, {
        cause,
      });
    });
}
