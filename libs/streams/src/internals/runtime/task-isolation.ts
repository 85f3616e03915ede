/**
 * What the application does with a task that fails on a record no exception handler took (the
 * handler is `'fail'`, decided `'fail'` or threw), or whose exactly-once transaction keeps aborting:
 * - `'fail'` (default): the application stops in ERROR with the cause, as Kafka Streams'
 *   SHUTDOWN_CLIENT does;
 * - `'isolate'`: the record is retried in place (its store writes and outputs rolled back first)
 *   up to `maxTaskAttempts` times; then the task is isolated: its input partitions are paused at
 *   the failing record (everything before it is committed), it is reported by
 *   `StreamsApplication.isolatedTasks()`, the `task.isolated` event and the
 *   `streams_isolated_tasks` gauge, and queries of its keys answer `TASK_ISOLATED`. Every other
 *   task keeps running. The task is retried when it is assigned anew (a restart, or a rebalance
 *   that moves it).
 */
export type TaskFailureHandling = 'fail' | 'isolate';

/** A task isolated after repeated failures, with where and why. */
export interface IsolatedTask {
  readonly taskId: string;
  /** `deserialization`, `processing`, `production` (a record too large or not serializable) or `commit`. */
  readonly stage: string;
  /** The record the task is stuck on (absent for a commit failure, where no single record is known). */
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;
  /** The last error's message. */
  readonly reason: string;
  readonly attempts: number;
  /** Epoch ms of the isolation. */
  readonly since: number;
  /** Input partitions of the task (all paused). */
  readonly inputs: readonly { readonly topic: string; readonly partition: number }[];
}

/** Default attempts on one record before a task is isolated. */
export const DEFAULT_MAX_TASK_ATTEMPTS = 3;
