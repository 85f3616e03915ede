import type { Consumer } from 'kafkajs';
import type { ProducerCollector } from './record-collector';
import type { StreamTask } from './stream-task';

/**
 * The at-least-once commit, in this order:
 * 1. produce the changelog records of every task and await the acks of all outputs and changelogs;
 * 2. per task, one SQLite transaction: store data + changelog offsets + input position;
 * 3. commit the input offsets to the consumer group.
 * A crash between any two steps loses nothing: the input is re-read from the last group commit,
 * and records the stores already reflect (their offsets are below the stored input position) are
 * skipped by the task.
 */
export async function commitTasks(tasks: readonly StreamTask[], collector: ProducerCollector, consumer: Consumer): Promise<number> {
  const sends = tasks.flatMap((t) => t.changelogSends());
  const changelogOffsets = await collector.sendChangelogs(sends);
  await collector.flush();
  let records = 0;
  const offsets: { topic: string; partition: number; offset: string }[] = [];
  for (const task of tasks) {
    records += task.processedSinceCommit;
    task.commitState(changelogOffsets);
    offsets.push(...task.takeCommittableOffsets());
  }
  if (offsets.length > 0) await consumer.commitOffsets(offsets);
  return records;
}
