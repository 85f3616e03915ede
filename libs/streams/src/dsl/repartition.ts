import type { Serde } from '../api/serde';
import type { TopicRef } from '../internals/topology/spec';
import { requireSerde, statelessSupplier, type DslContext, type Position } from './context';

export interface RepartitionOptions<K, V> {
  /** Name of the repartition topic (`<app>-v<version>-<name>-repartition`) and prefix of its nodes. */
  readonly name?: string;
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Fixed partition count; default: the runtime's choice (co-partition group or upstream count). */
  readonly partitions?: number;
}

/**
 * Writes the stream to an internal repartition topic and reads it back, so records are partitioned
 * by their current key: `<base>-repartition-filter` (drops null keys, which cannot be placed) →
 * `<base>-repartition-sink` → topic `<base>` → `<base>-repartition-source`.
 */
export function insertRepartition<K, V>(
  ctx: DslContext,
  from: Position<K, V>,
  base: string,
  options: Omit<RepartitionOptions<K, V>, 'name'> = {},
): Position<K, V> {
  const keySerde = requireSerde(options.keySerde ?? from.keySerde, `repartition ${base} (key)`);
  const valueSerde = requireSerde(options.valueSerde ?? from.valueSerde, `repartition ${base} (value)`);
  const topic: TopicRef = { kind: 'repartition', name: base };
  const filter = `${base}-repartition-filter`;
  const sink = `${base}-repartition-sink`;
  const source = `${base}-repartition-source`;
  ctx.topology
    .addProcessor(
      filter,
      statelessSupplier<K, V, K, V>((r, forward) => {
        if (r.key !== null && r.key !== undefined) forward(r);
      }),
      from.node,
    )
    .addSink(sink, topic, { keySerde, valueSerde }, filter)
    .addSource(source, topic, { keySerde, valueSerde });
  if (options.partitions !== undefined) ctx.topology.addRepartitionTopic(base, { partitions: options.partitions });
  return { node: source, keySerde, valueSerde, sourceTopics: [topic] };
}
