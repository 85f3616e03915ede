import { StreamsError } from '../../errors';
import { internalTopicName, type ApplicationIdentity } from '../topology/names';
import type { TopicRef, TopologySpec } from '../topology/spec';

/**
 * Partition counts of the driver's topics, decided like production: external topics get their
 * configured count (or the default); a repartition topic gets its declared count, else the count
 * of an external topic it is co-partitioned with, else the largest count of the inputs of the
 * subtopology that writes it. Co-partition groups must agree, as the runtime checks at start.
 */
export function planPartitions(
  topology: TopologySpec,
  app: ApplicationIdentity,
  external: (topic: string) => number,
): { partitionsOf: (topic: string) => number; tasksOf: (subtopology: number) => number } {
  const resolve = (ref: TopicRef) => (ref.kind === 'external' ? ref.name : internalTopicName(app, ref.name, 'repartition'));
  const repartition = new Map<string, number>();
  const resolving = new Set<string>();

  const countOf = (ref: TopicRef): number => (ref.kind === 'external' ? external(ref.name) : repartitionCount(ref.name));

  function repartitionCount(name: string): number {
    const known = repartition.get(name);
    if (known !== undefined) return known;
    const declared = topology.repartitionTopics.find((t) => t.name === name)?.partitions;
    let count = declared;
    if (count === undefined) {
      const group = topology.copartitionGroups.find((g) => g.some((t) => t.kind === 'repartition' && t.name === name));
      const pinned = group?.filter((t) => t.kind === 'external' || topology.repartitionTopics.some((r) => r.name === t.name && r.partitions));
      if (pinned && pinned.length > 0) count = Math.max(...pinned.map(countOf));
    }
    if (count === undefined) {
      if (resolving.has(name)) throw new StreamsError(`repartition topic ${name} feeds itself`);
      resolving.add(name);
      const upstream = topology.subtopologies.filter((s) =>
        s.nodes.some((n) => {
          const node = topology.nodes.get(n);
          return node?.kind === 'sink' && node.topic.kind === 'repartition' && node.topic.name === name;
        }),
      );
      count = Math.max(1, ...upstream.flatMap((s) => s.sourceTopics.map(countOf)));
      resolving.delete(name);
    }
    repartition.set(name, count);
    return count;
  }

  for (const group of topology.copartitionGroups) {
    const counts = group.map((t) => [resolve(t), countOf(t)] as const);
    if (new Set(counts.map(([, c]) => c)).size > 1) {
      throw new StreamsError(`topics not co-partitioned: ${counts.map(([t, c]) => `${t} (${c})`).join(', ')}`);
    }
  }

  const byName = new Map<string, number>();
  for (const t of topology.repartitionTopics) byName.set(internalTopicName(app, t.name, 'repartition'), repartitionCount(t.name));
  return {
    partitionsOf: (topic) => byName.get(topic) ?? external(topic),
    tasksOf: (id) => {
      const sub = topology.subtopologies.find((s) => s.id === id);
      return Math.max(1, ...(sub?.sourceTopics ?? []).map(countOf));
    },
  };
}
