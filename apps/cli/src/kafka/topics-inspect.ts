import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';
import { allTopics, configDrift, describeTopics, type ConfigDrift, type ResolvedTopic } from '@platform/topics';
import { notFound } from '../exit-codes';

/** A topic as listed: live, declared in topics/, or both, with its drift from the declaration. */
export interface TopicSummary {
  readonly name: string;
  /** Owner app of a declared topic; `internal` for changelog/repartition/DLQ topics of streams apps; undefined otherwise. */
  readonly owner: string | undefined;
  readonly declared: boolean;
  readonly exists: boolean;
  readonly partitions: number | undefined;
  readonly declaredPartitions: number | undefined;
  readonly drift: readonly ConfigDrift[];
}

export interface TopicDetails extends TopicSummary {
  readonly description?: string;
  readonly value?: ResolvedTopic['value'];
  /** Topic-level configs (set on the topic) plus every declared key, with their live values. */
  readonly configs: Readonly<Record<string, string | null>>;
  readonly partitionDetails: readonly { partition: number; leader: number; replicas: number[]; isr: number[]; low: string; high: string }[];
}

const INTERNAL = /-v\d{1,7}-(.+-(changelog|repartition)|dlq)$/;

/** Every live and every declared topic (Kafka's own `__…` topics left out), with drift of the declared ones. */
export async function listTopics(admin: Admin, namespace: string | undefined): Promise<TopicSummary[]> {
  const declared = new Map(describeTopics(allTopics, namespace).map((t) => [t.name, t]));
  const live = (await admin.listTopics()).filter((t) => !t.startsWith('__') && !t.startsWith('_schemas') && !t.startsWith('kafkasql-'));
  const names = [...new Set([...live, ...declared.keys()])].sort();
  const liveSet = new Set(live);
  const metadata = live.length > 0 ? await admin.fetchTopicMetadata({ topics: live }) : { topics: [] };
  const partitions = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  const drift = await driftOf(admin, [...declared.values()].filter((t) => liveSet.has(t.name)));
  return names.map((name) => {
    const decl = declared.get(name);
    return {
      name,
      owner: decl?.owner ?? (INTERNAL.test(name) ? 'internal' : undefined),
      declared: decl !== undefined,
      exists: liveSet.has(name),
      partitions: partitions.get(name),
      declaredPartitions: decl?.partitions,
      drift: drift.get(name) ?? [],
    };
  });
}

/** One topic in detail: partitions with leaders and offsets, configs, and drift when it is declared. */
export async function describeTopic(admin: Admin, namespace: string | undefined, name: string): Promise<TopicDetails> {
  const decl = describeTopics(allTopics, namespace).find((t) => t.name === name);
  const exists = (await admin.listTopics()).includes(name);
  if (!exists && !decl) throw notFound(`topic ${name} does not exist and is not declared in topics/`);
  let partitionDetails: TopicDetails['partitionDetails'] = [];
  let configs: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
  let drift: ConfigDrift[] = [];
  if (exists) {
    const [metadata, offsets, described] = await Promise.all([
      admin.fetchTopicMetadata({ topics: [name] }),
      admin.fetchTopicOffsets(name),
      admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name }], includeSynonyms: false }),
    ]);
    const ends = new Map(offsets.map((o) => [o.partition, o]));
    partitionDetails = (metadata.topics[0]?.partitions ?? [])
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, low: ends.get(p.partitionId)?.low ?? '0', high: ends.get(p.partitionId)?.high ?? '0' }))
      .sort((a, b) => a.partition - b.partition);
    const entries = described.resources[0]?.configEntries ?? [];
    for (const entry of entries) {
      if (entry.configSource === ConfigSource.TOPIC_CONFIG || (decl && entry.configName in decl.configs)) configs[entry.configName] = entry.configValue;
    }
    if (decl) drift = configDrift(name, decl.configs, entries);
  } else if (decl) {
    configs = { ...decl.configs };
  }
  return {
    name,
    owner: decl?.owner ?? (INTERNAL.test(name) ? 'internal' : undefined),
    declared: decl !== undefined,
    exists,
    partitions: exists ? partitionDetails.length : undefined,
    declaredPartitions: decl?.partitions,
    drift,
    ...(decl ? { description: describedAs(decl), value: decl.value } : {}),
    configs,
    partitionDetails,
  };
}

function describedAs(decl: ResolvedTopic): string {
  const found = allTopics.find((t) => t.name === decl.declaredName);
  return found?.description ?? '';
}

async function driftOf(admin: Admin, topics: readonly ResolvedTopic[]): Promise<Map<string, ConfigDrift[]>> {
  const result = new Map<string, ConfigDrift[]>();
  if (topics.length === 0) return result;
  const { resources } = await admin.describeConfigs({ resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name })), includeSynonyms: false });
  const byName = new Map(resources.map((r) => [r.resourceName, r]));
  for (const topic of topics) {
    const resource = byName.get(topic.name);
    if (resource && resource.errorCode === 0) result.set(topic.name, configDrift(topic.name, topic.configs, resource.configEntries));
  }
  return result;
}

/** True when a topic summary shows a difference from its declaration (missing, partitions, configs). */
export function drifted(topic: TopicSummary): boolean {
  return topic.declared && (!topic.exists || topic.drift.length > 0 || (topic.partitions !== undefined && topic.partitions !== topic.declaredPartitions));
}
