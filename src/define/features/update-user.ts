// Opting in to the `update-user` feature (SPEC §10): importing this module attaches it to every
// `<user-session>` of the page (`user-session-elements/features/update-user.js`).
import { userUpdates } from '../../features/update-user.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.updateUser, userUpdates);
