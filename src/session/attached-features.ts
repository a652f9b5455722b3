import { Capability, hasCapability } from '../backends/backend.js';
import { Feature, registeredFeatures, type FeatureName, type SessionCore, type SessionFeature } from './feature.js';

/** The features a backend's capabilities need (the core loads a missing one on connect). */
const featureOf: Partial<Record<Capability, Feature>> = {
  [Capability.redirectLogIn]: Feature.redirectSignIn,
  [Capability.refresh]: Feature.redirectSignIn,
  [Capability.endSession]: Feature.redirectSignIn,
  [Capability.serverSession]: Feature.serverSession,
};

/** The features attached to one core: one instance of each registered feature, in registration order. */
export class AttachedFeatures {
  readonly #core: SessionCore;
  readonly #features = new Map<FeatureName, SessionFeature>();

  constructor(core: SessionCore) {
    this.#core = core;
  }

  /** Attaches every registered feature not attached yet (a module loaded since). */
  attach(): void {
    for (const [name, make] of registeredFeatures()) if (!this.#features.has(name)) this.#features.set(name, make(this.#core));
  }

  /** The feature `name`, attached now if registered; `undefined` if no module registered it. */
  get(name: FeatureName): SessionFeature | undefined {
    if (!this.#features.has(name)) this.attach();
    return this.#features.get(name);
  }

  /** Calls `hook` on every attached feature; returns what they gave (nothing for `null`/`undefined`). */
  each<T>(hook: (feature: SessionFeature) => T | null | undefined): T[] {
    const results: T[] = [];
    for (const feature of this.#features.values()) {
      const result = hook(feature);
      if (result != null) results.push(result);
    }
    return results;
  }

  /** Features the backend or the host's settings need that no module registered yet. */
  missing(): Feature[] {
    const settings = this.#core.settings;
    const needed = new Set<Feature>();
    for (const [capability, feature] of Object.entries(featureOf) as [Capability, Feature][])
      if (hasCapability(settings.backend, capability)) needed.add(feature);
    if (settings.option?.('revalidate') || settings.option?.('idle-timeout')) needed.add(Feature.watch);
    return [...needed].filter((name) => !registeredFeatures().has(name));
  }
}
