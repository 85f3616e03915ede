import type { IsolatedTask } from './task-isolation';

/**
 * Namespaced runtime events. Listeners are only invoked when registered; `on` returns an
 * unsubscribe function.
 */
export interface RestoreProgress {
  readonly taskId: string;
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
  /** First offset read (inclusive). */
  readonly startOffset: string;
  /** End offset captured at assignment (exclusive). */
  readonly endOffset: string;
  /** Records applied so far in this restoration. */
  readonly restored: number;
}

export interface StreamsEvents {
  'restore.start': RestoreProgress;
  'restore.batch': RestoreProgress & { readonly batchSize: number };
  'restore.end': RestoreProgress;
  /** A task was opened; `localState` tells whether it found usable local state. */
  'task.opened': { readonly taskId: string; readonly localState: string };
  'task.closed': { readonly taskId: string };
  /** Exactly-once: the task's producer was fenced by a newer owner; the task was closed. */
  'task.fenced': { readonly taskId: string };
  /** Exactly-once: the task's transaction failed and was aborted; the task reprocesses from its last commit. */
  'transaction.aborted': { readonly taskId: string; readonly error: string };
  /** A task failed on one record (or commit) more often than allowed and was isolated; its input is paused. */
  'task.isolated': IsolatedTask;
  'rebalance.assigned': { readonly memberId: string; readonly tasks: readonly string[] };
  'commit.done': { readonly tasks: number; readonly records: number };
}

export type StreamsEventName = keyof StreamsEvents;

export class EventHub {
  private readonly listeners = new Map<StreamsEventName, Set<(payload: never) => void>>();

  on<E extends StreamsEventName>(event: E, listener: (payload: StreamsEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set!.delete(listener as (payload: never) => void);
  }

  has(event: StreamsEventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  emit<E extends StreamsEventName>(event: E, payload: StreamsEvents[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) (listener as (p: StreamsEvents[E]) => void)(payload);
  }
}
