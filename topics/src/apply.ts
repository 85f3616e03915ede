import { defaultRetryOptions, retry } from '@platform/common';
import { Admin, ConfigResourceTypes } from 'kafkajs';
import { TopicDeclaration } from './declaration';
import { ResolvedTopic, describeTopics } from './describe';
import { PartitionShrinkError, TopicOperationError } from './errors';
import { configDrift } from './internals/drift';
import { coPartitionMismatches } from './internals/copartition';
import { awaitPartitionsReady } from './internals/await-ready';
import { ApplyReport } from './report';

export interface ApplyOptions {
  /** Prefix for every topic name (`<namespace>.<kind>.<domain>.<dataset>`). */
  namespace?: string;
  /** Rewrite drifted topic configs to exactly the declared set (default false: report only). */
  correctDrift?: boolean;
  /** Add partitions to topics declared with more than they have (default false: report only). */
  growPartitions?: boolean;
  /** Overrides the declared replication factor of topics created now (e.g. 1 on a one-broker cluster). */
  replicationFactor?: number;
}

/**
 * Makes the cluster match the declarations, idempotently: creates missing topics, reports config drift
 * (and corrects it when asked), grows partitions when asked, never shrinks or deletes anything, and
 * reports co-partition groups whose live partition counts differ.
 * Throws only when the declarations are invalid or the topic list cannot be read; every per-topic
 * failure lands in `report.errors`.
 */
export async function applyTopics(admin: Admin, declarations: readonly TopicDeclaration[], options: ApplyOptions = {}): Promise<ApplyReport> {
  const topics = describeTopics(declarations, options.namespace, { replicationFactor: options.replicationFactor });
  const report: ApplyReport = {
    ...(options.namespace ? { namespace: options.namespace } : {}),
    created: [],
    unchanged: [],
    drift: [],
    corrected: [],
    partitions: [],
    coPartitionMismatches: [],
    errors: [],
  };
  let existing: Set<string>;
  try {
    existing = new Set(await admin.listTopics());
  } catch (error) {
    throw new TopicOperationError('list', undefined, error);
  }
  const livePartitions = new Map<string, number>();
  const missing = topics.filter((topic) => !existing.has(topic.name));
  await createMissing(admin, missing, report, livePartitions);
  await awaitCreated(admin, missing, report);
  const present = topics.filter((topic) => existing.has(topic.name));
  if (present.length > 0) await reconcileExisting(admin, present, options, report, livePartitions);
  report.coPartitionMismatches = coPartitionMismatches(topics, livePartitions);
  return report;
}

/**
 * Creates the missing topics. A topic counts as created when it was absent at listing time and exists
 * afterwards: kafkajs retries CreateTopics internally and then answers "already exists" for a topic its
 * own first attempt created, so "created by this call" and "created by a concurrent apply" cannot be told
 * apart; both are reported as created, and the next apply reconciles their configs.
 */
async function createMissing(admin: Admin, missing: ResolvedTopic[], report: ApplyReport, livePartitions: Map<string, number>): Promise<void> {
  if (missing.length === 0) return;
  const spec = (topic: ResolvedTopic) => ({
    topic: topic.name,
    numPartitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
  });
  const created = (topic: ResolvedTopic) => {
    report.created.push(topic.name);
    livePartitions.set(topic.name, topic.partitions);
  };
  try {
    // Leaders are awaited by awaitCreated, which treats a topic not yet visible as "not yet" (kafkajs's waitForLeaders gives up on it).
    await admin.createTopics({ topics: missing.map(spec), waitForLeaders: false });
    missing.forEach(created);
    return;
  } catch {
    // Mixed outcome: retry one by one below to attribute each result to its topic.
  }
  for (const topic of missing) {
    try {
      await admin.createTopics({ topics: [spec(topic)], waitForLeaders: false });
      created(topic);
    } catch (error) {
      if (isAlreadyExists(error)) created(topic);
      else report.errors.push(new TopicOperationError('create', topic.name, error));
    }
  }
}

