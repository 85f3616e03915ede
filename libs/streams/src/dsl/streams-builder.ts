import type { ProcessorContext } from '../api/processor';
import type { Serde, SyncSerde } from '../api/serde';
import type { TopologySpec } from '../internals/topology/spec';
import { Stores } from '../internals/topology/stores';
import { Topology } from '../internals/topology/topology';
import type { Change } from './change';
import { DslContext, type Named } from './context';
import { KStream } from './kstream';
import { KTable } from './ktable';

export interface ConsumedOptions<K, V> extends Named {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
}

export interface TableOptions<K, V> extends Named {
  /** Serdes of the topic, also used by the store (so they must be synchronous). */
  readonly keySerde: SyncSerde<K>;
  readonly valueSerde: SyncSerde<V>;
  /** Store name (default: `name`, else generated). */
  readonly storeName?: string;
}

/**
 * Entry point of the DSL: declare input streams and tables, chain operators, `build()` a
 * `TopologySpec`. One builder per topology; a builder can be built more than once.
 */
export class StreamsBuilder {
  private readonly ctx = new DslContext(new Topology());

  /** A stream of the records of `topic`. */
  stream<K, V>(topic: string, options: ConsumedOptions<K, V>): KStream<K, V> {
    const name = this.ctx.name('KSTREAM-SOURCE', options.name);
    this.ctx.topology.addSource(name, topic, options);
    const position = { node: name, keySerde: options.keySerde, valueSerde: options.valueSerde, sourceTopics: [{ kind: 'external', name: topic } as const] };
    return new KStream<K, V>(this.ctx, position, false);
  }

  /**
   * A table materialized from a (compacted) topic: its store is restored from the topic itself, so
   * no changelog topic is created. Null keys are skipped; a null value deletes the key.
   */
  table<K, V>(topic: string, options: TableOptions<K, V>): KTable<K, V> {
    const source = this.ctx.name('KSTREAM-SOURCE', options.name === undefined ? undefined : `${options.name}-source`);
    const name = this.ctx.name('KTABLE-SOURCE', options.name);
    const storeName = options.storeName ?? (options.name ? name : this.ctx.name('KTABLE-SOURCE-STATE-STORE'));
    this.ctx.topology
      .addSource(source, topic, options)
      .addProcessor(
        name,
        () => {
          let context: ProcessorContext<K, Change<V>>;
          return {
            init: (c: ProcessorContext<K, Change<V>>) => {
              context = c;
            },
            process: (record: { key: K; value: V | null; timestamp: number; headers: Readonly<Record<string, Buffer>> }) => {
              if (record.key === null || record.key === undefined) return;
              const store = context.getStateStore<K, V>(storeName);
              const oldValue = store.get(record.key) ?? null;
              const newValue = record.value ?? null;
              if (newValue === null) store.delete(record.key);
              else store.put(record.key, newValue);
              if (newValue !== null || oldValue !== null) context.forward({ ...record, value: { newValue, oldValue } });
            },
          };
        },
        source,
      )
      .addStateStore(
        Stores.keyValue(storeName, options.keySerde, options.valueSerde, { changelog: { kind: 'source', topic: { kind: 'external', name: topic } } }),
        name,
      );
    const position = { node: name, keySerde: options.keySerde, valueSerde: options.valueSerde, sourceTopics: [{ kind: 'external', name: topic } as const] };
    return KTable.materialized<K, V>(this.ctx, position, storeName);
  }

  /** Validates and compiles everything declared so far. */
  build(): TopologySpec {
    return this.ctx.topology.build();
  }
}
