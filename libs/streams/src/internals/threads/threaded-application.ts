import { join } from 'node:path';
import { Kafka, type KafkaConfig } from 'kafkajs';
import { silentLogger, type Logger } from '@platform/common';
import type { ReadOnlyKeyValueStore } from '../../api/store';
import { StreamsError } from '../../errors';
import type { AssignmentInfo } from '../assignment/protocol';
import type { ApplicationCore } from '../runtime/application-core';
import { EventHub, type StreamsEventName, type StreamsEvents } from '../runtime/events';
import { Lifecycle, type StateListener, type StreamsState } from '../runtime/lifecycle';
import { metadataFrom, type StreamsMetadata } from '../runtime/metadata';
import { resolveOptions, type StreamsApplicationOptions, type ThreadFailureHandling, type ThreadTopology } from '../runtime/options';
import type { IsolatedTask } from '../runtime/task-isolation';
import type { ListQueryOptions } from '../query/interactive-queries';
import type { KeyMetadata, KeyQueryOptions, KeyQueryResult, ListQueryResult } from '../query/query-result';
import { applicationKey } from '../topology/names';
import type { TopologySpec } from '../topology/spec';
import { StreamThread, type ThreadObserver } from './stream-thread';
import type { ThreadData, ThreadOptions } from './thread-data';
import { ThreadedQueries } from './threaded-queries';
import { bridgeThreadMetrics } from './thread-metrics';

/** How long a thread may take to flush, commit and leave the group on close. */
const THREAD_CLOSE_TIMEOUT_MS = 60_000;

/**
 * An application whose tasks run on `numStreamThreads` worker threads of this process. Each thread
 * is a member of the group (clients, tasks and SQLite handles of its own, state under
 * `<stateDir>/threads/<n>/`), so the group's assignor spreads tasks over every thread of every
 * process. The process holds no task: it starts and closes the threads, folds their states into one
 * (RUNNING when every thread runs), forwards their events, logs and metrics, answers queries through
 * them, and replaces a thread that dies (`threadFailureHandling: 'replace'`) or goes to ERROR.
 */
