// Opting in to the `mail` feature (SPEC §10): importing this module attaches it to every
// `<user-session>` of the page (`user-session-elements/features/mail.js`).
import { mail } from '../../features/mail.js';
import { Feature, registerFeature } from '../../session/feature.js';

registerFeature(Feature.mail, mail);
