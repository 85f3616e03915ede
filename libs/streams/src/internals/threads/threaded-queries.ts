import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { KeyValueStore, ReadOnlyKeyValueStore } from '../../api/store';
import { StoreError, StreamsError } from '../../errors';
import type { AssignmentInfo } from '../assignment/protocol';
import type { StreamsState } from '../runtime/lifecycle';
import type { TopicPlan } from '../runtime/topic-plan';
import type { TopologySpec } from '../topology/spec';
import { tasksStoreView } from '../state/tasks-store-view';
import { locateKey, ownerOf, type KeyLocation } from '../query/key-locator';
import type { ListQueryOptions } from '../query/interactive-queries';
import type { KeyMetadata, KeyQueryOptions, KeyQueryResult, ListQueryResult, QueryFailure } from '../query/query-result';
import type { ThreadOp } from './protocol';
import type { StreamThread } from './stream-thread';
import type { ThreadKeyQuery } from './thread-requests';

const DEFAULT_POSITION_TIMEOUT_MS = 5000;
/** How long a synchronous read waits for a thread busy with a processing step. */
const SYNC_READ_TIMEOUT_MS = 10_000;

export interface ThreadedQuerySource {
  readonly spec: TopologySpec;
  readonly applicationServer: string | undefined;
  threads(): readonly StreamThread[];
  state(): StreamsState;
  assignment(): AssignmentInfo | undefined;
}

/**
 * Interactive queries of an application whose tasks run on stream threads: a key is located in the
 * process (the same partitioner, task counts from the threads' plans), then read by the thread that
 * owns its task; scans ask every thread (blocking, bounded) and merge. The answers are the ones a
 * single-threaded application gives, so callers and `gatherFromAllOwners` see no difference.
 */
export class ThreadedQueries {
  constructor(private readonly source: ThreadedQuerySource) {}

  metadataForKey<K>(store: string, key: K, keySerde?: KeyQueryOptions<K>['keySerde']): KeyMetadata | undefined {
    const plan = this.plan();
    if (!plan) return undefined;
    const location = locateKey(this.source.spec, plan, store, key, keySerde as never);
    const local = this.owner(location.taskId, 'local') !== undefined;
    const endpoint = local ? this.source.applicationServer : ownerOf(this.source.assignment(), location.taskId);
    return { store, partition: location.partition, taskId: location.taskId, endpoint, local };
  }