export class ThreadedApplication implements ApplicationCore {
  private readonly lifecycle = new Lifecycle();
  private readonly events = new EventHub();
  private readonly logger: Logger;
  private readonly queries: ThreadedQueries;
  private readonly threads: StreamThread[] = [];
  private readonly failureHandling: ThreadFailureHandling;
  private readonly data: Omit<ThreadData, 'index' | 'sync'>;
  private lastAssignment: AssignmentInfo | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    spec: TopologySpec,
    private readonly options: StreamsApplicationOptions,
    private readonly count: number,
  ) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'streams', app: applicationKey(options.app) });
    this.failureHandling = resolveOptions(options).threadFailureHandling;
    this.data = { topology: requireThreadTopology(options.threadTopology), options: threadOptions(options), metricsPrefix: options.metrics?.prefix };
    this.queries = new ThreadedQueries({
      spec,
      applicationServer: options.applicationServer,
      threads: () => this.threads,
      state: () => this.lifecycle.state,
      assignment: () => this.lastAssignment,
    });
    if (options.metrics) bridgeThreadMetrics(options.metrics, applicationKey(options.app), () => this.threads);
  }

  async start(): Promise<void> {
    this.lifecycle.require('REBALANCING');
    for (let index = 0; index < this.count; index++) this.threads.push(this.spawn(index));
    try {
      await Promise.all(this.threads.map((t) => t.started));
      this.logger.info('stream threads started', { threads: this.count });
    } catch (error) {
      this.lifecycle.transition('ERROR', error);
      await this.stopThreads();
      throw error;
    }
  }

  /** Closes every thread; after ERROR the state stays ERROR (as on one thread). */
  async close(): Promise<void> {
    const failed = this.lifecycle.state === 'ERROR';
    if (!failed) this.lifecycle.transition('PENDING_SHUTDOWN');
    await this.stopThreads();
    if (!failed) this.lifecycle.transition('NOT_RUNNING');
  }

  get state(): StreamsState {
    return this.lifecycle.state;
  }

  get cause(): unknown {
    return this.lifecycle.cause;
  }

  onStateChange(listener: StateListener): () => void {
    return this.lifecycle.onChange(listener);
  }

  on<E extends StreamsEventName>(event: E, listener: (payload: StreamsEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** The threads' group entries as one: this process's endpoint, their tasks and partitions. */
  metadata(): StreamsMetadata | undefined {
    const members = new Set(this.threads.map((t) => t.view?.memberId).filter((id) => id !== undefined));
    const mine = this.allMetadata().filter((m) => members.has(m.memberId));
    if (mine.length === 0) return undefined;
    const partitions = new Map<string, number[]>();
    for (const m of mine) for (const p of m.partitions) partitions.set(p.topic, [...(partitions.get(p.topic) ?? []), ...p.partitions].sort((a, b) => a - b));
    return {
      endpoint: this.options.applicationServer,
      memberId: mine[0]!.memberId,
      tasks: mine.flatMap((m) => m.tasks),
      partitions: [...partitions].map(([topic, list]) => ({ topic, partitions: list })),
    };
  }

  allMetadata(): StreamsMetadata[] {
    return metadataFrom(this.lastAssignment);
  }

  isolatedTasks(): IsolatedTask[] {
    return this.threads.flatMap((t) => (t.alive ? (t.view?.isolated ?? []) : []));
  }

  localTasks(): string[] {
    return this.threads.flatMap((t) => (t.alive ? (t.view?.local ?? []) : []));
  }

  localStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return this.queries.localStore<K, V>(name);
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

  private stopThreads(): Promise<void> {
    this.stopped ??= Promise.all(this.threads.map((t) => t.close(THREAD_CLOSE_TIMEOUT_MS))).then(() => undefined);
    return this.stopped;
  }

  private spawn(index: number): StreamThread {
    const data = { ...this.data, options: { ...this.data.options, stateDir: join(this.options.stateDir, 'threads', String(index)) } };
    return new StreamThread(index, data, this.observer, this.logger);
  }

  private readonly observer: ThreadObserver = {
    state: () => this.foldStates(),
    view: (thread) => {
      if (thread.view?.assignment) this.lastAssignment = thread.view.assignment;
    },
    event: (name, payload) => this.events.emit(name, payload as never),
    died: (thread, cause) => this.onDeath(thread, cause),
  };

  /** RUNNING once every thread runs; REBALANCING while one rebalances, restores or is replaced. */
  private foldStates(): void {
    const state = this.lifecycle.state;
    if (this.stopped || state === 'ERROR' || state === 'CREATED') return;
    const target = this.threads.every((t) => t.alive && t.state === 'RUNNING') ? 'RUNNING' : 'REBALANCING';
    if (state !== target) this.lifecycle.transition(target);
  }

  private onDeath(thread: StreamThread, cause: unknown): void {
    if (this.stopped || this.threads[thread.index] !== thread) return;
    if (this.failureHandling === 'fail') {
      this.logger.error('stream thread died; stopping the application', { thread: thread.index, error: String(cause) });
      this.lifecycle.transition('ERROR', cause);
      void this.stopThreads();
      return;
    }
    this.logger.warn('stream thread died; replacing it', { thread: thread.index, error: String(cause) });
    this.foldStates();
    // the old worker goes first: its state directory lock and task databases are released with it
    void thread.terminate().then(() => {
      if (this.stopped) return;
      const replacement = this.spawn(thread.index);
      this.threads[thread.index] = replacement;
      this.foldStates();
      replacement.started.catch((error) => this.onDeath(replacement, error));
    });
  }
}

function requireThreadTopology(topology: ThreadTopology | undefined): ThreadTopology {
  if (!topology?.module) throw new StreamsError('numStreamThreads > 1 needs threadTopology: the module each stream thread builds its topology from');
  return { module: topology.module, ...(topology.exportName ? { exportName: topology.exportName } : {}), ...(topology.args !== undefined ? { args: topology.args } : {}) };
}

/** The options a thread gets: everything but functions, which cannot cross threads. */
function threadOptions(options: StreamsApplicationOptions): ThreadOptions {
  if (options.kafka instanceof Kafka) throw new StreamsError('numStreamThreads > 1 needs kafka as a config: each stream thread creates its own clients');
  for (const name of ['deserializationExceptionHandler', 'processingExceptionHandler', 'productionExceptionHandler'] as const) {
    if (typeof options[name] === 'function') throw new StreamsError(`numStreamThreads > 1: a function ${name} cannot cross threads; return it from threadTopology's export`);
  }
  const { logger: _logger, metrics: _metrics, clock: _clock, kafka, ...rest } = options;
  return { ...(rest as Omit<ThreadOptions, 'kafka'>), kafka: withoutFunctions(kafka) };
}

/** A copy without the functions (`logCreator`, `socketFactory`, ...); buffers (TLS material) kept. */
function withoutFunctions(config: KafkaConfig): KafkaConfig {
  const copy = (value: unknown): unknown => {
    if (typeof value === 'function') return undefined;
    if (Array.isArray(value)) return value.map(copy);
    if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (typeof inner !== 'function') out[key] = copy(inner);
    return out;
  };
  return copy(config) as KafkaConfig;
}
