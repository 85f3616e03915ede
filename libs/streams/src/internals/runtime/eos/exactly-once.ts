import type { Admin, CompressionTypes, Kafka } from 'kafkajs';
import type { InputControl } from '../input-control';
import type { Logger } from '@platform/common';
import type { TaskDescriptor } from '../../assignment/task-layout';
import type { RecordCollector, RecordScope } from '../../task/contract';
import { transactionalId, type ApplicationIdentity } from '../../topology/names';
import type { EventHub } from '../events';
import type { StreamTask } from '../stream-task';
import { isFencingError } from './fencing';
import { byTopic, rewindToCommitted } from './rewind';
import { TaskTransaction } from './task-transaction';
import type { TopicLimits } from '../topic-limits';

export interface ExactlyOnceOptions {
  readonly kafka: Kafka;
  readonly app: ApplicationIdentity;
  readonly groupId: string;
  readonly partitionCount: (topic: string) => number | undefined;
  /** `max.message.bytes` of the topics the tasks write. */
  readonly limits?: TopicLimits;
  /** Codec of the batches the task producers write (default none). */
  readonly compression?: CompressionTypes;
  /** Consecutive aborted transactions of one task after which `target.isolate` is called (absent: reopen forever). */
  readonly maxAbortsBeforeIsolation?: number;
  readonly logger: Logger;
  readonly events: EventHub;
  /** A fenced task whose partitions no rebalance took away within this time is reopened here
   * (the fencing came from our own transaction timing out, not from a new owner). */
  readonly reclaimAfterMs: number;
  readonly clock: () => number;
}

/** What the exactly-once commit needs from the task manager and the input reader. */
export interface ExactlyOnceTarget {
  readonly tasks: readonly StreamTask[];
  /** Closes a task without committing (another instance owns it now). */
  drop(taskId: string): void;
  /** Closes tasks (if open) without committing and opens them again on their last committed local state. */
  reopen(tasks: readonly TaskDescriptor[]): Promise<void>;
  /** Isolates a task whose transactions keep aborting (pauses its input, reports it). */
  isolate?(taskId: string, reason: string, attempts: number): void;
  /** The input reader (its pause, resume and seek). */
  readonly input: InputControl;
  readonly admin: Admin;
}

/**
 * Exactly-once processing: one transactional producer per task (transactional id
 * `<id>-v<version>-<taskId>`), opened when the task is assigned — which fences a zombie holding
 * the same task — and closed when the task is revoked.
 *
 * Commit, per task (tasks in parallel, each on its own producer): Kafka transaction with outputs,
 * changelog records and the input offsets → commit → only then the buffered store writes, the
 * changelog offsets and the input position go to SQLite in one transaction. So the local state
 * never runs ahead of Kafka. A task whose transaction fails is aborted, reopened on its last
 * committed local state (buffered writes discarded) and its input rewound to the committed group
 * offsets, so the records are processed again. A fenced task is closed quietly.
 */
export class ExactlyOnce {
  private readonly transactions = new Map<string, TaskTransaction>();
  private readonly closing = new Set<Promise<void>>();
  /** Tasks dropped because their producer was fenced, with when; cleared by the next assignment. */
  private readonly fenced = new Map<string, { descriptor: TaskDescriptor; at: number }>();
  /** Consecutive aborted transactions per task (cleared by a commit of the task). */
  private readonly aborts = new Map<string, number>();

  constructor(private readonly options: ExactlyOnceOptions) {}

  /** Opens (and fences) the task's transactional producer; its collector is the task's collector. */
  async open(taskId: string): Promise<RecordCollector & RecordScope> {
    this.close(taskId);
    const transaction = await TaskTransaction.open({
      kafka: this.options.kafka,
      transactionalId: transactionalId(this.options.app, taskId),
      partitionCount: this.options.partitionCount,
      limits: this.options.limits,
      compression: this.options.compression,
    });
    this.transactions.set(taskId, transaction);
    return transaction.collector;
  }

