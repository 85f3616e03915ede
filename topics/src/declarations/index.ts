import { TopicDeclaration } from '../declaration';
import { communicationTopics } from './communication';
import { opsTopics } from './ops';
import { sourceTopics } from './sources';
import { sourceApiTopics } from './source-api';
import { webhooksTopics } from './webhooks';

/** The registry: every topic of the platform, declared once. */
export const allTopics: readonly TopicDeclaration[] = [...communicationTopics, ...sourceTopics, ...opsTopics, ...webhooksTopics, ...sourceApiTopics];

export { communicationTopics, sourceTopics, opsTopics, webhooksTopics, sourceApiTopics };
