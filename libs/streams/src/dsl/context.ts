import type { ProcessorContext, ProcessorSupplier } from '../api/processor';
import type { StreamRecord } from '../api/record';
import type { Serde } from '../api/serde';
import { TopologyError } from '../errors';
import type { TopicRef } from '../internals/topology/spec';
import type { Topology } from '../internals/topology/topology';

/** What every DSL object shares: the processor-API topology being built and the name counter. */
export class DslContext {
  private counter = 0;

  constructor(readonly topology: Topology) {}

  /**
   * `name` if given, else `<PREFIX>-<counter>` (e.g. `KSTREAM-MAP-0000000003`). Generated names
   * depend on the order operators are declared, so adding an operator upstream renames everything
   * after it; explicit names keep stores, repartition topics and their data across such changes.
   */
  name(prefix: string, name?: string): string {
    if (name !== undefined) {
      if (name.length === 0) throw new TopologyError('operator names must not be empty');
      return name;
    }
    return `${prefix}-${String(this.counter++).padStart(10, '0')}`;
  }
}

/** Where a stream or table currently ends in the graph. */
export interface Position<K, V> {
  readonly node: string;
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Topics read by the subtopology this position belongs to (for co-partitioning). */
  readonly sourceTopics: readonly TopicRef[];
}

export interface Named {
  /** Name of the processor node (and of derived resources); see `DslContext.name`. */
  readonly name?: string;
}

export type Forward<K, V> = (record: StreamRecord<K, V>) => void;

/** A stateless processor from a function of (record, forward). */
export function statelessSupplier<KIn, VIn, KOut, VOut>(
  fn: (record: StreamRecord<KIn, VIn>, forward: Forward<KOut, VOut>) => void,
): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return () => {
    let ctx: ProcessorContext<KOut, VOut>;
    const forward: Forward<KOut, VOut> = (r) => ctx.forward(r);
    return {
      init: (c) => {
        ctx = c;
      },
      process: (record) => fn(record, forward),
    };
  };
}

export function requireSerde<T>(serde: Serde<T> | undefined, what: string): Serde<T> {
  if (!serde) throw new TopologyError(`${what}: no serde known here; pass one in the options`);
  return serde;
}