  /** Aborts the task's open transaction and disconnects its producer (in the background). */
  close(taskId: string): void {
    const transaction = this.transactions.get(taskId);
    if (!transaction) return;
    this.transactions.delete(taskId);
    const closing = transaction.close().finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  /** Resolves once every producer closed so far is disconnected. */
  async drain(): Promise<void> {
    await Promise.all([...this.closing]);
  }

  /** Hands buffered outputs of every task to its transaction (bounded memory between commits). */
  sendBuffered(maxBuffered: number): void {
    for (const t of this.transactions.values()) if (t.collector.bufferedCount >= maxBuffered) t.collector.sendBuffered();
  }

  /**
   * After an assignment opened tasks: their producers fenced any zombie, so resume their input
   * (paused if they were fenced here before) from the committed group offsets.
   */
  async opened(input: InputControl, admin: Admin, inputs: readonly { topic: string; partition: number }[]): Promise<void> {
    this.fenced.clear();
    if (inputs.length === 0) return;
    input.resume(byTopic(inputs));
    await rewindToCommitted(input, admin, this.options.groupId, inputs);
  }

  /** Commits every task; returns the number of records committed. */
  async commit(target: ExactlyOnceTarget): Promise<number> {
    const { groupId, logger, events } = this.options;
    type Outcome = { task: StreamTask; records: number; changelogOffsets: Map<string, string> } | { task: StreamTask; error: unknown };
    const results = await Promise.all(
      target.tasks.map(async (task): Promise<Outcome> => {
        const transaction = this.transactions.get(task.id);
        const records = task.processedSinceCommit;
        const sends = task.changelogSends();
        const offsets = task.takeCommittableOffsets();
        if (!transaction) throw new Error(`task ${task.id} has no transactional producer`);
        try {
          return { task, records, changelogOffsets: await transaction.commit(sends, offsets, groupId) };
        } catch (error) {
          return { task, error };
        }
      }),
    );
    let committed = 0;
    const fenced: StreamTask[] = [];
    const aborted: StreamTask[] = [];
    for (const result of results) {
      if ('changelogOffsets' in result) {
        result.task.commitState(result.changelogOffsets);
        this.aborts.delete(result.task.id);
        committed += result.records;
      } else if (isFencingError(result.error)) {
        fenced.push(result.task);
      } else {
        logger.warn('transaction aborted; reprocessing from the last commit', { task: result.task.id, error: String(result.error) });
        aborted.push(result.task);
        events.emit('transaction.aborted', { taskId: result.task.id, error: String(result.error) });
      }
    }
    for (const task of fenced) {
      logger.warn('producer fenced: another instance owns the task; closing it', { task: task.id });
      target.drop(task.id);
      // no busy refetching of input nobody here processes; the next assignment resumes it
      target.input.pause(byTopic(task.descriptor.inputs));
      this.fenced.set(task.id, { descriptor: task.descriptor, at: this.options.clock() });
      events.emit('task.fenced', { taskId: task.id });
    }
    const reclaim = [...this.fenced.values()].filter((f) => this.options.clock() - f.at >= this.options.reclaimAfterMs);
    for (const f of reclaim) this.fenced.delete(f.descriptor.id);
    if (reclaim.length > 0) logger.warn('fenced tasks still assigned here; reopening them', { tasks: reclaim.map((f) => f.descriptor.id) });
    const reopen = [...aborted.map((t) => t.descriptor), ...reclaim.map((f) => f.descriptor)];
    if (reopen.length > 0) {
      await target.reopen(reopen);
      const inputs = reopen.flatMap((d) => d.inputs);
      target.input.resume(byTopic(inputs));
      await rewindToCommitted(target.input, target.admin, groupId, inputs);
    }
    const limit = this.options.maxAbortsBeforeIsolation;
    for (const task of aborted) {
      const count = (this.aborts.get(task.id) ?? 0) + 1;
      this.aborts.set(task.id, count);
      if (limit === undefined || count < limit || !target.isolate) continue;
      const error = results.find((r) => r.task === task && 'error' in r) as { error: unknown } | undefined;
      this.aborts.delete(task.id);
      target.isolate(task.id, `transaction aborted ${count} times in a row: ${String((error?.error as Error)?.message ?? error?.error)}`, count);
    }
    return committed;
  }
}
