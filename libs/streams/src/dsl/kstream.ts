import type { ProcessorSupplier } from '../api/processor';
import type { KeyValue, StreamRecord } from '../api/record';
import type { Serde } from '../api/serde';
import { TopologyError } from '../errors';
import type { Partitioner, StoreSpec } from '../internals/topology/spec';
import { BranchedKStream } from './branched';
import { requireSerde, statelessSupplier, type DslContext, type Forward, type Named, type Position } from './context';
import { KGroupedStream, type GroupedOptions } from './grouped';
import type { KTable } from './ktable';
import { insertRepartition, type RepartitionOptions } from './repartition';
import { streamTableJoin, type StreamJoinOptions } from './stream-table-join';

type StatelessFn<K, V, KR, VR> = (record: StreamRecord<K, V>, forward: Forward<KR, VR>) => void;

export interface ProducedOptions<K, V> extends Named {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly partitioner?: Partitioner;
}

export interface ProcessOptions extends Named {
  /** Stores the processor uses: new ones (`Stores.keyValue(...)`) or names of stores already declared. */
  readonly stores?: readonly (StoreSpec | string)[];
}

/**
 * A stream of independent events. Operators return new streams; nothing runs until the topology
 * is built and started. Key-changing operators (`map`, `flatMap`, `selectKey`, `process`) mark the
 * result: the next grouping or join first repartitions it by the new key.
 */
