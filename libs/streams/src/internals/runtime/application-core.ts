import type { ReadOnlyKeyValueStore } from '../../api/store';
import type { StreamsEventName, StreamsEvents } from './events';
import type { StateListener, StreamsState } from './lifecycle';
import type { StreamsMetadata } from './metadata';
import type { IsolatedTask } from './task-isolation';
import type { ListQueryOptions } from '../query/interactive-queries';
import type { KeyMetadata, KeyQueryOptions, KeyQueryResult, ListQueryResult } from '../query/query-result';

/**
 * What `StreamsApplication` runs on: the tasks on this thread (`LocalApplication`), or on stream
 * threads of this process (`ThreadedApplication`, `numStreamThreads` > 1). Same answers either way.
 */
export interface ApplicationCore {
  start(): Promise<void>;
  close(): Promise<void>;
  readonly state: StreamsState;
  readonly cause: unknown;
  onStateChange(listener: StateListener): () => void;
  on<E extends StreamsEventName>(event: E, listener: (payload: StreamsEvents[E]) => void): () => void;
  metadata(): StreamsMetadata | undefined;
  allMetadata(): StreamsMetadata[];
  isolatedTasks(): IsolatedTask[];
  localTasks(): string[];
  localStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V>;
  metadataForKey<K>(store: string, key: K, keySerde?: KeyQueryOptions<K>['keySerde']): KeyMetadata | undefined;
  query<V, K = unknown>(store: string, key: K, options?: KeyQueryOptions<K>): Promise<KeyQueryResult<V>>;
  queryAll<K, V>(store: string, options?: ListQueryOptions): ListQueryResult<K, V>;
  queryRange<K, V>(store: string, from: K | undefined, to: K | undefined, options?: ListQueryOptions): ListQueryResult<K, V>;
}
