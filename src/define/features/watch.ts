import { sessionWatch } from '../../features/watch.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.watch, sessionWatch);