export class KStream<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    private readonly at: Position<K, V>,
    /** True after a key-changing operator: grouping and joins repartition first. */
    readonly repartitionRequired: boolean,
  ) {}

  /** Name of the node this stream ends at. */
  get nodeName(): string {
    return this.at.node;
  }

  filter(predicate: (key: K, value: V) => boolean, options: Named = {}): KStream<K, V> {
    return this.stateless('KSTREAM-FILTER', options, (r, f) => {
      if (predicate(r.key, r.value)) f(r);
    });
  }

  filterNot(predicate: (key: K, value: V) => boolean, options: Named = {}): KStream<K, V> {
    return this.stateless('KSTREAM-FILTER', options, (r, f) => {
      if (!predicate(r.key, r.value)) f(r);
    });
  }

  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, options: Named = {}): KStream<KR, VR> {
    return this.rekeyed<KR, VR>('KSTREAM-MAP', options, (r, f) => f({ ...r, ...mapper(r.key, r.value) }));
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, options: Named = {}): KStream<K, VR> {
    return this.derive<K, VR>('KSTREAM-MAPVALUES', options, (r, f) => f({ ...r, value: mapper(r.value, r.key) }), {
      keySerde: this.at.keySerde,
    });
  }

  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, options: Named = {}): KStream<KR, VR> {
    return this.rekeyed<KR, VR>('KSTREAM-FLATMAP', options, (r, f) => {
      for (const kv of mapper(r.key, r.value)) f({ ...r, key: kv.key, value: kv.value });
    });
  }

  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, options: Named = {}): KStream<K, VR> {
    return this.derive<K, VR>(
      'KSTREAM-FLATMAPVALUES',
      options,
      (r, f) => {
        for (const value of mapper(r.value, r.key)) f({ ...r, value });
      },
      { keySerde: this.at.keySerde },
    );
  }

  selectKey<KR>(selector: (key: K, value: V) => KR, options: Named & { keySerde?: Serde<KR> } = {}): KStream<KR, V> {
    const next = this.derive<KR, V>('KSTREAM-KEY-SELECT', options, (r, f) => f({ ...r, key: selector(r.key, r.value) }), {
      keySerde: options.keySerde,
      valueSerde: this.at.valueSerde,
    });
    return new KStream(this.ctx, next.at, true);
  }

  peek(action: (key: K, value: V) => void, options: Named = {}): KStream<K, V> {
    return this.stateless('KSTREAM-PEEK', options, (r, f) => {
      action(r.key, r.value);
      f(r);
    });
  }

  foreach(action: (key: K, value: V) => void, options: Named = {}): void {
    this.stateless('KSTREAM-FOREACH', options, (r) => action(r.key, r.value));
  }

  /** Union of two streams; no order is guaranteed between records of the two inputs. */
  merge(other: KStream<K, V>, options: Named = {}): KStream<K, V> {
    const name = this.ctx.name('KSTREAM-MERGE', options.name);
    this.ctx.topology.addProcessor(name, statelessSupplier<K, V, K, V>((r, f) => f(r)), this.at.node, other.at.node);
    const position = {
      node: name,
      keySerde: this.at.keySerde ?? other.at.keySerde,
      valueSerde: this.at.valueSerde ?? other.at.valueSerde,
      sourceTopics: [...this.at.sourceTopics, ...other.at.sourceTopics],
    };
    return new KStream(this.ctx, position, this.repartitionRequired || other.repartitionRequired);
  }

  /** Routes each record to the first branch whose predicate matches: `split().branch(...).defaultBranch()`. */
  split(options: Named = {}): BranchedKStream<K, V> {
    const name = this.ctx.name('KSTREAM-BRANCH', options.name);
    return BranchedKStream.create(this.ctx, this.at, this.repartitionRequired, name);
  }

  /** Writes the stream to a topic; serdes default to the ones known for this stream. */
  to(topic: string, options: ProducedOptions<K, V> = {}): void {
    const name = this.ctx.name('KSTREAM-SINK', options.name);
    const keySerde = requireSerde(options.keySerde ?? this.at.keySerde, `to(${topic}) key`);
    const valueSerde = requireSerde(options.valueSerde ?? this.at.valueSerde, `to(${topic}) value`);
    const partitioner = options.partitioner;
    this.ctx.topology.addSink(name, topic, { keySerde, valueSerde, ...(partitioner ? { partitioner } : {}) }, this.at.node);
  }

  /** Runs a processor-API processor; it may change keys, so the result is marked for repartitioning. */
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, options: ProcessOptions = {}): KStream<KOut, VOut> {
    const name = this.ctx.name('KSTREAM-PROCESSOR', options.name);
    this.ctx.topology.addProcessor(name, supplier, this.at.node);
    for (const store of options.stores ?? []) {
      if (typeof store === 'string') this.ctx.topology.connectProcessorAndStateStores(name, store);
      else if (this.ctx.topology.hasStore(store.name)) {
        throw new TopologyError(`store ${store.name} is already declared; pass its name to share it`);
      } else this.ctx.topology.addStateStore(store, name);
    }
    return new KStream<KOut, VOut>(this.ctx, { node: name, sourceTopics: this.at.sourceTopics }, true);
  }

  /** Repartitions by the current key now (also clears the repartition mark). */
  repartition(options: RepartitionOptions<K, V> = {}): KStream<K, V> {
    const base = this.ctx.name('KSTREAM-REPARTITION', options.name);
    return new KStream(this.ctx, insertRepartition(this.ctx, this.at, base, options), false);
  }

  groupByKey(options: GroupedOptions<K, V> = {}): KGroupedStream<K, V> {
    return new KGroupedStream(this.ctx, this.at, this.repartitionRequired, options);
  }

  /** `selectKey(selector)` then `groupByKey()`: always repartitions before aggregating. */
  groupBy<KR>(selector: (key: K, value: V) => KR, options: GroupedOptions<KR, V> = {}): KGroupedStream<KR, V> {
    const selected = this.selectKey(selector, options.keySerde ? { keySerde: options.keySerde } : {});
    return selected.groupByKey(options);
  }

  /** Inner join with the table's current value for the record's key; records without a match are dropped. */
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR, options: StreamJoinOptions<K, V> = {}): KStream<K, VR> {
    const at = streamTableJoin(this.ctx, this.prepareJoin(table, options), table, 'inner', joiner, options);
    return new KStream<K, VR>(this.ctx, at, false);
  }

  /** Like `join`, but a record without a match is joined with null. */
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    options: StreamJoinOptions<K, V> = {},
  ): KStream<K, VR> {
    const at = streamTableJoin(this.ctx, this.prepareJoin(table, options), table, 'left', joiner, options);
    return new KStream<K, VR>(this.ctx, at, false);
  }

  private prepareJoin<VT>(table: KTable<K, VT>, options: StreamJoinOptions<K, V>): Position<K, V> {
    if (!this.repartitionRequired) return this.at;
    const base = `${this.ctx.name('KSTREAM-JOIN', options.name)}-left`;
    return insertRepartition(this.ctx, this.at, base, {
      keySerde: options.keySerde ?? this.at.keySerde ?? table.keySerde,
      valueSerde: options.valueSerde,
    });
  }

  private stateless(prefix: string, options: Named, fn: StatelessFn<K, V, K, V>): KStream<K, V> {
    return this.derive<K, V>(prefix, options, fn, { keySerde: this.at.keySerde, valueSerde: this.at.valueSerde });
  }

  private rekeyed<KR, VR>(prefix: string, options: Named, fn: StatelessFn<K, V, KR, VR>): KStream<KR, VR> {
    const next = this.derive<KR, VR>(prefix, options, fn, {});
    return new KStream(this.ctx, next.at, true);
  }

  private derive<KR, VR>(
    prefix: string,
    options: Named,
    fn: StatelessFn<K, V, KR, VR>,
    serdes: { keySerde?: Serde<KR>; valueSerde?: Serde<VR> },
  ): KStream<KR, VR> {
    const name = this.ctx.name(prefix, options.name);
    this.ctx.topology.addProcessor(name, statelessSupplier(fn), this.at.node);
    const position: Position<KR, VR> = { node: name, ...serdes, sourceTopics: this.at.sourceTopics };
    return new KStream(this.ctx, position, this.repartitionRequired);
  }
}
