import type { Admin } from 'kafkajs';
import { allTopics, topicName, type TopicDeclaration } from '@platform/topics';
import { ChatStreamsError } from './errors';

/** Resolved names (with the deployment's namespace) and partition counts of the topics the chat apps use. */
export interface ChatTopics {
  readonly messages: string;
  readonly metadata: string;
  readonly readReceipts: string;
  readonly channels: string;
  readonly tags: string;
  readonly templates: string;
  readonly chatpluginEvents: string;
  /** Declared partition count by resolved topic name. */
  readonly partitions: ReadonlyMap<string, number>;
}

const declared = {
  messages: 'application.communication.messages',
  metadata: 'application.communication.metadata',
  readReceipts: 'application.communication.read-receipt',
  channels: 'application.communication.channels',
  tags: 'application.communication.tags',
  templates: 'application.communication.templates',
  chatpluginEvents: 'source.chatplugin.events',
} as const;

function declaration(name: string): TopicDeclaration {
  const found = allTopics.find((t) => t.name === name);
  if (!found) throw new ChatStreamsError(`topic ${name} is not declared in topics/`);
  return found;
}

/** The chat topics under an optional namespace (`TOPICS_NAMESPACE`), as declared in topics/. */
export function chatTopics(namespace?: string): ChatTopics {
  const partitions = new Map<string, number>();
  const names = {} as Record<keyof typeof declared, string>;
  for (const [field, name] of Object.entries(declared) as [keyof typeof declared, string][]) {
    const decl = declaration(name);
    const resolved = topicName(decl, namespace);
    names[field] = resolved;
    partitions.set(resolved, decl.partitions);
  }
  return { ...names, partitions };
}

/**
 * The same topics with the partition counts the cluster actually has (a topic grown by an operator
 * must be written to as it is, or writes and key queries would disagree). Missing topics keep the
 * declared count; the streams application reports them when it starts.
 */
export async function withActualPartitions(topics: ChatTopics, admin: Pick<Admin, 'fetchTopicMetadata'>): Promise<ChatTopics> {
  const names = [...topics.partitions.keys()];
  const partitions = new Map(topics.partitions);
  const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
  for (const topic of found) if (topic.partitions.length > 0) partitions.set(topic.name, topic.partitions.length);
  return { ...topics, partitions };
}
