// Opting in to the `redirect-sign-in` feature (SPEC §10): importing this module attaches it to every
// `<user-session>` of the page (`user-session-elements/features/redirect-sign-in.js`).
import { redirectSignIn } from '../../features/redirect-sign-in.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.redirectSignIn, redirectSignIn);
