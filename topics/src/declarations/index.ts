import { TopicDeclaration } from '../declaration';
import { communicationTopics } from './communication';
import { opsTopics } from './ops';
import { sourceTopics } from './sources';

/** The registry: every topic of the platform, declared once. */
export const allTopics: readonly TopicDeclaration[] = [...communicationTopics, ...sourceTopics, ...opsTopics];

export { communicationTopics, sourceTopics, opsTopics };
