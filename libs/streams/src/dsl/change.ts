import type { ProcessorContext } from '../api/processor';

/**
 * What table nodes send each other: the new value of a key and the value it replaces (null for
 * absent). Internal to the DSL: `KTable.toStream()` turns it back into plain values.
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

/**
 * How a table's current value of a key is read by a downstream processor (a join): the stores it
 * needs connected, and a lookup built from that processor's context.
 */
export interface ValueGetter<K, V> {
  readonly stores: readonly string[];
  create(context: ProcessorContext<unknown, unknown>): (key: K) => V | null;
}

export function storeGetter<K, V>(store: string): ValueGetter<K, V> {
  return {
    stores: [store],
    create: (context) => {
      const kv = context.getStateStore<K, V>(store);
      return (key) => kv.get(key) ?? null;
    },
  };
}
