import type { ProcessorContext } from '../api/processor';
import type { Serde, SyncSerde } from '../api/serde';
import { Stores } from '../internals/topology/stores';
import { Serdes } from '../serdes/serdes';
import type { Change } from './change';
import { requireSerde, type DslContext, type Position } from './context';
import { KTable } from './ktable';
import { insertRepartition } from './repartition';

export interface GroupedOptions<K, V> {
  /** Base name of the repartition topic, if one is needed (default: the store name). */
  readonly name?: string;
  /** Serdes of the repartition topic (default: the ones known for the stream). */
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
}

export interface AggregateOptions<K, VA> {
  /** Name of the aggregating processor, and of its store unless `storeName` is given. */
  readonly name?: string;
  /** Store name: the changelog is `<app>-v<version>-<storeName>-changelog`. */
  readonly storeName?: string;
  /** Store key serde; default: the grouping key serde (must then be synchronous). */
  readonly keySerde?: SyncSerde<K>;
  readonly valueSerde: SyncSerde<VA>;
}

export type CountOptions<K> = Omit<AggregateOptions<K, number>, 'valueSerde'>;
export type ReduceOptions<K, V> = Omit<AggregateOptions<K, V>, 'valueSerde'> & { readonly valueSerde?: SyncSerde<V> };

/**
 * A stream grouped by key, ready to aggregate. Aggregations skip records with a null key or value,
 * keep one value per key in a store (logged to a changelog) and emit every update as a `KTable`.
 */
export class KGroupedStream<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    private readonly at: Position<K, V>,
    private readonly repartitionRequired: boolean,
    private readonly grouped: GroupedOptions<K, V>,
  ) {}

  count(options: CountOptions<K> = {}): KTable<K, number> {
    return this.aggregateWith<number>((_key, _value, count) => (count ?? 0) + 1, { ...options, valueSerde: Serdes.int64() }, 'KSTREAM-COUNT');
  }

  reduce(reducer: (aggregate: V, value: V, key: K) => V, options: ReduceOptions<K, V> = {}): KTable<K, V> {
    const valueSerde = (options.valueSerde ?? requireSerde(this.grouped.valueSerde ?? this.at.valueSerde, 'reduce value')) as SyncSerde<V>;
    return this.aggregateWith<V>(
      (key, value, previous) => (previous === null ? value : reducer(previous, value, key)),
      { ...options, valueSerde },
      'KSTREAM-REDUCE',
    );
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    options: AggregateOptions<K, VA>,
  ): KTable<K, VA> {
    const step = (key: K, value: V, previous: VA | null) => aggregator(key, value, previous ?? initializer());
    return this.aggregateWith<VA>(step, options, 'KSTREAM-AGGREGATE');
  }

  private aggregateWith<VA>(
    step: (key: K, value: V, previous: VA | null) => VA,
    options: AggregateOptions<K, VA>,
    prefix: string,
  ): KTable<K, VA> {
    const name = this.ctx.name(prefix, options.name);
    const storeName = options.storeName ?? (options.name ? name : this.ctx.name(`${prefix}-STATE-STORE`));
    let from = this.at;
    if (this.repartitionRequired) {
      from = insertRepartition(this.ctx, this.at, this.grouped.name ?? storeName, {
        keySerde: this.grouped.keySerde,
        valueSerde: this.grouped.valueSerde,
      });
    }
    const keySerde = (options.keySerde ?? requireSerde(this.grouped.keySerde ?? from.keySerde, `${name} store key`)) as SyncSerde<K>;
    this.ctx.topology
      .addProcessor<K, V, K, Change<VA>>(
        name,
        () => {
          let ctx: ProcessorContext<K, Change<VA>>;
          return {
            init: (c: ProcessorContext<K, Change<VA>>) => {
              ctx = c;
            },
            process: (record) => {
              if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return;
              const store = ctx.getStateStore<K, VA>(storeName);
              const oldValue = store.get(record.key) ?? null;
              const newValue = step(record.key, record.value, oldValue);
              store.put(record.key, newValue);
              ctx.forward({ ...record, value: { newValue, oldValue } });
            },
          };
        },
        from.node,
      )
      .addStateStore(Stores.keyValue(storeName, keySerde, options.valueSerde), name);
    return KTable.materialized<K, VA>(this.ctx, {
      node: name,
      keySerde,
      valueSerde: options.valueSerde,
      sourceTopics: from.sourceTopics,
    }, storeName);
  }
}
