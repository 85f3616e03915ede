import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { KeyValueStore, ReadOnlyKeyValueStore } from '../../api/store';
import type { StoreSpec } from '../topology/spec';

type Instance = KeyValueStore<unknown, unknown>;

/**
 * A read-only view over several task instances of one store (each holds the keys of its partition),
 * as if it were one store: `get` asks each instance; scans merge the instances lazily in key-byte
 * order (each instance iterates in that order already). Used by the test driver (all tasks) and by
 * the application (the tasks running here). Closing a scan early closes every instance's iterator.
 */
export function tasksStoreView<K, V>(spec: StoreSpec, instances: () => readonly Instance[]): ReadOnlyKeyValueStore<K, V> {
  const keyBytes = (key: unknown) => spec.keySerde.serialize(spec.name, key);
  function* merge(pick: (s: Instance) => IterableIterator<KeyValue<unknown, unknown>>): IterableIterator<KeyValue<K, V>> {
    const heads = instances().map((s) => ({ it: pick(s), next: undefined as IteratorResult<KeyValue<unknown, unknown>> | undefined, bytes: Buffer.alloc(0) as Buffer }));
    const advance = (h: (typeof heads)[number]) => {
      h.next = h.it.next();
      if (!h.next.done) h.bytes = keyBytes(h.next.value.key);
    };
    try {
      heads.forEach(advance);
      for (;;) {
        let min: (typeof heads)[number] | undefined;
        for (const h of heads) {
          if (!h.next!.done && (!min || Buffer.compare(h.bytes, min.bytes) < 0)) min = h;
        }
        if (!min) return;
        yield min.next!.value as KeyValue<K, V>;
        advance(min);
      }
    } finally {
      for (const h of heads) h.it.return?.();
    }
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
