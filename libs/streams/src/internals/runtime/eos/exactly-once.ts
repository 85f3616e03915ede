import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@platform/common';
import type { RecordCollector } from '../../task/contract';
import { transactionalId, type ApplicationIdentity } from '../../topology/names';
import type { EventHub } from '../events';
import type { StreamTask } from '../stream-task';
import { isFencingError } from './fencing';
import { rewindToCommitted } from './rewind';
import { TaskTransaction } from './task-transaction';

export interface ExactlyOnceOptions {
  readonly kafka: Kafka;
  readonly app: ApplicationIdentity;
  readonly groupId: string;
  readonly partitionCount: (topic: string) => number | undefined;
  readonly logger: Logger;
  readonly events: EventHub;
}

/** What the exactly-once commit needs from the task manager and the consumer. */
export interface ExactlyOnceTarget {
  readonly tasks: readonly StreamTask[];
  /** Closes a task without committing (another instance owns it now). */
  drop(taskId: string): void;
  /** Closes tasks without committing and opens them again on their last committed local state. */
  reopen(taskIds: readonly string[]): Promise<void>;
  readonly consumer: Consumer;
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

  constructor(private readonly options: ExactlyOnceOptions) {}

  /** Opens (and fences) the task's transactional producer; its collector is the task's collector. */
  async open(taskId: string): Promise<RecordCollector> {
    this.close(taskId);
    const transaction = await TaskTransaction.open({
      kafka: this.options.kafka,
      transactionalId: transactionalId(this.options.app, taskId),
      partitionCount: this.options.partitionCount,
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
    const fenced: string[] = [];
    const aborted: StreamTask[] = [];
    for (const result of results) {
      if ('changelogOffsets' in result) {
        result.task.commitState(result.changelogOffsets);
        committed += result.records;
      } else if (isFencingError(result.error)) {
        fenced.push(result.task.id);
      } else {
        logger.warn('transaction aborted; reprocessing from the last commit', { task: result.task.id, error: String(result.error) });
        aborted.push(result.task);
        events.emit('transaction.aborted', { taskId: result.task.id, error: String(result.error) });
      }
    }
    for (const id of fenced) {
      logger.warn('producer fenced: another instance owns the task; closing it', { task: id });
      target.drop(id);
      events.emit('task.fenced', { taskId: id });
    }
    if (aborted.length > 0) {
      await target.reopen(aborted.map((t) => t.id));
      await rewindToCommitted(target.consumer, target.admin, groupId, aborted.flatMap((t) => t.descriptor.inputs));
    }
    return committed;
  }
}
