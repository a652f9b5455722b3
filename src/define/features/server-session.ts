// Opting in to the `server-session` feature (SPEC §10): importing this module attaches it to every
// `<user-session>` of the page (`user-session-elements/features/server-session.js`).
import { serverSessionTakeUp } from '../../features/server-session.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.serverSession, serverSessionTakeUp);
