import { Kafka, type Admin, type KafkaConfig } from 'kafkajs';
import type { Logger } from '@platform/common';
import { InputFetcher, type ClusterView, type InputFetcherOptions } from '../client/input-fetcher';
import { tpKey } from '../topic-partition';
import type { FetchConnection } from './restorer';

/** The brokers and the leaders of these topics, from kafkajs' admin (for the engine's own clients). */
export async function clusterView(admin: Admin, topics: readonly string[]): Promise<ClusterView> {
  const [cluster, metadata] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics: [...topics] })]);
  const leaders = new Map<string, number>();
  for (const topic of metadata.topics) for (const p of topic.partitions) leaders.set(tpKey(topic.name, p.partitionId), p.leader);
  return { brokers: new Map(cluster.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }])), leaders };
}

/**
 * Connection settings of the engine's own clients (the restore reader, the lean produce and fetch
 * paths), known only when the application was given a
 * KafkaConfig (a Kafka instance keeps them private). SASL mechanisms other than PLAIN (and
 * mechanisms configured with callbacks) are left to kafkajs.
 */
export function fetchConnectionOf(kafka: Kafka | KafkaConfig): { fetch?: FetchConnection } {
  if (kafka instanceof Kafka) return {};
  const sasl = kafka.sasl as { mechanism?: string; username?: unknown; password?: unknown } | undefined;
  if (sasl && !(sasl.mechanism === 'plain' && typeof sasl.username === 'string' && typeof sasl.password === 'string')) return {};
  const clientId = kafka.clientId ?? 'streams';
  return {
    fetch: {
      clientId,
      ...(kafka.ssl ? { ssl: kafka.ssl } : {}),
      ...(sasl ? { sasl: { mechanism: 'plain', username: sasl.username as string, password: sasl.password as string } } : {}),
    },
  };
}

/**
 * The engine's own input fetcher under `fetchPath: 'lean'`, when it can connect by itself (a `KafkaConfig`
 * with no SASL or SASL PLAIN); otherwise undefined, with a warning, and kafkajs' consumer fetches.
 */
export function leanInputFetcher(
  path: 'kafkajs' | 'lean',
  connection: FetchConnection | undefined,
  admin: Admin,
  logger: Logger,
  handlers: Pick<InputFetcherOptions, 'onBatch' | 'onFatal'>,
): InputFetcher | undefined {
  if (path !== 'lean') return undefined;
  if (!connection) {
    logger.warn("fetchPath 'lean' needs the Kafka config (not a Kafka instance) and no SASL or SASL PLAIN; fetching with kafkajs");
    return undefined;
  }
  logger.info("input read by the engine's own fetch path (fetchPath 'lean'); kafkajs keeps the group membership");
  return new InputFetcher({ connection, metadata: (topics) => clusterView(admin, topics), logger, ...handlers });
}