/** Waits until every partition of the created topics answers, so the caller can use them at once. */
async function awaitCreated(admin: Admin, missing: ResolvedTopic[], report: ApplyReport): Promise<void> {
  const created = new Set(report.created);
  for (const topic of missing.filter((candidate) => created.has(candidate.name))) {
    try {
      await awaitPartitionsReady(admin, topic.name, topic.partitions);
    } catch (error) {
      report.errors.push(new TopicOperationError('create', topic.name, error));
    }
  }
}

function isAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: Array<{ type?: string }> } | undefined)?.errors;
  if (Array.isArray(errors)) return errors.length > 0 && errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
  return (error as { type?: string } | undefined)?.type === 'TOPIC_ALREADY_EXISTS';
}

/** Metadata of just-created topics may take a moment to reach every broker: retry retriable failures. */
function withRetry<T>(operation: () => Promise<T>): Promise<T> {
  return retry(() => operation(), {
    ...defaultRetryOptions,
    retries: 6,
    isRetriable: (error) => Boolean((error as { retriable?: unknown } | undefined)?.retriable),
  });
}

async function reconcileExisting(
  admin: Admin,
  topics: ResolvedTopic[],
  options: ApplyOptions,
  report: ApplyReport,
  livePartitions: Map<string, number>,
): Promise<void> {
  const names = topics.map((topic) => topic.name);
  let partitionCounts: Map<string, number>;
  let configs: Awaited<ReturnType<Admin['describeConfigs']>>;
  try {
    const metadata = await withRetry(() => admin.fetchTopicMetadata({ topics: names }));
    partitionCounts = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
    configs = await withRetry(() =>
      admin.describeConfigs({
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
        includeSynonyms: false,
      }),
    );
  } catch (error) {
    names.forEach((name) => report.errors.push(new TopicOperationError('describe', name, error)));
    return;
  }
  const entriesByTopic = new Map(configs.resources.map((resource) => [resource.resourceName, resource]));
  for (const topic of topics) {
    const resource = entriesByTopic.get(topic.name);
    if (!resource || resource.errorCode !== 0) {
      report.errors.push(new TopicOperationError('describe', topic.name, new Error(resource?.errorMessage ?? 'no config returned')));
      continue;
    }
    const drift = configDrift(topic.name, topic.configs, resource.configEntries);
    report.drift.push(...drift);
    if (drift.length > 0 && options.correctDrift) await correctConfigs(admin, topic, report);
    const partitionsOk = await reconcilePartitions(admin, topic, partitionCounts.get(topic.name) ?? 0, options, report, livePartitions);
    if (drift.length === 0 && partitionsOk) report.unchanged.push(topic.name);
  }
}

/** kafkajs has no IncrementalAlterConfigs: AlterConfigs replaces all topic-level configs, so send the full set. */
async function correctConfigs(admin: Admin, topic: ResolvedTopic, report: ApplyReport): Promise<void> {
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic.name,
          configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    report.corrected.push(topic.name);
  } catch (error) {
    report.errors.push(new TopicOperationError('alter-configs', topic.name, error));
  }
}

/** Returns true when the live count equals the declared one. */
async function reconcilePartitions(
  admin: Admin,
  topic: ResolvedTopic,
  actual: number,
  options: ApplyOptions,
  report: ApplyReport,
  livePartitions: Map<string, number>,
): Promise<boolean> {
  livePartitions.set(topic.name, actual);
  const declared = topic.partitions;
  if (actual === declared) return true;
  if (actual > declared) {
    report.partitions.push({ topic: topic.name, declared, actual, action: 'refused-shrink' });
    report.errors.push(new PartitionShrinkError(topic.name, declared, actual));
    return false;
  }
  if (!options.growPartitions) {
    report.partitions.push({ topic: topic.name, declared, actual, action: 'grow-not-requested' });
    return false;
  }
  try {
    await admin.createPartitions({ topicPartitions: [{ topic: topic.name, count: declared }] });
    report.partitions.push({ topic: topic.name, declared, actual, action: 'grown' });
    livePartitions.set(topic.name, declared);
  } catch (error) {
    report.errors.push(new TopicOperationError('create-partitions', topic.name, error));
  }
  return false;
}
