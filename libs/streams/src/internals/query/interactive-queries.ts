import type { AssignmentInfo } from '../assignment/protocol';
import type { EventHub } from '../runtime/events';
import type { Lifecycle } from '../runtime/lifecycle';
import type { StreamTask } from '../runtime/stream-task';
import type { TaskManager } from '../runtime/task-manager';
import type { TopicPlan } from '../runtime/topic-plan';
import type { TopologySpec } from '../topology/spec';
import { locateKey, ownerOf, type KeyLocation } from './key-locator';
import { progressSignals, waitUntil, type ProgressSignals } from './position-waiter';
import type {
  KeyMetadata,
  KeyQueryOptions,
  KeyQueryResult,
  ListQueryResult,
  QueryFailure,
  QueryPosition,
} from './query-result';
import { RestoreTracker } from './restore-tracker';
import { tpKey } from '../topic-partition';

/** What the query side needs from the runtime (read lazily: everything changes with assignments). */
export interface QuerySource {
  readonly spec: TopologySpec;
  readonly lifecycle: Lifecycle;
  readonly events: EventHub;
  readonly applicationServer: string | undefined;
  plan(): TopicPlan | undefined;
  tasks(): TaskManager | undefined;
  assignment(): AssignmentInfo | undefined;
}

export interface ListQueryOptions {
  /** Stop after this many entries. */
  readonly limit?: number;
}

const DEFAULT_POSITION_TIMEOUT_MS = 5000;

/**
 * Interactive queries over the local stores. Answers are values (`KeyQueryResult`), never
 * exceptions, for every normal condition: not the owner, rebalancing, restoring, missing key,
 * position not reached. Reads see the store as processed so far; position reads wait (on commit
 * events, bounded) until the committed input position covers the requested offset.
 */
export class InteractiveQueries {
  private readonly restores: RestoreTracker;
  private readonly signals: ProgressSignals;

  constructor(private readonly source: QuerySource) {
    this.restores = new RestoreTracker(source.events);
    this.signals = progressSignals(source.events, source.lifecycle);
    source.lifecycle.onChange((next) => {
      if (next === 'ERROR' || next === 'NOT_RUNNING') this.restores.clear();
    });
  }

  metadataForKey<K>(store: string, key: K, keySerde?: KeyQueryOptions<K>['keySerde']): KeyMetadata | undefined {
    const plan = this.source.plan();
    if (!plan) return undefined;
    const location = locateKey(this.source.spec, plan, store, key, keySerde as never);
    const local = this.source.tasks()?.all.some((t) => t.id === location.taskId) ?? false;
    const endpoint = local ? this.source.applicationServer : ownerOf(this.source.assignment(), location.taskId);
    return { store, partition: location.partition, taskId: location.taskId, endpoint, local };
  }

