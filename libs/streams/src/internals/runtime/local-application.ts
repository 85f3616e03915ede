import type { ReadOnlyKeyValueStore } from '../../api/store';
import type { StreamsEventName, StreamsEvents } from './events';
import type { StateListener, StreamsState } from './lifecycle';
import { StoreError } from '../../errors';
import { tasksStoreView } from '../state/tasks-store-view';
import { metadataFrom, type StreamsMetadata } from './metadata';
import type { StreamsApplicationOptions } from './options';
import { StreamsRuntime } from './streams-runtime';
import { InteractiveQueries, type ListQueryOptions } from '../query/interactive-queries';
import type { KeyMetadata, KeyQueryOptions, KeyQueryResult, ListQueryResult } from '../query/query-result';
import type { TopologySpec } from '../topology/spec';
import type { IsolatedTask } from './task-isolation';
import type { ApplicationCore } from './application-core';
import type { TopicPlan } from './topic-plan';
import type { AssignmentInfo } from '../assignment/protocol';

/** The application on the calling thread: one runtime (consumer, producer, tasks) and its queries. */
export class LocalApplication implements ApplicationCore {
  private readonly runtime: StreamsRuntime;
  private readonly queries: InteractiveQueries;

  constructor(
    private readonly topology: TopologySpec,
    private readonly options: StreamsApplicationOptions,
  ) {
    this.runtime = new StreamsRuntime(topology, options);
    this.queries = new InteractiveQueries({
      spec: topology,
      lifecycle: this.runtime.lifecycle,
      events: this.runtime.events,
      applicationServer: options.applicationServer,
      plan: () => this.runtime.topicPlan,
      tasks: () => this.runtime.taskManager,
      assignment: () => this.runtime.assignmentInfo,
    });
  }

  async start(): Promise<void> {
    try {
      await this.runtime.start();
    } catch (error) {
      this.runtime.lifecycle.transition('ERROR', error);
      await this.runtime.close().catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.runtime.close();
  }

  get state(): StreamsState {
    return this.runtime.lifecycle.state;
  }

  get cause(): unknown {
    return this.runtime.lifecycle.cause;
  }

  /** The resolved topics, once started (stream threads hand a summary to their process). */
  get topicPlan(): TopicPlan | undefined {
    return this.runtime.topicPlan;
  }

  get assignmentInfo(): AssignmentInfo | undefined {
    return this.runtime.assignmentInfo;
  }

  onStateChange(listener: StateListener): () => void {
    return this.runtime.lifecycle.onChange(listener);
  }

  on<E extends StreamsEventName>(event: E, listener: (payload: StreamsEvents[E]) => void): () => void {
    return this.runtime.events.on(event, listener);
  }

  metadata(): StreamsMetadata | undefined {
    const all = this.allMetadata();
    const mine = new Set(this.localTasks());
    return all.find((m) => m.endpoint !== undefined && m.endpoint === this.options.applicationServer) ??
      all.find((m) => m.tasks.length === mine.size && m.tasks.every((t) => mine.has(t)));
  }

  allMetadata(): StreamsMetadata[] {
    return metadataFrom(this.runtime.assignmentInfo);
  }

  isolatedTasks(): IsolatedTask[] {
    return this.runtime.isolatedTasks();
  }

  localTasks(): string[] {
    return this.runtime.taskManager?.ids() ?? [];
  }

  localStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    const spec = this.topology.stores.get(name);
    if (!spec) throw new StoreError(`unknown store "${name}"`, name);
    const here = () => (this.runtime.taskManager?.all ?? []).flatMap((t) => t.executor.store(name) ?? []);
    return tasksStoreView<K, V>(spec, here);
  }

  metadataForKey<K>(store: string, key: K, keySerde?: KeyQueryOptions<K>['keySerde']): KeyMetadata | undefined {
    return this.queries.metadataForKey(store, key, keySerde);
  }

  query<V, K = unknown>(store: string, key: K, options?: KeyQueryOptions<K>): Promise<KeyQueryResult<V>> {
    return this.queries.query<K, V>(store, key, options);
  }

  queryAll<K, V>(store: string, options?: ListQueryOptions): ListQueryResult<K, V> {
    return this.queries.queryAll<K, V>(store, options);
  }

  queryRange<K, V>(store: string, from: K | undefined, to: K | undefined, options?: ListQueryOptions): ListQueryResult<K, V> {
    return this.queries.queryRange<K, V>(store, from, to, options);
  }
}
