import { userUpdates } from '../../features/update-user.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.updateUser, userUpdates);
