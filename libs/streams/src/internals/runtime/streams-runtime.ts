import { Kafka, type Admin, type Consumer, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import { silentLogger, type Logger } from '@platform/common';
import { PROTOCOL_VERSION, type AssignmentInfo } from '../assignment/protocol';
import { layoutTasks } from '../assignment/task-layout';
import { localTaskOffsets } from '../state/state-directory';
import { StateDirectoryLock } from '../state/state-directory-lock';
import type { TopologySpec } from '../topology/spec';
import { applicationKey, deadLetterTopicName } from '../topology/names';
import { StreamsMetrics } from '../metrics/streams-metrics';
import { PoisonRecordPolicy } from './exception-handlers';
import { commitTasks, GroupOffsets } from './committer';
import { ExactlyOnce } from './eos/exactly-once';
import { ProcessingError, ProductionError, TaskIsolationError } from './errors';
import { EventHub } from './events';
import { Lifecycle } from './lifecycle';
import { fetchAssignmentInfo } from './metadata';
import { resolveOptions, type ResolvedOptions, type StreamsApplicationOptions } from './options';
import { ProducerCollector } from './record-collector';
import { openOutputProducer, type OutputProducer } from '../client/output-producer';
import { SerialQueue } from './serial-queue';
import { TaskManager } from './task-manager';
import { prepareTopics } from './topic-setup';
import type { TopicPlan } from './topic-plan';
import type { IsolatedTask } from './task-isolation';
import { IsolationPauses } from './isolation-pauses';
import { prepareWriteLimits, type TopicLimits } from './topic-limits';
import { tpKey } from '../topic-partition';
import type { InputBatch, InputFetcher } from '../client/input-fetcher';
import { onConsumerCrash } from '../client/consumer-crash';
import { groupConsumer } from './group-consumer';
import { waitWithHeartbeat } from './wait-with-heartbeat';
import { fetchConnectionOf, leanInputFetcher } from './own-connection';
import type { InputControl } from './input-control';
import { committedPositions } from './eos/rewind';
import { producerCompression } from '../compression/kafkajs-codecs';

interface Connected {
  readonly admin: Admin;
  readonly producer: OutputProducer;
  readonly consumer: Consumer;
  /** What pauses, resumes and seeks the input: the consumer, or the lean fetcher. */
  readonly input: InputControl;
  /** Set under `fetchPath: 'lean'` (with usable connection settings). */
  readonly fetcher: InputFetcher | undefined;
  readonly collector: ProducerCollector;
  readonly tasks: TaskManager;
  readonly plan: TopicPlan;
  readonly offsets: GroupOffsets;
}

/**
 * The production runtime: one consumer (group = applicationKey, the streams assigner), one
 * producer, the tasks, the commit loop and the punctuation timer. Processing, commits, punctuation
 * and task changes run one at a time through a serial queue.
 */
export class StreamsRuntime {
  readonly lifecycle = new Lifecycle();
  readonly events = new EventHub();
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly resolved: ResolvedOptions;
  private readonly serial = new SerialQueue();
  private connected: Connected | undefined;
  private assignment: AssignmentInfo | undefined;
  private ready: Promise<void> = Promise.resolve();
  private heartbeat: () => Promise<void> = async () => undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastCommit = 0;
  private memberId: string | undefined;
  private stopping = false;
  /** Set under `processingGuarantee: 'exactly-once'`. */
  private eos: ExactlyOnce | undefined;
  private readonly metrics: StreamsMetrics;
  private readonly poison: PoisonRecordPolicy;
  private readonly isolation: IsolationPauses;
  /** This instance's hold on `<stateDir>/<applicationKey>/`, from start() to close() (or ERROR). */
  private lock: StateDirectoryLock | undefined;

  constructor(
    private readonly spec: TopologySpec,
    private readonly options: StreamsApplicationOptions,
  ) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'streams', app: applicationKey(options.app) });
    this.clock = options.clock ?? Date.now;
    this.resolved = resolveOptions(options);
    this.metrics = new StreamsMetrics(options.metrics, applicationKey(options.app));
    this.metrics.observeRestore(this.events);
    this.isolation = new IsolationPauses({ metrics: this.metrics, logger: this.logger, events: this.events });
    this.poison = new PoisonRecordPolicy(
      {
        deserialization: options.deserializationExceptionHandler,
        processing: options.processingExceptionHandler,
        production: options.productionExceptionHandler,
        defaultTopic: deadLetterTopicName(options.app),
      },
      (failure, topic) => {
        this.metrics.deadLettered(failure.stage, topic);
        this.logger.warn('record sent to the dead-letter topic', { topic, source: `${failure.topic}-${failure.partition}@${failure.offset}`, stage: failure.stage });
      },
    );
  }

  get groupId(): string {
    return applicationKey(this.options.app);
  }

  get assignmentInfo(): AssignmentInfo | undefined {
    return this.assignment;
  }

  get taskManager(): TaskManager | undefined {
    return this.connected?.tasks;
  }

  /** The resolved topics and partition counts, once started (for interactive queries). */
  get topicPlan(): TopicPlan | undefined {
    return this.connected?.plan;
  }

  async start(): Promise<void> {
    // registers every codec with kafkajs; a missing package of the chosen codec fails here, named
    const compression = producerCompression(this.resolved.compression);
    const kafka = this.options.kafka instanceof Kafka ? this.options.kafka : new Kafka(this.options.kafka);
    this.lifecycle.require('REBALANCING');
    this.lock = StateDirectoryLock.acquire(this.options.stateDir, this.groupId);
    const admin = kafka.admin();
    await admin.connect();
    let plan: TopicPlan;
    let limits: TopicLimits;
    try {
      plan = await prepareTopics(admin, this.spec, this.options.app, this.logger, this.resolved.internalTopicMaxMessageBytes);
      limits = await prepareWriteLimits(admin, this.spec, plan, this.poison, this.resolved.internalTopicMaxMessageBytes, this.logger);
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    const connection = fetchConnectionOf(this.options.kafka).fetch;
    const producer = await openOutputProducer({ kafka, admin, path: this.resolved.producePath, connection, logger: this.logger });
    const collector = new ProducerCollector(producer, plan.partitionCount, limits, compression);
    if (this.resolved.processingGuarantee === 'exactly-once') {
      const { app } = this.options;
      const { sessionTimeoutMs: reclaimAfterMs } = this.resolved;
      const { logger, events, clock } = this;
      const maxAbortsBeforeIsolation = this.resolved.taskFailureHandling === 'isolate' ? this.resolved.maxTaskAttempts : undefined;
      this.eos = new ExactlyOnce({ kafka, app, groupId: this.groupId, partitionCount: plan.partitionCount, limits, compression, maxAbortsBeforeIsolation, logger, events, clock, reclaimAfterMs });
    }
    const tasks = new TaskManager({
      spec: this.spec,
      plan,
      app: this.options.app,
      stateDir: this.options.stateDir,
      collector,
      clock: this.clock,
      logger: this.logger,
      events: this.events,
      restorer: { kafka, admin, keepAlive: () => this.heartbeat(), ...fetchConnectionOf(this.options.kafka) },
      poison: this.poison,
      metrics: this.metrics,
      transactions: this.eos,
      limits,
      failureHandling: { mode: this.resolved.taskFailureHandling, maxAttempts: this.resolved.maxTaskAttempts },
    });
    const fetcher = leanInputFetcher(this.resolved.fetchPath, connection, admin, this.logger, {
      onBatch: (batch) => this.onLeanBatch(batch),
      onFatal: (error) => this.fail(error),
    });
    const consumer = groupConsumer(kafka, {
      groupId: this.groupId,
      plan,
      sessionTimeoutMs: this.resolved.sessionTimeoutMs,
      leanFetch: fetcher !== undefined,
      logger: this.logger,
      subscription: () => this.subscription(),
    });
    const offsets = new GroupOffsets(consumer, (error) =>
      this.logger.warn('offset commit failed; retrying at the next commit', { error: String(error) }),
    );
    this.connected = { admin, producer, consumer, input: fetcher ?? consumer, fetcher, collector, tasks, plan, offsets };
    consumer.on(consumer.events.REBALANCING, () => {
      fetcher?.suspend();
      this.lifecycle.transition('REBALANCING');
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      // kafkajs fetches nothing under the lean path (emitted before its first fetch; topic pauses outlive rebalances)
      if (fetcher) consumer.pause(plan.inputTopics.map((topic) => ({ topic })));
      this.ready = this.serial.run(() => this.onAssignment(e.payload.memberId, e.payload.memberAssignment));
      this.ready.catch((error) => this.fail(error));
    });
    onConsumerCrash(consumer, { fetcher, closing: () => this.stopping, fatal: (error) => this.fail(error) });
    await consumer.connect();
    await consumer.subscribe({ topics: [...plan.inputTopics], fromBeginning: true });
    const eachBatch = fetcher ? async () => undefined : (p: EachBatchPayload) => this.onBatch(p);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    this.lastCommit = this.clock();
    this.timer = setInterval(() => void this.serial.run(() => this.tick()).catch((e) => this.fail(e)), this.resolved.punctuationTickMs);
  }

  /** Commits, closes the tasks, leaves the group and disconnects. */
  async close(): Promise<void> {
    if (this.lifecycle.state === 'NOT_RUNNING') return;
    const failed = this.lifecycle.state === 'ERROR';
    if (!failed) this.lifecycle.transition('PENDING_SHUTDOWN');
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.connected;
    if (c) {
      const fetchStopped = c.fetcher?.stop();
      await this.serial.run(async () => {
        if (!failed) await this.commitAll(c).catch((e) => this.logger.warn('final commit failed', { error: String(e) }));
        c.tasks.closeAll();
      });
      await fetchStopped;
      await this.eos?.drain();
      await c.consumer.disconnect().catch(() => undefined);
      await c.producer.disconnect().catch(() => undefined);
      await c.admin.disconnect().catch(() => undefined);
    }
    this.lock?.release();
    if (!failed) this.lifecycle.transition('NOT_RUNNING');
  }

  /** Tasks isolated on this instance after repeated failures. */
  isolatedTasks(): IsolatedTask[] {
    return this.connected?.tasks.isolated() ?? [];
  }

  private subscription() {
    const held: Record<string, number> = { ...localTaskOffsets(this.options.stateDir, this.groupId) };
    for (const id of this.connected?.tasks.ids() ?? []) held[id] = held[id] ?? 0;
    return { version: PROTOCOL_VERSION, endpoint: this.options.applicationServer, tasks: held };
  }

  private async onAssignment(memberId: string, assigned: Record<string, number[]>): Promise<void> {
    const c = this.connected!;
    const owned = new Set(Object.entries(assigned).flatMap(([t, ps]) => ps.map((p) => tpKey(t, p))));
    const mine = layoutTasks(c.plan.sourceTopics, c.plan.partitionCount).filter((task) =>
      task.inputs.some((i) => owned.has(tpKey(i.topic, i.partition))),
    );
    if (this.memberId !== undefined && this.memberId !== memberId) {
      // We were dropped from the group (new member id): others may have run our tasks meanwhile,
      // so reopen everything from committed state and restore the changelog tails.
      this.logger.warn('rejoined with a new member id; reopening all tasks', { previous: this.memberId, memberId });
      c.offsets.retainOnly(new Set());
      c.tasks.closeAll();
    }
    this.memberId = memberId;
    c.offsets.retainOnly(owned);
    this.metrics.retainPartitions(owned);
    const before = new Set(c.tasks.ids());
    await c.tasks.assign(mine);
    const opened = mine.filter((t) => !before.has(t.id)).flatMap((t) => t.inputs);
    // the lean fetcher goes on with kept partitions from its positions, with opened ones from the commits
    if (c.fetcher) await c.fetcher.assign(mine.flatMap((t) => t.inputs), await committedPositions(c.admin, this.groupId, opened));
    this.isolation.reconcile(c);
    // Exactly-once: the new tasks' producers fenced any zombie; now start from what committed.
    if (this.eos) await this.eos.opened(c.input, c.admin, opened);
    this.assignment = await this.readAssignment(c.admin, memberId);
    this.events.emit('rebalance.assigned', { memberId, tasks: mine.map((t) => t.id) });
    if (!this.stopping) this.lifecycle.transition('RUNNING');
  }

  private async readAssignment(admin: Admin, memberId: string): Promise<AssignmentInfo | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const info = await fetchAssignmentInfo(admin, this.groupId, memberId).catch(() => undefined);
      if (info) return info;
      await new Promise((r) => setTimeout(r, 200));
    }
    return this.assignment;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset, isRunning, isStale } = payload;
    this.heartbeat = heartbeat;
    await waitWithHeartbeat(this.ready, heartbeat);
    const control: BatchControl = { heartbeat, resolveOffset, stale: () => !isRunning() || isStale() };
    await this.serial.run(() => this.processBatch(batch.topic, batch.partition, batch.messages, batch.highWatermark, control)).catch((error) => {
      // Processing errors stop the application; anything else (a rebalance noticed by the
      // heartbeat, a failed commit) goes back to kafkajs, which rejoins and re-delivers.
      if (error instanceof ProcessingError || error instanceof ProductionError) this.fail(error);
      else throw error;
    });
  }

  /** A batch from the lean fetcher (kafkajs heartbeats on its own meanwhile). */
  private async onLeanBatch(batch: InputBatch): Promise<void> {
    const control: BatchControl = { heartbeat: async () => undefined, resolveOffset: (o) => batch.resolveOffset(o), stale: () => !batch.current() };
    await this.serial.run(() => this.processBatch(batch.topic, batch.partition, batch.messages, batch.highWatermark, control)).catch((error) => {
      // Processing errors stop the application; anything else (a failed commit) makes the fetcher
      // read the partition again from its position.
      if (error instanceof ProcessingError || error instanceof ProductionError) this.fail(error);
      else throw error;
    });
  }

  /** Processes a partition's records in chunks, committing when due; stops when the batch went stale. */
  private async processBatch(topic: string, partition: number, messages: KafkaMessage[], highWatermark: string, control: BatchControl): Promise<void> {
    const c = this.connected!;
    const task = c.tasks.taskFor(topic, partition);
    if (!task || task.isolated || this.stopping || this.lifecycle.state === 'ERROR') return;
    const { chunkSize } = this.resolved;
    for (let i = 0; i < messages.length; i += chunkSize) {
      if (control.stale()) return;
      const chunk = task.newMessages(topic, partition, messages.slice(i, i + chunkSize));
      let n = 0;
      let records: Awaited<ReturnType<typeof task.deserialize>> = [];
      try {
        records = await task.deserialize(topic, chunk, partition).catch((error) => {
          if (error instanceof ProcessingError || error instanceof TaskIsolationError) throw error;
          throw new ProcessingError(task.id, topic, partition, chunk[0]?.offset ?? '?', error);
        });
        for (; n < records.length; n++) {
          const pending = task.process(topic, partition, records[n]!);
          if (pending) await pending;
        }
      } catch (error) {
        if (!(error instanceof TaskIsolationError)) throw error;
        // everything before the failing record was processed: commit up to it, pause the rest
        if (n > 0) task.advance(topic, partition, records[n - 1]!.offset);
        this.metrics.recordsProcessed(task.id, topic, n);
        const { stage, offset, attempts } = error;
        const reason = String((error.cause as Error)?.message ?? error.cause);
        this.isolation.isolate(c, { taskId: task.id, stage, topic: error.topic, partition: error.partition, offset, reason, attempts, since: this.clock(), inputs: task.descriptor.inputs });
        return;
      }
      if (records.length > 0) task.advance(topic, partition, records[records.length - 1]!.offset);
      const last = messages[Math.min(i + chunkSize, messages.length) - 1];
      if (last) control.resolveOffset(last.offset);
      this.metrics.recordsProcessed(task.id, topic, records.length);
      if (last) this.metrics.position(topic, partition, String(BigInt(last.offset) + 1n), highWatermark);
      if (c.collector.bufferedCount >= this.resolved.maxBufferedOutputs) c.collector.sendBuffered();
      this.eos?.sendBuffered(this.resolved.maxBufferedOutputs);
      await this.commitIfDue();
      await control.heartbeat();
    }
  }

  private async tick(): Promise<void> {
    const c = this.connected;
    if (!c || this.stopping || this.lifecycle.state === 'ERROR') return;
    const now = this.clock();
    for (const task of c.tasks.all) if (!task.isolated) this.metrics.punctuations(task.executor.punctuateWallClock(now));
    await this.commitIfDue();
  }

  private async commitIfDue(): Promise<void> {
    const c = this.connected!;
    if (this.clock() - this.lastCommit < this.resolved.commitIntervalMs) return;
    this.lastCommit = this.clock();
    const done = this.metrics.commitTimer();
    const records = await this.commitAll(c);
    done();
    this.events.emit('commit.done', { tasks: c.tasks.all.length, records });
  }

  private commitAll(c: Connected): Promise<number> {
    if (!this.eos) return commitTasks(c.tasks.all, c.collector, c.offsets);
    const { tasks, admin } = c;
    const isolate = (taskId: string, reason: string, attempts: number) => {
      const task = tasks.all.find((t) => t.id === taskId);
      if (task) this.isolation.isolate(c, { taskId, stage: 'commit', reason, attempts, since: this.clock(), inputs: task.descriptor.inputs });
    };
    return this.eos.commit({ tasks: tasks.all, drop: (id) => tasks.drop(id), reopen: (d) => tasks.reopen(d), isolate, input: c.input, admin });
  }

  private fail(error: unknown): void {
    if (this.lifecycle.state === 'ERROR' || this.lifecycle.state === 'NOT_RUNNING') return;
    this.logger.error('streams application failed', { error: String(error) });
    this.lifecycle.transition('ERROR', error);
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.connected;
    // Never await the consumer from inside its own callbacks: shut down on the next turn.
    setImmediate(() => {
      void this.serial.run(async () => {
        c?.tasks.closeAll();
        this.lock?.release();
      });
      void c?.fetcher?.stop();
      void c?.consumer.disconnect().catch(() => undefined);
      void c?.producer.disconnect().catch(() => undefined);
      void c?.admin.disconnect().catch(() => undefined);
    });
  }
}

/** How the processing loop talks back to whichever client fetched the batch. */
interface BatchControl {
  heartbeat(): Promise<void>;
  resolveOffset(offset: string): void;
  /** True once the rest of the batch must not be processed (a rebalance, seek or pause since it was fetched). */
  stale(): boolean;
}
