import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { ReadOnlyKeyValueStore } from '../../api/store';
import type { TaskManager } from './task-manager';

/**
 * A read-only view over one store across all tasks this instance runs (each task holds the keys of
 * its partition). Reads see writes not yet committed. Part of the groundwork for interactive
 * queries; iterating spans the tasks one after another (not globally ordered).
 */
export function localStoreView<K, V>(tasks: () => TaskManager | undefined, name: string): ReadOnlyKeyValueStore<K, V> {
  const stores = () =>
    (tasks()?.all ?? []).map((t) => t.executor.store(name)).filter((s): s is NonNullable<typeof s> => s !== undefined);
  function* concat(pick: (s: ReturnType<typeof stores>[number]) => IterableIterator<KeyValue<unknown, unknown>>) {
    for (const store of stores()) yield* pick(store) as IterableIterator<KeyValue<K, V>>;
  }
  return {
    get: (key) => {
      for (const store of stores()) {
        const value = store.get(key);
        if (value !== undefined) return value as V;
      }
      return undefined;
    },
    range: (from, to) => concat((s) => s.range(from, to)),
    prefixScan: <P>(prefix: P, serde: SyncSerde<P>) => concat((s) => s.prefixScan(prefix, serde)),
    all: () => concat((s) => s.all()),
    approximateNumEntries: () => stores().reduce((n, s) => n + s.approximateNumEntries(), 0),
  };
}
