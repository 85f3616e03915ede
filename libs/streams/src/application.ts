import type { ReadOnlyKeyValueStore } from './api/store';
import type { StreamsEventName, StreamsEvents, RestoreProgress } from './internals/runtime/events';
import type { StateListener, StreamsState } from './internals/runtime/lifecycle';
import type { StreamsMetadata } from './internals/runtime/metadata';
import { resolveOptions, type StreamsApplicationOptions } from './internals/runtime/options';
import type { ListQueryOptions } from './internals/query/interactive-queries';
import type { KeyMetadata, KeyQueryOptions, KeyQueryResult, ListQueryResult } from './internals/query/query-result';
import type { TopologySpec } from './internals/topology/spec';
import type { IsolatedTask } from './internals/runtime/task-isolation';
import type { ApplicationCore } from './internals/runtime/application-core';
import { LocalApplication } from './internals/runtime/local-application';
import { ThreadedApplication } from './internals/threads/threaded-application';

/**
 * Runs a compiled topology against Kafka: creates the internal topics, joins the consumer group
 * `<id>-v<version>`, restores local SQLite state from the changelogs where it is behind, processes
 * at least once by default (outputs and changelogs acked → state + offsets committed in one
 * SQLite transaction → input offsets committed), or exactly once with `processingGuarantee:
 * 'exactly-once'` (one Kafka transaction per task, SQLite applied after it commits), and leaves the
 * group on `close()`.
 *
 * With `numStreamThreads` > 1 the tasks run on that many worker threads of this process, each a
 * member of the group with its own clients and SQLite handles (see `threadTopology`); the methods
 * below answer for the whole process either way.
 *
 * A record no exception handler takes stops the application in state ERROR with the cause
 * (`cause`), or, with `taskFailureHandling: 'isolate'`, isolates only the task it belongs to.
 */
export class StreamsApplication {
  private readonly core: ApplicationCore;

  constructor(topology: TopologySpec, options: StreamsApplicationOptions) {
    const threads = resolveOptions(options).numStreamThreads;
    this.core = threads > 1 ? new ThreadedApplication(topology, options, threads) : new LocalApplication(topology, options);
  }

  /** Prepares topics (failing fast on co-partitioning errors) and joins the group. */
  start(): Promise<void> {
    return this.core.start();
  }

  /** Flushes, commits, closes the tasks and leaves the group. Idempotent. */
  close(): Promise<void> {
    return this.core.close();
  }

  get state(): StreamsState {
    return this.core.state;
  }

  /** The error that moved the application to ERROR. */
  get cause(): unknown {
    return this.core.cause;
  }

  onStateChange(listener: StateListener): () => void {
    return this.core.onStateChange(listener);
  }

  /** Subscribes to a runtime event (`restore.start`, `restore.batch`, `commit.done`, ...). */
  on<E extends StreamsEventName>(event: E, listener: (payload: StreamsEvents[E]) => void): () => void {
    return this.core.on(event, listener);
  }

  /** Restoration progress: start, every applied batch, end. */
  onRestore(listener: (phase: 'start' | 'batch' | 'end', progress: RestoreProgress) => void): () => void {
    const offs = [
      this.on('restore.start', (p) => listener('start', p)),
      this.on('restore.batch', (p) => listener('batch', p)),
      this.on('restore.end', (p) => listener('end', p)),
    ];
    return () => offs.forEach((off) => off());
  }

  /** This instance's entry in the group metadata (endpoint, tasks, partitions); with stream threads, theirs merged. */
  metadata(): StreamsMetadata | undefined {
    return this.core.metadata();
  }

  /** Every member of the group: endpoint → tasks and partitions, as the leader assigned them. */
  allMetadata(): StreamsMetadata[] {
    return this.core.allMetadata();
  }

  /**
   * Tasks of this instance isolated after repeated failures on one record (with
   * `taskFailureHandling: 'isolate'`): their input is paused at that record while every other task
   * keeps running; queries of their keys answer `TASK_ISOLATED`. Empty when all is well.
   */
  isolatedTasks(): IsolatedTask[] {
    return this.core.isolatedTasks();
  }

  /** Ids of the tasks running here. */
  localTasks(): string[] {
    return this.core.localTasks();
  }

  /** Read-only view of a store over the tasks running here, scanned in key-byte order; throws for an unknown store. */
  localStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return this.core.localStore<K, V>(name);
  }

  /**
   * Where `key` of `store` lives: partition (the producer's default partitioner over the key bytes
   * from `keySerde`, default the store's key serde), task, owner endpoint and whether it is here.
   * Undefined before the application has started.
   */
  metadataForKey<K>(store: string, key: K, keySerde?: KeyQueryOptions<K>['keySerde']): KeyMetadata | undefined {
    return this.core.metadataForKey(store, key, keySerde);
  }

  /**
   * Reads one key from the local store, or says why not (`NOT_OWNER` with the owner's endpoint,
   * `REBALANCING`, `RESTORING`, `NOT_FOUND`, `NOT_UP_TO_POSITION`, `NOT_RUNNING`). With `position`
   * it answers once the store has committed that input offset (bounded by `timeoutMs`).
   */
  query<V, K = unknown>(store: string, key: K, options?: KeyQueryOptions<K>): Promise<KeyQueryResult<V>> {
    return this.core.query<V, K>(store, key, options);
  }

  /** Every entry of `store` over the tasks running here (combine instances with `gatherFromAllOwners`). */
  queryAll<K, V>(store: string, options?: ListQueryOptions): ListQueryResult<K, V> {
    return this.core.queryAll<K, V>(store, options);
  }

  /** Entries of `store` with `from` ≤ key ≤ `to` (serialized order) over the tasks running here. */
  queryRange<K, V>(store: string, from: K | undefined, to: K | undefined, options?: ListQueryOptions): ListQueryResult<K, V> {
    return this.core.queryRange<K, V>(store, from, to, options);
  }
}
