// Opting in to the `watch` feature (SPEC §10): importing this module attaches it to every
// `<user-session>` of the page (`user-session-elements/features/watch.js`).
import { sessionWatch } from '../../features/watch.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.watch, sessionWatch);
