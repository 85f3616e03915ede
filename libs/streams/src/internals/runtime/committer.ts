import type { Consumer } from 'kafkajs';
import type { ProducerCollector } from './record-collector';
import type { StreamTask } from './stream-task';
import { tpKey } from '../topic-partition';

/**
 * The at-least-once commit, in this order:
 * 1. produce the changelog records of every task and await the acks of all outputs and changelogs;
 * 2. per task, one SQLite transaction: store data + changelog offsets + input position;
 * 3. commit the input offsets to the consumer group.
 * A crash between any two steps loses nothing: the input is re-read from the last group commit,
 * and records the stores already reflect (their offsets are below the stored input position) are
 * skipped by the task.
 */
export async function commitTasks(
  tasks: readonly StreamTask[],
  collector: ProducerCollector,
  offsets: GroupOffsets,
): Promise<number> {
  const sends = tasks.flatMap((t) => t.changelogSends());
  const changelogOffsets = await collector.sendChangelogs(sends);
  await collector.flush();
  let records = 0;
  for (const task of tasks) {
    records += task.processedSinceCommit;
    task.commitState(changelogOffsets);
    for (const o of task.takeCommittableOffsets()) offsets.pending.set(tpKey(o.topic, o.partition), o);
  }
  await offsets.commit();
  return records;
}

type TopicPartitionOffset = { topic: string; partition: number; offset: string };

/**
 * Input offsets waiting for the group commit. A failed commit (typically: the group started
 * rebalancing) keeps them for the next attempt instead of failing the application; offsets of
 * partitions this member no longer owns are dropped at reassignment so they never overwrite the
 * new owner's progress.
 */
export class GroupOffsets {
  readonly pending = new Map<string, TopicPartitionOffset>();

  constructor(
    private readonly consumer: Consumer,
    private readonly onError: (error: unknown) => void,
  ) {}

  async commit(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    try {
      await this.consumer.commitOffsets(batch);
    } catch (error) {
      for (const o of batch) {
        const key = tpKey(o.topic, o.partition);
        if (!this.pending.has(key)) this.pending.set(key, o);
      }
      this.onError(error);
    }
  }

  retainOnly(owned: ReadonlySet<string>): void {
    for (const key of [...this.pending.keys()]) if (!owned.has(key)) this.pending.delete(key);
  }
}
