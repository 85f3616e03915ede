import type { ProcessorContext } from '../api/processor';
import type { Serde } from '../api/serde';
import type { Change, ValueGetter } from './change';
import { statelessSupplier, type DslContext, type Named } from './context';
import { KTable } from './ktable';

export interface TableJoinOptions<VR> extends Named {
  /** Serde of the joined value, for a later `to()` without serdes. */
  readonly valueSerde?: Serde<VR>;
}

type Joiner<K, V, VO, VR> = (value: V | null, otherValue: VO | null, key: K) => VR;

/** The joined value for the two sides' values, or null when the join kind has no row for them. */
function combine<K, V, VO, VR>(kind: 'inner' | 'left' | 'outer', joiner: Joiner<K, V, VO, VR>) {
  return (key: K, left: V | null, right: VO | null): VR | null => {
    const present = kind === 'inner' ? left !== null && right !== null : kind === 'left' ? left !== null : left !== null || right !== null;
    return present ? joiner(left, right, key) : null;
  };
}

/**
 * Table–table join: one node per side (`<name>-left`, `<name>-right`) receives that side's
 * changes, looks the key up in the other side, and emits the joined change; `<name>` merges both.
 * Both inputs must be co-partitioned (registered as a group).
 */
export function tableTableJoin<K, V, VO, VR>(
  ctx: DslContext,
  left: KTable<K, V>,
  right: KTable<K, VO>,
  kind: 'inner' | 'left' | 'outer',
  joiner: Joiner<K, V, VO, VR>,
  options: TableJoinOptions<VR>,
): KTable<K, VR> {
  const name = ctx.name('KTABLE-JOIN', options.name);
  const join = combine(kind, joiner);
  const side = <VS, VT>(node: string, parent: string, other: ValueGetter<K, VT>, joined: (key: K, mine: VS | null, theirs: VT | null) => VR | null) => {
    ctx.topology.addProcessor(
      node,
      () => {
        let context: ProcessorContext<K, Change<VR>>;
        let lookup: (key: K) => VT | null;
        return {
          init: (c: ProcessorContext<K, Change<VR>>) => {
            context = c;
            lookup = other.create(c as ProcessorContext<unknown, unknown>);
          },
          process: (record: { key: K; value: Change<VS>; timestamp: number; headers: Readonly<Record<string, Buffer>> }) => {
            if (record.key === null || record.key === undefined) return;
            const theirs = lookup(record.key);
            const newValue = joined(record.key, record.value.newValue, theirs);
            const oldValue = joined(record.key, record.value.oldValue, theirs);
            if (newValue !== null || oldValue !== null) context.forward({ ...record, value: { newValue, oldValue } });
          },
        };
      },
      parent,
    );
    ctx.topology.connectProcessorAndStateStores(node, ...other.stores);
  };
  side<V, VO>(`${name}-left`, left.position.node, right.getter, (k, l, r) => join(k, l, r));
  side<VO, V>(`${name}-right`, right.position.node, left.getter, (k, r, l) => join(k, l, r));
  ctx.topology.addProcessor(name, statelessSupplier<K, Change<VR>, K, Change<VR>>((r, f) => f(r)), `${name}-left`, `${name}-right`);
  ctx.topology.addCopartitionGroup(...left.position.sourceTopics, ...right.position.sourceTopics);

  const getter: ValueGetter<K, VR> = {
    stores: [...new Set([...left.getter.stores, ...right.getter.stores])],
    create: (context) => {
      const l = left.getter.create(context);
      const r = right.getter.create(context);
      return (key) => join(key, l(key), r(key));
    },
  };
  const position = {
    node: name,
    keySerde: left.keySerde ?? right.keySerde,
    valueSerde: options.valueSerde,
    sourceTopics: [...left.position.sourceTopics, ...right.position.sourceTopics],
  };
  return new KTable<K, VR>(ctx, position, getter);
}
