import type { Logger } from '@platform/common';
import type { TaskDescriptor } from '../assignment/task-layout';
import { taskDirectory } from '../state/state-directory';
import { TaskState } from '../state/task-state';
import type { RecordCollector, RecordScope } from '../task/contract';
import { createTaskExecutor } from '../task/task-executor';
import { internalTopicName, type ApplicationIdentity, applicationKey } from '../topology/names';
import type { StoreSpec, TopologySpec } from '../topology/spec';
import type { StreamsMetrics } from '../metrics/streams-metrics';
import { meteredStores } from '../state/metered-store';
import type { ExactlyOnce } from './eos/exactly-once';
import type { EventHub } from './events';
import type { PoisonRecordPolicy } from './exception-handlers';
import type { ProducerCollector } from './record-collector';
import { restore, restoreRequests, type RestorerOptions } from './restorer';
import { StreamTask } from './stream-task';
import type { TopicPlan } from './topic-plan';
import type { IsolatedTask, TaskFailureHandling } from './task-isolation';
import type { TopicLimits } from './topic-limits';
import { INPUT_OFFSETS_HEADER } from './restorer';
import { tpKey } from '../topic-partition';

export interface TaskManagerOptions {
  readonly spec: TopologySpec;
  readonly plan: TopicPlan;
  readonly app: ApplicationIdentity;
  readonly stateDir: string;
  readonly collector: ProducerCollector;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly events: EventHub;
  readonly restorer: Omit<RestorerOptions, 'applicationKey' | 'events' | 'logger'>;
  /** Exception handlers (absent: every failure stops the application). */
  readonly poison?: PoisonRecordPolicy;
  readonly metrics?: StreamsMetrics;
  /** Exactly-once: each task gets its own transactional producer and collector. */
  readonly transactions?: Pick<ExactlyOnce, 'open' | 'close'>;
  /** `max.message.bytes` of the topics the tasks write (changelogs checked at every store write). */
  readonly limits?: TopicLimits;
  readonly failureHandling?: { readonly mode: TaskFailureHandling; readonly maxAttempts: number };
}

/**
 * Owns the running tasks of this instance. On a new assignment it closes the tasks that left
 * (dropping their uncommitted work, which the new owner reprocesses), opens the new ones on their
 * local state, restores every changelog tail, and only then initializes the processors.
 */
export class TaskManager {
  private readonly tasks = new Map<string, StreamTask>();
  private readonly byInput = new Map<string, StreamTask>();
  /** Isolated tasks still open here (forgotten when the task is closed). */
  private readonly isolatedTasks = new Map<string, IsolatedTask>();

  constructor(private readonly options: TaskManagerOptions) {}

  get all(): StreamTask[] {
    return [...this.tasks.values()];
  }

  ids(): string[] {
    return [...this.tasks.keys()];
  }

  /** Isolated tasks of this instance. */
  isolated(): IsolatedTask[] {
    return [...this.isolatedTasks.values()];
  }

  isolation(taskId: string): IsolatedTask | undefined {
    return this.isolatedTasks.get(taskId);
  }

  /** Marks an open task isolated: it processes and punctuates nothing more until it is reassigned. */
  isolate(isolated: IsolatedTask): void {
    const task = this.tasks.get(isolated.taskId);
    if (!task) return;
    task.isolated = isolated;
    this.isolatedTasks.set(isolated.taskId, isolated);
  }

  taskFor(topic: string, partition: number): StreamTask | undefined {
    return this.byInput.get(tpKey(topic, partition));
  }

