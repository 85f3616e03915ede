import { internalTopicName, type ApplicationIdentity } from '../topology/names';
import type { TopicRef, TopologySpec } from '../topology/spec';

export interface InternalTopic {
  readonly name: string;
  readonly partitions: number;
  readonly kind: 'changelog' | 'repartition';
}

/** Every topic of a topology resolved for one application, with the partition counts it needs. */
export interface TopicPlan {
  readonly resolve: (ref: TopicRef) => string;
  /** Resolved source topics per subtopology. */
  readonly sourceTopics: ReadonlyMap<number, readonly string[]>;
  readonly taskCounts: ReadonlyMap<number, number>;
  readonly externalSources: readonly string[];
  readonly internalTopics: readonly InternalTopic[];
  readonly copartitionGroups: readonly (readonly string[])[];
  /** Every topic the consumer subscribes to. */
  readonly inputTopics: readonly string[];
  /** Partition count of every source and internal topic. */
  readonly partitionCount: (topic: string) => number;
}

export function topicResolver(app: ApplicationIdentity): (ref: TopicRef) => string {
  return (ref) => (ref.kind === 'external' ? ref.name : internalTopicName(app, ref.name, 'repartition'));
}

/** External topics a topology reads (their counts must be known before planning). */
export function externalSourceTopics(spec: TopologySpec): string[] {
  const names = new Set<string>();
  for (const sub of spec.subtopologies) for (const ref of sub.sourceTopics) if (ref.kind === 'external') names.add(ref.name);
  for (const store of spec.stores.values()) {
    if (store.changelog.kind === 'source' && store.changelog.topic.kind === 'external') names.add(store.changelog.topic.name);
  }
  return [...names];
}

/**
 * Sizes the internal topics. A repartition topic takes its explicit count, else the count of the
 * external topics it is co-partitioned with, else the task count of the subtopology writing it.
 * A changelog has one partition per task of the subtopology owning the store.
 */
export function planTopics(
  spec: TopologySpec,
  app: ApplicationIdentity,
  externalCount: (topic: string) => number | undefined,
): TopicPlan {
  const resolve = topicResolver(app);
  const counts = new Map<string, number>();
  for (const topic of externalSourceTopics(spec)) counts.set(topic, externalCount(topic) ?? 0);
  for (const r of spec.repartitionTopics) if (r.partitions) counts.set(resolve({ kind: 'repartition', name: r.name }), r.partitions);
  const groups = spec.copartitionGroups.map((g) => g.map(resolve));
  const writers = repartitionWriters(spec, resolve);
  const taskCount = (sub: number) => {
    const topics = spec.subtopologies.find((s) => s.id === sub)!.sourceTopics.map(resolve);
    const known = topics.map((t) => counts.get(t));
    return known.every((n) => n !== undefined) ? Math.max(0, ...(known as number[])) : undefined;
  };
  for (let round = 0; round <= spec.repartitionTopics.length; round++) {
    for (const r of spec.repartitionTopics) {
      const name = resolve({ kind: 'repartition', name: r.name });
      if (counts.has(name)) continue;
      const fromGroup = groups
        .filter((g) => g.includes(name))
        .flat()
        .map((t) => counts.get(t))
        .filter((n): n is number => n !== undefined);
      const writer = writers.get(name);
      const fromWriter = writer === undefined ? undefined : taskCount(writer);
      const n = fromGroup.length > 0 ? Math.max(...fromGroup) : fromWriter;
      if (n !== undefined) counts.set(name, n);
    }
  }
  const sourceTopics = new Map(spec.subtopologies.map((s) => [s.id, s.sourceTopics.map(resolve)]));
  const taskCounts = new Map(spec.subtopologies.map((s) => [s.id, taskCount(s.id) ?? 1]));
  const internalTopics: InternalTopic[] = spec.repartitionTopics.map((r) => {
    const name = resolve({ kind: 'repartition', name: r.name });
    return { name, partitions: counts.get(name) ?? 1, kind: 'repartition' as const };
  });
  for (const store of spec.stores.values()) {
    if (store.changelog.kind !== 'internal') continue;
    const owner = spec.subtopologies.find((s) => s.stores.includes(store.name));
    internalTopics.push({
      name: internalTopicName(app, store.name, 'changelog'),
      partitions: owner ? taskCounts.get(owner.id)! : 1,
      kind: 'changelog',
    });
  }
  const inputTopics = [...new Set([...sourceTopics.values()].flat())];
  return {
    resolve,
    sourceTopics,
    taskCounts,
    externalSources: externalSourceTopics(spec),
    internalTopics,
    copartitionGroups: groups,
    inputTopics,
    partitionCount: (topic) =>
      counts.get(topic) ?? internalTopics.find((t) => t.name === topic)?.partitions ?? externalCount(topic) ?? 0,
  };
}

/** Repartition topic → id of the subtopology whose sink writes it. */
function repartitionWriters(spec: TopologySpec, resolve: (ref: TopicRef) => string): Map<string, number> {
  const writers = new Map<string, number>();
  for (const sub of spec.subtopologies) {
    for (const name of sub.nodes) {
      const node = spec.nodes.get(name);
      if (node?.kind === 'sink' && node.topic.kind === 'repartition') writers.set(resolve(node.topic), sub.id);
    }
  }
  return writers;
}
