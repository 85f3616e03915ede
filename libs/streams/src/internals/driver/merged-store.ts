import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { ReadOnlyKeyValueStore } from '../../api/store';
import type { TaskStore } from '../task/contract';
import type { StoreSpec } from '../topology/spec';

/**
 * A read-only view over every task's instance of one store, as if it were one store: `get`
 * asks each instance, scans merge the instances in key-byte order.
 */
export function mergedStore<K, V>(spec: StoreSpec, instances: () => TaskStore[]): ReadOnlyKeyValueStore<K, V> {
  const keyBytes = (key: unknown) => spec.keySerde.serialize(spec.name, key);
  function* merge(pick: (s: TaskStore) => IterableIterator<KeyValue<unknown, unknown>>): IterableIterator<KeyValue<K, V>> {
    const entries = instances().flatMap((s) => [...pick(s)]);
    const keyed = entries.map((e) => ({ bytes: keyBytes(e.key), entry: e }));
    keyed.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    for (const { entry } of keyed) yield entry as KeyValue<K, V>;
  }
  return {
    get: (key) => {
      for (const store of instances()) {
        const value = store.get(key);
        if (value !== undefined) return value as V;
      }
      return undefined;
    },
    range: (from, to) => merge((s) => s.range(from, to)),
    prefixScan: <P>(prefix: P, serde: SyncSerde<P>) => merge((s) => s.prefixScan(prefix, serde)),
    all: () => merge((s) => s.all()),
    approximateNumEntries: () => instances().reduce((n, s) => n + s.approximateNumEntries(), 0),
  };
}
