import { taskId } from '../topology/names';
import type { TopicPartitions } from './protocol';

/** One task: a (subtopology, partition) and the input partitions it consumes. */
export interface TaskDescriptor {
  readonly id: string;
  readonly subtopology: number;
  readonly partition: number;
  readonly inputs: readonly { topic: string; partition: number }[];
}

/**
 * Derives the tasks from the (resolved) source topics of each subtopology and their partition
 * counts: one task per partition number, consuming partition N of every source topic that has it.
 */
export function layoutTasks(
  sourceTopics: ReadonlyMap<number, readonly string[]>,
  partitionCount: (topic: string) => number,
): TaskDescriptor[] {
  const tasks: TaskDescriptor[] = [];
  for (const [subtopology, topics] of [...sourceTopics].sort((a, b) => a[0] - b[0])) {
    const count = Math.max(0, ...topics.map(partitionCount));
    for (let partition = 0; partition < count; partition++) {
      const inputs = topics.filter((t) => partition < partitionCount(t)).map((topic) => ({ topic, partition }));
      tasks.push({ id: taskId(subtopology, partition), subtopology, partition, inputs });
    }
  }
  return tasks;
}

/** Groups the input partitions of some tasks by topic, as kafkajs assignments want them. */
export function partitionsOf(tasks: readonly TaskDescriptor[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const task of tasks) {
    for (const input of task.inputs) {
      const list = byTopic.get(input.topic) ?? [];
      list.push(input.partition);
      byTopic.set(input.topic, list);
    }
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}
