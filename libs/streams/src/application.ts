import type { ReadOnlyKeyValueStore } from './api/store';
import type { StreamsEventName, StreamsEvents, RestoreProgress } from './internals/runtime/events';
import type { StateListener, StreamsState } from './internals/runtime/lifecycle';
import { localStoreView } from './internals/runtime/local-store';
import { metadataFrom, type StreamsMetadata } from './internals/runtime/metadata';
import type { StreamsApplicationOptions } from './internals/runtime/options';
import { StreamsRuntime } from './internals/runtime/streams-runtime';
import type { TopologySpec } from './internals/topology/spec';

/**
 * Runs a compiled topology against Kafka: creates the internal topics, joins the consumer group
 * `<id>-v<version>`, restores local SQLite state from the changelogs where it is behind, processes
 * with at-least-once guarantees (outputs and changelogs acked → state + offsets committed in one
 * SQLite transaction → input offsets committed), and leaves the group on `close()`.
 *
 * A processing error stops the application in state ERROR with the cause (`cause`).
 */
export class StreamsApplication {
  private readonly runtime: StreamsRuntime;

  constructor(
    topology: TopologySpec,
    private readonly options: StreamsApplicationOptions,
  ) {
    this.runtime = new StreamsRuntime(topology, options);
  }

  /** Prepares topics (failing fast on co-partitioning errors) and joins the group. */
  async start(): Promise<void> {
    try {
      await this.runtime.start();
    } catch (error) {
      this.runtime.lifecycle.transition('ERROR', error);
      await this.runtime.close().catch(() => undefined);
      throw error;
    }
  }

  /** Flushes, commits, closes the tasks and leaves the group. Idempotent. */
  close(): Promise<void> {
    return this.runtime.close();
  }

  get state(): StreamsState {
    return this.runtime.lifecycle.state;
  }

  /** The error that moved the application to ERROR. */
  get cause(): unknown {
    return this.runtime.lifecycle.cause;
  }

  onStateChange(listener: StateListener): () => void {
    return this.runtime.lifecycle.onChange(listener);
  }

  /** Subscribes to a runtime event (`restore.start`, `restore.batch`, `commit.done`, ...). */
  on<E extends StreamsEventName>(event: E, listener: (payload: StreamsEvents[E]) => void): () => void {
    return this.runtime.events.on(event, listener);
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

  /** This instance's entry in the group metadata (endpoint, tasks, partitions). */
  metadata(): StreamsMetadata | undefined {
    const all = this.allMetadata();
    const mine = new Set(this.localTasks());
    return all.find((m) => m.endpoint !== undefined && m.endpoint === this.options.applicationServer) ??
      all.find((m) => m.tasks.length === mine.size && m.tasks.every((t) => mine.has(t)));
  }

  /** Every member of the group: endpoint → tasks and partitions, as the leader assigned them. */
  allMetadata(): StreamsMetadata[] {
    return metadataFrom(this.runtime.assignmentInfo);
  }

  /** Ids of the tasks running here. */
  localTasks(): string[] {
    return this.runtime.taskManager?.ids() ?? [];
  }

  /** Read-only view of a store over the tasks running here. */
  localStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return localStoreView<K, V>(() => this.runtime.taskManager, name);
  }
}
