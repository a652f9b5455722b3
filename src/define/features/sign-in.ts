import { passwordSignIn } from '../../features/sign-in.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.signIn, passwordSignIn);
