import { TopicDeclaration } from '../declaration';
import { rawEventsTopic } from './defaults';

/**
 * Raw ingress of the custom Sources API (apps/sources): one record per message or metadata item a
 * source posted to `sources.webhook`, placed by its conversation id (a batch spans conversations),
 * written before any mapping so the router can replay them.
 */
export const sourceApiTopics: readonly TopicDeclaration[] = [
  {
    ...rawEventsTopic,
    name: 'source.sources.events',
    description: 'Items posted by custom sources to sources.webhook (one message or metadata item per record), written before any mapping (replayable).',
    key: { format: 'string', meaning: 'message id, or metadata subject id' },
    value: { format: 'json', meaning: '{ source_id, kind: "message" | "metadata", item } — item as the source posted it (validated)' },
    owner: 'connector-sources',
  },
];
