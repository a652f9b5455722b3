import { mail } from '../../features/mail.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.mail, mail);
