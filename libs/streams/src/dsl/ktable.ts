import type { ProcessorContext } from '../api/processor';
import type { Serde } from '../api/serde';
import { storeGetter, type Change, type ValueGetter } from './change';
import { statelessSupplier, type DslContext, type Named, type Position } from './context';
import { KStream } from './kstream';
import { tableTableJoin, type TableJoinOptions } from './table-table-join';

/**
 * A changelog stream read as a table: the latest value per key, where a null value deletes the
 * key. Every table can be looked up by key (joins read it through its store), and every update
 * flows downstream as a change. Derived tables (`filter`, `mapValues`, joins) are not stored
 * themselves: lookups recompute them from the stores they derive from, so their functions must be
 * pure.
 */
export class KTable<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    /** @internal node emitting `Change<V>` records; serdes describe K and V. */
    readonly position: Position<K, V>,
    /** @internal */
    readonly getter: ValueGetter<K, V>,
    /** The store holding this table, when it has one of its own (source and aggregated tables). */
    readonly queryableStoreName?: string,
  ) {}

  /** @internal */
  static materialized<K, V>(ctx: DslContext, position: Position<K, V>, store: string): KTable<K, V> {
    return new KTable(ctx, position, storeGetter<K, V>(store), store);
  }

  get keySerde(): Serde<K> | undefined {
    return this.position.keySerde;
  }

  get valueSerde(): Serde<V> | undefined {
    return this.position.valueSerde;
  }

  /** The stream of updates; a deleted key appears as a record with a null value (tombstone). */
  toStream(options: Named = {}): KStream<K, V | null> {
    const name = this.ctx.name('KTABLE-TOSTREAM', options.name);
    this.ctx.topology.addProcessor(
      name,
      statelessSupplier<K, Change<V>, K, V | null>((r, f) => f({ ...r, value: r.value.newValue })),
      this.position.node,
    );
    return new KStream<K, V | null>(this.ctx, { ...this.position, node: name }, false);
  }

  /** Keeps the keys whose value matches; a value that stops matching deletes its key downstream. */
  filter(predicate: (key: K, value: V) => boolean, options: Named = {}): KTable<K, V> {
    const keep = (key: K, value: V | null): V | null => (value !== null && predicate(key, value) ? value : null);
    return this.derive<V>('KTABLE-FILTER', options, keep, this.position.valueSerde);
  }

  filterNot(predicate: (key: K, value: V) => boolean, options: Named = {}): KTable<K, V> {
    return this.filter((key, value) => !predicate(key, value), options);
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, options: Named & { valueSerde?: Serde<VR> } = {}): KTable<K, VR> {
    const map = (key: K, value: V | null): VR | null => (value === null ? null : mapper(value, key));
    return this.derive<VR>('KTABLE-MAPVALUES', options, map, options.valueSerde);
  }

  /** Inner join: a key has a value while both tables have one; an update on either side emits. */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO, key: K) => VR, options: TableJoinOptions<VR> = {}): KTable<K, VR> {
    return tableTableJoin(this.ctx, this, other, 'inner', joiner as (v: V | null, o: VO | null, k: K) => VR, options);
  }

  /** Left join: a key has a value while this table has one. */
  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO | null, key: K) => VR,
    options: TableJoinOptions<VR> = {},
  ): KTable<K, VR> {
    return tableTableJoin(this.ctx, this, other, 'left', joiner as (v: V | null, o: VO | null, k: K) => VR, options);
  }

  /** Outer join: a key has a value while either table has one. */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    options: TableJoinOptions<VR> = {},
  ): KTable<K, VR> {
    return tableTableJoin(this.ctx, this, other, 'outer', joiner, options);
  }

  private derive<VR>(prefix: string, options: Named, fn: (key: K, value: V | null) => VR | null, valueSerde?: Serde<VR>): KTable<K, VR> {
    const name = this.ctx.name(prefix, options.name);
    this.ctx.topology.addProcessor(
      name,
      statelessSupplier<K, Change<V>, K, Change<VR>>((r, f) => {
        const newValue = fn(r.key, r.value.newValue);
        const oldValue = fn(r.key, r.value.oldValue);
        if (newValue !== null || oldValue !== null) f({ ...r, value: { newValue, oldValue } });
      }),
      this.position.node,
    );
    const parent = this.getter;
    const getter: ValueGetter<K, VR> = {
      stores: parent.stores,
      create: (context: ProcessorContext<unknown, unknown>) => {
        const get = parent.create(context);
        return (key) => fn(key, get(key));
      },
    };
    const position: Position<K, VR> = { node: name, keySerde: this.position.keySerde, valueSerde, sourceTopics: this.position.sourceTopics };
    return new KTable<K, VR>(this.ctx, position, getter);
  }
}
