import { redirectSignIn } from '../../features/redirect-sign-in.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.redirectSignIn, redirectSignIn);