  async query<K, V>(store: string, key: K, options: KeyQueryOptions<K> = {}): Promise<KeyQueryResult<V>> {
    const { position } = options;
    let located = this.locate(store, key, options);
    if (!position) return 'reason' in located ? located : this.read<V>(located.task, store, key);
    // A position read waits (bounded) through a rebalance or restoration of its own task, then
    // until the committed input position covers the requested offset.
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_POSITION_TIMEOUT_MS);
    const settled = (l: typeof located) => !('reason' in l) || (l.reason !== 'REBALANCING' && l.reason !== 'RESTORING');
    if (!settled(located)) {
      await waitUntil(this.signals, () => settled((located = this.locate(store, key, options))), deadline - Date.now());
      located = this.locate(store, key, options);
      if ('reason' in located) return located;
    }
    if ('reason' in located) return located;
    const location = located.location;
    // A position on another topic-partition cannot concern this key: the key's task never reads it.
    if (this.positionReached(location, position) === false) return this.read<V>(located.task, store, key);
    await waitUntil(this.signals, () => typeof this.positionReached(location, position) === 'boolean', deadline - Date.now());
    const again = this.locate(store, key, options);
    if ('reason' in again) return again;
    const applied = this.positionReached(again.location, position);
    if (applied !== true) {
      return { ok: false, reason: 'NOT_UP_TO_POSITION', position, applied: typeof applied === 'string' ? applied : undefined };
    }
    return this.read<V>(again.task, store, key);
  }

  queryAll<K, V>(store: string, options: ListQueryOptions = {}): ListQueryResult<K, V> {
    return this.list<K, V>(store, options, (s) => s.all());
  }

  queryRange<K, V>(store: string, from: K | undefined, to: K | undefined, options: ListQueryOptions = {}): ListQueryResult<K, V> {
    return this.list<K, V>(store, options, (s) => s.range(from, to));
  }

  dispose(): void {
    this.restores.dispose();
  }

  private locate<K>(
    store: string,
    key: K,
    options: KeyQueryOptions<K>,
  ): QueryFailure | { location: KeyLocation; task: StreamTask } {
    const unavailable = this.unavailable();
    if (unavailable) return unavailable;
    const plan = this.source.plan()!;
    const location = locateKey(this.source.spec, plan, store, key, options.keySerde as never);
    const task = this.source.tasks()?.all.find((t) => t.id === location.taskId);
    if (task?.isolated) return { ok: false, reason: 'TASK_ISOLATED', taskId: task.id, isolation: task.isolated };
    if (task && task.executor.store(store)) return { location, task };
    const restoring = this.restores.status(location.taskId);
    if (restoring) return { ok: false, reason: 'RESTORING', progress: restoring };
    if (this.source.lifecycle.state !== 'RUNNING') return { ok: false, reason: 'REBALANCING' };
    const owner = ownerOf(this.source.assignment(), location.taskId);
    if (!owner || owner === this.source.applicationServer) return { ok: false, reason: 'REBALANCING' };
    return { ok: false, reason: 'NOT_OWNER', owner, taskId: location.taskId };
  }

  private unavailable(): QueryFailure | undefined {
    const state = this.source.lifecycle.state;
    if (state === 'ERROR' || state === 'NOT_RUNNING' || state === 'PENDING_SHUTDOWN') return { ok: false, reason: 'NOT_RUNNING', state };
    if (!this.source.plan()) return { ok: false, reason: 'REBALANCING' };
    return undefined;
  }

  /**
   * True when the task's committed input position is past `position.offset`; the committed next
   * offset (a string) when not yet; false when the position is not an input of the key's task.
   */
  private positionReached(location: KeyLocation, position: QueryPosition): true | string | false {
    if (!location.sourceTopics.includes(position.topic) || position.partition !== location.partition) return false;
    const task = this.source.tasks()?.all.find((t) => t.id === location.taskId);
    if (!task?.state) return '-1';
    const next = task.state.storedInputOffsets().get(tpKey(position.topic, position.partition));
    if (next === undefined) return '-1';
    return BigInt(next) > BigInt(position.offset) ? true : String(BigInt(next) - 1n);
  }

  private read<V>(task: StreamTask, store: string, key: unknown): KeyQueryResult<V> {
    const value = task.executor.store(store)?.get(key);
    if (value === undefined) return { ok: false, reason: 'NOT_FOUND' };
    return { ok: true, value: value as V, taskId: task.id };
  }

  private list<K, V>(
    store: string,
    options: ListQueryOptions,
    iterate: (s: NonNullable<ReturnType<StreamTask['executor']['store']>>) => IterableIterator<{ key: unknown; value: unknown }>,
  ): ListQueryResult<K, V> {
    const unavailable = this.unavailable();
    if (unavailable && unavailable.reason === 'NOT_RUNNING') return unavailable;
    if (unavailable || this.source.lifecycle.state !== 'RUNNING') return { ok: false, reason: 'REBALANCING' };
    if (!this.source.spec.stores.has(store)) locateKey(this.source.spec, this.source.plan()!, store, '');
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const entries: { key: K; value: V }[] = [];
    const partitions: number[] = [];
    const isolated = [];
    for (const task of this.source.tasks()?.all ?? []) {
      const s = task.executor.store(store);
      if (!s) continue;
      if (task.isolated) {
        isolated.push(task.isolated);
        continue;
      }
      partitions.push(task.descriptor.partition);
      for (const entry of iterate(s)) {
        if (entries.length >= limit) break;
        entries.push({ key: entry.key as K, value: entry.value as V });
      }
    }
    const answer = { ok: true as const, entries, partitions: partitions.sort((a, b) => a - b), restoring: this.restores.restoringTasks() };
    return isolated.length > 0 ? { ...answer, isolated } : answer;
  }
}
