import { serverSessionTakeUp } from '../../features/server-session.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.serverSession, serverSessionTakeUp);
