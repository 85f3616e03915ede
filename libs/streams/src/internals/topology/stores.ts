import type { SyncSerde } from '../../api/serde';
import type { ChangelogSpec, StoreSpec } from './spec';

export interface KeyValueStoreOptions {
  /** Default `{ kind: 'internal' }`: writes are logged to `<app>-v<version>-<name>-changelog`. */
  readonly changelog?: ChangelogSpec;
}

/** Store declarations for `Topology.addStateStore` and `KStream.process`. */
export const Stores = {
  keyValue<K, V>(
    name: string,
    keySerde: SyncSerde<K>,
    valueSerde: SyncSerde<V>,
    options: KeyValueStoreOptions = {},
  ): StoreSpec {
    return {
      name,
      keySerde: keySerde as SyncSerde<unknown>,
      valueSerde: valueSerde as SyncSerde<unknown>,
      changelog: options.changelog ?? { kind: 'internal' },
    };
  },
};
