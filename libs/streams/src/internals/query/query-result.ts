import type { StreamsState } from '../runtime/lifecycle';
import type { IsolatedTask } from '../runtime/task-isolation';

/** Where a key lives: its partition, the task that holds it and the owner's advertised endpoint. */
export interface KeyMetadata {
  readonly store: string;
  readonly partition: number;
  readonly taskId: string;
  /** `applicationServer` of the owner; undefined while the assignment is unknown. */
  readonly endpoint: string | undefined;
  /** True when this instance runs the task. */
  readonly local: boolean;
}

/** An input offset that a read must have seen: the store has applied `offset` of `topic`/`partition`. */
export interface QueryPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string | number | bigint;
}

/** How far a restoration has got, for the task that holds the key. */
export interface RestoreStatus {
  readonly taskId: string;
  readonly store: string;
  readonly restored: number;
  /** Records to restore in this restoration (end - start offset, an upper bound on compacted logs). */
  readonly total: number;
}

/**
 * Why a query could not be answered here. These are normal conditions, returned as values:
 * - `NOT_OWNER`: another instance holds the key; `owner` is its endpoint.
 * - `REBALANCING`: the assignment is changing or the owner is not known yet.
 * - `RESTORING`: this instance owns the key and is restoring its store.
 * - `NOT_FOUND`: this instance owns the key and the store has no value for it.
 * - `NOT_UP_TO_POSITION`: the store had not applied the requested position within the timeout.
 * - `NOT_RUNNING`: the application is stopped, stopping or failed.
 * - `TASK_ISOLATED`: the task that holds the key is isolated after repeated failures (its store
 *   stopped at the failing record, so an answer could be stale); `isolation` says where and why.
 */
export type QueryFailure =
  | { readonly ok: false; readonly reason: 'NOT_OWNER'; readonly owner: string; readonly taskId: string }
  | { readonly ok: false; readonly reason: 'REBALANCING' }
  | { readonly ok: false; readonly reason: 'RESTORING'; readonly progress: RestoreStatus }
  | { readonly ok: false; readonly reason: 'NOT_FOUND' }
  | { readonly ok: false; readonly reason: 'NOT_UP_TO_POSITION'; readonly position: QueryPosition; readonly applied?: string }
  | { readonly ok: false; readonly reason: 'NOT_RUNNING'; readonly state: StreamsState }
  | { readonly ok: false; readonly reason: 'TASK_ISOLATED'; readonly taskId: string; readonly isolation: IsolatedTask };

export type QueryFailureReason = QueryFailure['reason'];

/** A key lookup: the value (a missing key is `NOT_FOUND`, never `ok` with undefined) or why not. */
export type KeyQueryResult<V> = { readonly ok: true; readonly value: V; readonly taskId: string } | QueryFailure;

/** A range/all query over this instance's tasks: the entries, and the tasks that could not answer. */
export type ListQueryResult<K, V> =
  | {
      readonly ok: true;
      readonly entries: readonly { readonly key: K; readonly value: V }[];
      /** Partitions of the store whose tasks answered here (a gathered list checks them with `partitionCoverage`). */
      readonly partitions: readonly number[];
      /** Tasks of this instance whose stores were restoring (their keys are missing from `entries`). */
      readonly restoring: readonly RestoreStatus[];
      /** Tasks of this instance isolated after repeated failures (their partitions are not in `partitions`). */
      readonly isolated?: readonly IsolatedTask[];
    }
  | Extract<QueryFailure, { reason: 'REBALANCING' | 'NOT_RUNNING' }>;

export interface KeyQueryOptions<K> {
  /** Serializes the key for partitioning (default: the store's key serde). */
  readonly keySerde?: { serialize(topic: string, key: K): Buffer };
  /** Answer only once the store has applied this input offset. */
  readonly position?: QueryPosition;
  /** Longest wait for `position` (default 5000 ms). */
  readonly timeoutMs?: number;
}

/** True for failures a client may retry later (everything but `NOT_FOUND`). */
export function isRetriable(result: KeyQueryResult<unknown> | ListQueryResult<unknown, unknown>): boolean {
  return !result.ok && result.reason !== 'NOT_FOUND' && result.reason !== 'NOT_OWNER';
}
