import { Kafka, type Admin, type Consumer, type EachBatchPayload, type KafkaConfig } from 'kafkajs';
import { silentLogger, type Logger } from '@platform/common';
import { streamsPartitionAssigner } from '../assignment/partition-assigner';
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
import type { FetchConnection } from './restorer';
import { prepareTopics } from './topic-setup';
import type { TopicPlan } from './topic-plan';
import type { IsolatedTask } from './task-isolation';
import { IsolationPauses } from './isolation-pauses';
import { prepareWriteLimits, type TopicLimits } from './topic-limits';
import { tpKey } from '../topic-partition';
import { producerCompression } from '../compression/kafkajs-codecs';

interface Connected {
  readonly admin: Admin;
  readonly producer: OutputProducer;
  readonly consumer: Consumer;
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
    const consumer = kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      sessionTimeout: this.resolved.sessionTimeoutMs,
      partitionAssigners: [
        streamsPartitionAssigner({
          sourceTopics: plan.sourceTopics,
          copartitionGroups: plan.copartitionGroups,
          logger: this.logger,
          subscription: () => this.subscription(),
        }),
      ],
    });
    const offsets = new GroupOffsets(consumer, (error) =>
      this.logger.warn('offset commit failed; retrying at the next commit', { error: String(error) }),
    );
    this.connected = { admin, producer, consumer, collector, tasks, plan, offsets };
    consumer.on(consumer.events.REBALANCING, () => this.lifecycle.transition('REBALANCING'));
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.ready = this.serial.run(() => this.onAssignment(e.payload.memberId, e.payload.memberAssignment));
      this.ready.catch((error) => this.fail(error));
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.fail(e.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...plan.inputTopics], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
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
      await this.serial.run(async () => {
        if (!failed) await this.commitAll(c).catch((e) => this.logger.warn('final commit failed', { error: String(e) }));
        c.tasks.closeAll();
      });
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
    this.isolation.reconcile(c);
    // Exactly-once: the new tasks' producers fenced any zombie; now start from what committed.
    const opened = mine.filter((t) => !before.has(t.id)).flatMap((t) => t.inputs);
    if (this.eos) await this.eos.opened(c.consumer, c.admin, opened);
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
    await this.serial.run(async () => {
      const c = this.connected!;
      const task = c.tasks.taskFor(batch.topic, batch.partition);
      if (!task || task.isolated || this.stopping || this.lifecycle.state === 'ERROR') return;
      const { chunkSize } = this.resolved;
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!isRunning() || isStale()) return;
        const chunk = task.newMessages(batch.topic, batch.partition, batch.messages.slice(i, i + chunkSize));
        let n = 0;
        let records: Awaited<ReturnType<typeof task.deserialize>> = [];
        try {
          records = await task.deserialize(batch.topic, chunk, batch.partition).catch((error) => {
            if (error instanceof ProcessingError || error instanceof TaskIsolationError) throw error;
            throw new ProcessingError(task.id, batch.topic, batch.partition, chunk[0]?.offset ?? '?', error);
          });
          for (; n < records.length; n++) {
            const pending = task.process(batch.topic, batch.partition, records[n]!);
            if (pending) await pending;
          }
        } catch (error) {
          if (!(error instanceof TaskIsolationError)) throw error;
          // everything before the failing record was processed: commit up to it, pause the rest
          if (n > 0) task.advance(batch.topic, batch.partition, records[n - 1]!.offset);
          this.metrics.recordsProcessed(task.id, batch.topic, n);
          const { stage, topic, partition, offset, attempts } = error;
          const reason = String((error.cause as Error)?.message ?? error.cause);
          this.isolation.isolate(c, { taskId: task.id, stage, topic, partition, offset, reason, attempts, since: this.clock(), inputs: task.descriptor.inputs });
          return;
        }
        if (records.length > 0) task.advance(batch.topic, batch.partition, records[records.length - 1]!.offset);
        const last = batch.messages[Math.min(i + chunkSize, batch.messages.length) - 1];
        if (last) resolveOffset(last.offset);
        this.metrics.recordsProcessed(task.id, batch.topic, records.length);
        if (last) this.metrics.position(batch.topic, batch.partition, String(BigInt(last.offset) + 1n), batch.highWatermark);
        if (c.collector.bufferedCount >= this.resolved.maxBufferedOutputs) c.collector.sendBuffered();
        this.eos?.sendBuffered(this.resolved.maxBufferedOutputs);
        await this.commitIfDue();
        await heartbeat();
      }
    }).catch((error) => {
      // Processing errors stop the application; anything else (a rebalance noticed by the
      // heartbeat, a failed commit) goes back to kafkajs, which rejoins and re-delivers.
      if (error instanceof ProcessingError || error instanceof ProductionError) this.fail(error);
      else throw error;
    });
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
    const { tasks, consumer, admin } = c;
    const isolate = (taskId: string, reason: string, attempts: number) => {
      const task = tasks.all.find((t) => t.id === taskId);
      if (task) this.isolation.isolate(c, { taskId, stage: 'commit', reason, attempts, since: this.clock(), inputs: task.descriptor.inputs });
    };
    return this.eos.commit({ tasks: tasks.all, drop: (id) => tasks.drop(id), reopen: (d) => tasks.reopen(d), isolate, consumer, admin });
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
      void c?.consumer.disconnect().catch(() => undefined);
      void c?.producer.disconnect().catch(() => undefined);
      void c?.admin.disconnect().catch(() => undefined);
    });
  }
}

async function waitWithHeartbeat(promise: Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
  let settled = false;
  const watched = promise.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  while (!settled) {
    await Promise.race([watched, new Promise((r) => setTimeout(r, 1000))]);
    if (!settled) await heartbeat().catch(() => undefined);
  }
}

/**
 * Connection settings for the restore fetch reader, known only when the application was given a
 * KafkaConfig (a Kafka instance keeps them private). SASL mechanisms other than PLAIN (and
 * mechanisms configured with callbacks) are left to kafkajs.
 */
function fetchConnectionOf(kafka: Kafka | KafkaConfig): { fetch?: FetchConnection } {
  if (kafka instanceof Kafka) return {};
  const sasl = kafka.sasl as { mechanism?: string; username?: unknown; password?: unknown } | undefined;
  if (sasl && !(sasl.mechanism === 'plain' && typeof sasl.username === 'string' && typeof sasl.password === 'string')) return {};
  const clientId = kafka.clientId ?? 'streams';
  return {
    fetch: {
      clientId,
      ...(kafka.ssl ? { ssl: kafka.ssl } : {}),
      ...(sasl ? { sasl: { mechanism: 'plain', username: sasl.username as string, password: sasl.password as string } } : {}),
    },
  };
}