  async assign(assigned: readonly TaskDescriptor[]): Promise<void> {
    const wanted = new Set(assigned.map((t) => t.id));
    for (const [id, task] of this.tasks) if (!wanted.has(id)) this.close(task);
    const opened: { descriptor: TaskDescriptor; state: TaskState | undefined }[] = [];
    for (const descriptor of assigned) {
      if (this.tasks.has(descriptor.id)) continue;
      opened.push({ descriptor, state: this.openState(descriptor) });
    }
    const states = opened.map((o) => o.state).filter((s): s is TaskState => s !== undefined);
    const { events, logger } = this.options;
    const collectors = new Map<string, RecordCollector & RecordScope>();
    try {
      // Under exactly-once the producers are opened (fencing any zombie and aborting its open
      // transactions) before restoring, so restoration reads every committed changelog record.
      const { transactions } = this.options;
      if (transactions) for (const { descriptor } of opened) collectors.set(descriptor.id, await transactions.open(descriptor.id));
      await restore(await restoreRequests(this.options.restorer.admin, states), {
        ...this.options.restorer,
        applicationKey: applicationKey(this.options.app),
        events,
        logger,
      });
    } catch (error) {
      for (const state of states) state.close();
      for (const id of collectors.keys()) this.options.transactions?.close(id);
      throw error;
    }
    for (const { descriptor, state } of opened) {
      const executor = createTaskExecutor({
        app: this.options.app,
        topology: this.options.spec,
        subtopology: descriptor.subtopology,
        partition: descriptor.partition,
        resolveTopic: this.options.plan.resolve,
        stores: state
          ? this.options.metrics ? meteredStores(state.storeFactory, this.options.metrics) : state.storeFactory
          : () => { throw new Error(`task ${descriptor.id} has no state`); },
        collector: collectors.get(descriptor.id) ?? this.options.collector,
        clock: this.options.clock,
      });
      executor.init();
      const task = new StreamTask(descriptor, executor, state, this.options.spec, this.options.plan.resolve);
      const { poison } = this.options;
      const collector = collectors.get(descriptor.id) ?? this.options.collector;
      if (poison) task.poison = (stage, topic, partition, message, error) => poison.handle(stage, collector, { taskId: descriptor.id, topic, partition }, message, error);
      task.scope = collector;
      if (this.options.failureHandling) task.failureHandling = this.options.failureHandling;
      this.tasks.set(descriptor.id, task);
      for (const input of descriptor.inputs) this.byInput.set(tpKey(input.topic, input.partition), task);
      events.emit('task.opened', { taskId: descriptor.id, localState: state?.outcome ?? 'stateless' });
    }
  }

  /** Closes a task without committing (exactly-once: its producer was fenced by a newer owner). */
  drop(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task) this.close(task);
  }

  /** Closes these tasks (if open) without committing and opens them again on their last committed local state. */
  async reopen(descriptors: readonly TaskDescriptor[]): Promise<void> {
    const ids = new Set(descriptors.map((d) => d.id));
    const keep = this.all.map((t) => t.descriptor).filter((d) => !ids.has(d.id));
    for (const id of ids) this.drop(id);
    await this.assign([...keep, ...descriptors]);
  }

  closeAll(): void {
    for (const task of [...this.tasks.values()]) this.close(task);
  }

  private close(task: StreamTask): void {
    this.tasks.delete(task.id);
    this.isolatedTasks.delete(task.id);
    this.options.transactions?.close(task.id);
    for (const input of task.descriptor.inputs) this.byInput.delete(tpKey(input.topic, input.partition));
    try {
      task.close();
    } catch (error) {
      this.options.logger.warn('task close failed', { task: task.id, error: String(error) });
    }
    this.options.events.emit('task.closed', { taskId: task.id });
  }

  private openState(descriptor: TaskDescriptor): TaskState | undefined {
    const { spec, app, plan, stateDir, logger } = this.options;
    const sub = spec.subtopologies.find((s) => s.id === descriptor.subtopology)!;
    if (sub.stores.length === 0) return undefined;
    const stores = sub.stores.map((name) => spec.stores.get(name)!);
    return new TaskState({
      dir: taskDirectory(stateDir, applicationKey(app), descriptor.id),
      taskId: descriptor.id,
      partition: descriptor.partition,
      stores,
      changelogTopic: (store: StoreSpec) => {
        if (store.changelog.kind === 'internal') return { kind: 'internal', topic: internalTopicName(app, store.name, 'changelog') };
        if (store.changelog.kind === 'source') return { kind: 'source', topic: plan.resolve(store.changelog.topic) };
        return undefined;
      },
      logger: logger.child({ task: descriptor.id }),
      changelogLimit: this.options.limits ? (topic) => this.options.limits?.get(topic) : undefined,
      // the last changelog record of a commit carries the input position of every input partition
      changelogHeaderBytes:
        10 + INPUT_OFFSETS_HEADER.length + 2 + descriptor.inputs.reduce((sum, i) => sum + Buffer.byteLength(i.topic) + 36, 0),
    });
  }
}
