import type { ProcessorContext } from '../api/processor';
import type { Serde } from '../api/serde';
import type { DslContext, Named, Position } from './context';
import type { KTable } from './ktable';

export interface StreamJoinOptions<K, V> extends Named {
  /** Serdes of the stream side's repartition topic, if the stream must be repartitioned first. */
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
}

/**
 * Stream–table join node: for each stream record (null key or value: dropped) it reads the table's
 * current value for the key. Only stream records trigger output; table updates just change what
 * later records see. The stream and table inputs are registered as a co-partition group.
 */
export function streamTableJoin<K, V, VT, VR>(
  ctx: DslContext,
  stream: Position<K, V>,
  table: KTable<K, VT>,
  kind: 'inner' | 'left',
  joiner: (value: V, tableValue: VT, key: K) => VR,
  options: Named,
): Position<K, VR> {
  const name = ctx.name('KSTREAM-JOIN', options.name);
  ctx.topology.addProcessor<K, V, K, VR>(
    name,
    () => {
      let context: ProcessorContext<K, VR>;
      let lookup: (key: K) => VT | null;
      return {
        init: (c: ProcessorContext<K, VR>) => {
          context = c;
          lookup = table.getter.create(c as ProcessorContext<unknown, unknown>);
        },
        process: (record) => {
          if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return;
          const tableValue = lookup(record.key);
          if (tableValue === null && kind === 'inner') return;
          context.forward({ ...record, value: joiner(record.value, tableValue as VT, record.key) });
        },
      };
    },
    stream.node,
  );
  ctx.topology.connectProcessorAndStateStores(name, ...table.getter.stores);
  ctx.topology.addCopartitionGroup(...stream.sourceTopics, ...table.position.sourceTopics);
  return {
    node: name,
    keySerde: stream.keySerde ?? table.keySerde,
    sourceTopics: [...stream.sourceTopics, ...table.position.sourceTopics],
  };
}
