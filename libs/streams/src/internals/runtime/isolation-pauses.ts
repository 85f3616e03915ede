import type { Logger } from '@platform/common';
import { layoutTasks } from '../assignment/task-layout';
import type { StreamsMetrics } from '../metrics/streams-metrics';
import { byTopic } from './eos/rewind';
import type { EventHub } from './events';
import type { InputControl } from './input-control';
import type { IsolatedTask } from './task-isolation';
import type { TaskManager } from './task-manager';
import type { TopicPlan } from './topic-plan';

interface Member {
  readonly tasks: TaskManager;
  readonly input: InputControl;
  readonly plan: TopicPlan;
}

/**
 * The input side of task isolation: an isolated task's partitions are paused and stay paused across
 * rebalances while the task is isolated here; once a new assignment ends its isolation they resume.
 */
export class IsolationPauses {
  /** Tasks whose input this member paused because they were isolated. */
  private readonly paused = new Set<string>();

  constructor(private readonly deps: { readonly metrics: StreamsMetrics; readonly logger: Logger; readonly events: EventHub }) {}

  /** Isolates a task: no more processing or punctuation, input paused, reported. */
  isolate(member: Member, isolated: IsolatedTask): void {
    const task = member.tasks.all.find((t) => t.id === isolated.taskId);
    if (!task || task.isolated) return;
    member.tasks.isolate(isolated);
    member.input.pause(byTopic(task.descriptor.inputs));
    this.paused.add(task.id);
    this.deps.metrics.isolatedTasks(member.tasks.isolated().length);
    this.deps.logger.error('task isolated after repeated failures; its input is paused, other tasks keep running', { ...isolated });
    this.deps.events.emit('task.isolated', isolated);
  }

  /** After an assignment: keep isolated tasks paused, resume tasks whose isolation ended (reassigned). */
  reconcile(member: Member): void {
    for (const id of [...this.paused]) {
      const task = member.tasks.all.find((t) => t.id === id);
      if (task?.isolated) {
        member.input.pause(byTopic(task.descriptor.inputs));
        continue;
      }
      this.paused.delete(id);
      const inputs = layoutTasks(member.plan.sourceTopics, member.plan.partitionCount).find((t) => t.id === id)?.inputs ?? [];
      if (inputs.length > 0) member.input.resume(byTopic(inputs));
    }
    this.deps.metrics.isolatedTasks(member.tasks.isolated().length);
  }
}
