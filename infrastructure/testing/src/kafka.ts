import { Admin, ITopicConfig, Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from './env';
import { waitFor } from './wait-for';

/** A kafkajs client for the broker under test, with kafkajs' own logging off. */
export function newKafka(clientId = 'test'): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

export interface CreateTopicOptions {
  partitions?: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  config?: Record<string, string>;
  timeoutMs?: number;
}

/** Creates a topic and resolves once every partition has a leader and answers offset requests. */
export async function createTopic(admin: Admin, name: string, options: CreateTopicOptions = {}): Promise<void> {
  const partitions = options.partitions ?? 1;
  const topic: ITopicConfig = {
    topic: name,
    numPartitions: partitions,
    replicationFactor: 1,
    configEntries: Object.entries(options.config ?? {}).map(([configName, value]) => ({ name: configName, value })),
  };
  // kafkajs's waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION from a topic created a moment ago
  // (CI failed on it): create without it and poll metadata and offsets below, where errors mean "not yet".
  await admin.createTopics({ topics: [topic], waitForLeaders: false });
  await waitFor(
    async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
      const found = topics[0]?.partitions ?? [];
      if (found.length !== partitions || found.some((p) => p.leader < 0)) return false;
      // A partition can have a leader in metadata and still answer NOT_LEADER_OR_FOLLOWER to ListOffsets.
      return (await admin.fetchTopicOffsets(name)).length === partitions;
    },
    { timeoutMs: options.timeoutMs ?? 20_000, description: `leaders of ${name}` },
  );
}
