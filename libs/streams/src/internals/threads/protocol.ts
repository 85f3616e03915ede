import type { AssignmentInfo } from '../assignment/protocol';
import type { StreamsEventName } from '../runtime/events';
import type { StreamsState } from '../runtime/lifecycle';
import type { IsolatedTask } from '../runtime/task-isolation';

/** What a stream thread tells its process about itself, sent again whenever it changes. */
export interface ThreadView {
  readonly memberId: string | undefined;
  /** Tasks the group gave this thread (restoring ones included). */
  readonly assigned: readonly string[];
  /** Tasks open and running here. */
  readonly local: readonly string[];
  readonly isolated: readonly IsolatedTask[];
  readonly assignment: AssignmentInfo | undefined;
  /** Resolved source topics, task counts and partition counts, for locating keys in the process. */
  readonly plan: PlanSummary | undefined;
}

export interface PlanSummary {
  readonly sourceTopics: ReadonlyMap<number, readonly string[]>;
  readonly taskCounts: ReadonlyMap<number, number>;
  readonly partitionCounts: ReadonlyMap<string, number>;
}

/** A stream thread's error, as far as structured cloning carries it. */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/** Thread → process. */
export type ThreadMessage =
  | { readonly type: 'started' }
  | { readonly type: 'start-failed'; readonly error: ThreadError }
  | { readonly type: 'state'; readonly state: StreamsState; readonly cause?: ThreadError }
  | { readonly type: 'view'; readonly view: ThreadView }
  | { readonly type: 'event'; readonly name: StreamsEventName; readonly payload: unknown }
  | { readonly type: 'log'; readonly level: LogLevelName; readonly message: string; readonly fields?: Record<string, unknown> }
  | { readonly type: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: ThreadError }
  | { readonly type: 'closed' };

/** Process → thread. */
export type ProcessMessage =
  | { readonly type: 'request'; readonly id: number; readonly op: ThreadOp; readonly args: readonly unknown[] }
  | { readonly type: 'close' };

/** Requests a thread answers, asynchronously (`query`, `metrics`) or synchronously (the rest). */
export type ThreadOp = 'query' | 'metrics' | 'queryAll' | 'queryRange' | 'storeGet' | 'storeRange' | 'storePrefix' | 'storeAll' | 'storeCount';

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}