  async query<K, V>(store: string, key: K, options: KeyQueryOptions<K> = {}): Promise<KeyQueryResult<V>> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_POSITION_TIMEOUT_MS);
    for (;;) {
      const unavailable = this.unavailable();
      if (unavailable?.reason === 'NOT_RUNNING') return unavailable;
      const location = unavailable ? undefined : locateKey(this.source.spec, this.plan()!, store, key, options.keySerde as never);
      const thread = location && this.owner(location.taskId, 'assigned');
      if (location && thread) {
        const result = (await thread.request('query', [this.crossing(store, key, location, options)])) as KeyQueryResult<V>;
        return result.ok ? { ...result, value: revive(result.value) as V } : result;
      }
      const failure = unavailable ?? this.notHere(location!);
      // a position read waits (bounded) through a rebalance, as on one thread
      if (!options.position || failure.reason !== 'REBALANCING' || Date.now() >= deadline) return failure;
      await sleep(Math.min(50, deadline - Date.now()));
    }
  }

  queryAll<K, V>(store: string, options: ListQueryOptions = {}): ListQueryResult<K, V> {
    return this.list<K, V>(store, options.limit, 'queryAll', [store, options]);
  }

  queryRange<K, V>(store: string, from: K | undefined, to: K | undefined, options: ListQueryOptions = {}): ListQueryResult<K, V> {
    return this.list<K, V>(store, options.limit, 'queryRange', [store, from, to, options]);
  }

  localStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    const spec = this.source.spec.stores.get(name);
    if (!spec) throw new StoreError(`unknown store "${name}"`, name);
    const remote = (thread: StreamThread): KeyValueStore<unknown, unknown> => {
      const ask = (op: ThreadOp, ...args: unknown[]) => this.readNow(thread, op, [name, ...args]);
      const entries = (value: unknown) => (value as KeyValue<unknown, unknown>[]).map((e) => ({ key: revive(e.key), value: revive(e.value) }));
      const readOnly = () => {
        throw new StoreError('the process reads stream threads\' stores; only their tasks write them', name);
      };
      return {
        name,
        get: (key) => revive(ask('storeGet', key)),
        range: (from, to) => entries(ask('storeRange', from, to)).values(),
        all: () => entries(ask('storeAll')).values(),
        prefixScan: <P>(prefix: P, serde: SyncSerde<P>) => entries(ask('storePrefix', serde.serialize(name, prefix))).values(),
        approximateNumEntries: () => ask('storeCount') as number,
        put: readOnly,
        putIfAbsent: readOnly,
        delete: readOnly,
      };
    };
    return tasksStoreView<K, V>(spec, () => this.source.threads().filter((t) => t.alive && (t.view?.local.length ?? 0) > 0).map(remote));
  }

  private list<K, V>(store: string, limit: number | undefined, op: ThreadOp, args: unknown[]): ListQueryResult<K, V> {
    const unavailable = this.unavailable();
    if (unavailable?.reason === 'NOT_RUNNING') return unavailable;
    if (unavailable || this.source.state() !== 'RUNNING') return { ok: false, reason: 'REBALANCING' };
    if (!this.source.spec.stores.has(store)) throw new StoreError('unknown store', store);
    const max = limit ?? Number.POSITIVE_INFINITY;
    const entries: { key: K; value: V }[] = [];
    const partitions: number[] = [];
    const restoring = [];
    const isolated = [];
    for (const thread of this.source.threads()) {
      const reply = thread.requestNow(op, args, SYNC_READ_TIMEOUT_MS);
      if (!reply || reply.error) return { ok: false, reason: 'REBALANCING' };
      const answer = reply.result as ListQueryResult<K, V>;
      if (!answer.ok) return answer;
      for (const entry of answer.entries) if (entries.length < max) entries.push({ key: revive(entry.key) as K, value: revive(entry.value) as V });
      partitions.push(...answer.partitions);
      restoring.push(...answer.restoring);
      isolated.push(...(answer.isolated ?? []));
    }
    const merged = { ok: true as const, entries, partitions: partitions.sort((a, b) => a - b), restoring };
    return isolated.length > 0 ? { ...merged, isolated } : merged;
  }

  private readNow(thread: StreamThread, op: ThreadOp, args: unknown[]): unknown {
    const reply = thread.requestNow(op, args, SYNC_READ_TIMEOUT_MS);
    if (!reply) throw new StreamsError(`stream thread ${thread.index} did not answer ${op} within ${SYNC_READ_TIMEOUT_MS} ms`);
    if (reply.error) throw new StoreError(`stream thread ${thread.index}: ${reply.error.message}`, String(args[0]));
    return reply.result;
  }

  private crossing<K>(store: string, key: K, location: KeyLocation, options: KeyQueryOptions<K>): ThreadKeyQuery {
    const topic = location.sourceTopics[0] ?? store;
    return {
      store,
      key,
      ...(options.keySerde ? { keyBytes: options.keySerde.serialize(topic, key) } : {}),
      ...(options.position ? { position: options.position } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
  }

  private notHere(location: KeyLocation): QueryFailure {
    if (this.source.state() !== 'RUNNING') return { ok: false, reason: 'REBALANCING' };
    const owner = ownerOf(this.source.assignment(), location.taskId);
    if (!owner || owner === this.source.applicationServer) return { ok: false, reason: 'REBALANCING' };
    return { ok: false, reason: 'NOT_OWNER', owner, taskId: location.taskId };
  }

  private unavailable(): QueryFailure | undefined {
    const state = this.source.state();
    if (state === 'ERROR' || state === 'NOT_RUNNING' || state === 'PENDING_SHUTDOWN') return { ok: false, reason: 'NOT_RUNNING', state };
    if (!this.plan()) return { ok: false, reason: 'REBALANCING' };
    return undefined;
  }

  private owner(taskId: string, which: 'local' | 'assigned'): StreamThread | undefined {
    return this.source.threads().find((t) => t.alive && (t.view?.[which].includes(taskId) ?? false));
  }

  private plan(): Pick<TopicPlan, 'sourceTopics' | 'taskCounts' | 'partitionCount'> | undefined {
    const summary = this.source.threads().find((t) => t.view?.plan)?.view?.plan;
    if (!summary) return undefined;
    return { sourceTopics: summary.sourceTopics, taskCounts: summary.taskCounts, partitionCount: (topic) => summary.partitionCounts.get(topic) ?? 0 };
  }
}

/** Buffers come back from another thread as plain Uint8Arrays; the API hands out Buffers. */
function revive(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}
