// Opting in to the `sign-in` feature (SPEC §10): importing this module attaches it to every
// `<user-session>` of the page (`user-session-elements/features/sign-in.js`).
import { passwordSignIn } from '../../features/sign-in.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.signIn, passwordSignIn);
