import { sessionManagement } from '../../features/sessions.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.sessions, sessionManagement);
