// Opting in to the `sessions` feature (SPEC §10): importing this module attaches it to every
// `<user-session>` of the page (`user-session-elements/features/sessions.js`).
import { sessionManagement } from '../../features/sessions.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.sessions, sessionManagement);
