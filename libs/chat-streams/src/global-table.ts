import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { errorMessage, retry, silentLogger, type Logger } from '@platform/common';
import type { Serde } from '@platform/schemas';

export interface GlobalTableOptions<V> {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly serde: Serde<V>;
  /** Prefix of the private consumer group (`<prefix>-global-<random>`), e.g. `communication-v1`. */
  readonly groupIdPrefix: string;
  readonly logger?: Logger;
  /**
   * Keep `freshSince()` current: every so many ms, read the topic's end offsets and wait until they are
   * applied. For tables whose absence of a record is a decision (the send epochs). Off by default.
   */
  readonly freshnessIntervalMs?: number;
}

type Waiter = { partition: number; offset: bigint; resolve: (reached: boolean) => void; timer: NodeJS.Timeout };

/**
 * Every record of a small compacted topic (channels, tags...) in memory, on every instance: what
 * Kafka Streams calls a global table. It reads all partitions through a private consumer group
 * (kafkajs cannot assign partitions manually), from the beginning, and keeps tailing. `start()`
 * resolves once the table holds everything the topic had when it started. Tombstones delete.
 * Records that cannot be decoded are logged with their offset and skipped (they stay in the topic).
 */
export class GlobalTable<V> {
  private readonly values = new Map<string, V>();
  private readonly applied = new Map<number, bigint>();
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(key: string, value: V | null) => void>();
  private consumer: Consumer | undefined;
  private admin: Promise<Admin> | undefined;
  private readonly logger: Logger;
  private fresh = 0;
  private freshnessTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: GlobalTableOptions<V>) {
    this.logger = options.logger ?? silentLogger;
  }

  get size(): number {
    return this.values.size;
  }

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  entries(): IterableIterator<[string, V]> {
    return this.values.entries();
  }

  /** Called after each applied record (value null for a deletion); returns an unsubscribe function. */
  onChange(listener: (key: string, value: V | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves true once `offset` of `partition` is applied, false after `timeoutMs`. */
  waitForPosition(partition: number, offset: string | number | bigint, timeoutMs: number): Promise<boolean> {
    const target = BigInt(offset);
    if ((this.applied.get(partition) ?? -1n) >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        partition,
        offset: target,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Resolves true once this table has applied everything its topic held when called (read your
   * own writes made through another instance, e.g. a tag created a moment ago), false after
   * `timeoutMs` or when the end offsets cannot be read.
   */
  async catchUp(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let ends: { partition: number; high: string; low: string }[];
    try {
      ends = await (await this.connectedAdmin()).fetchTopicOffsets(this.options.topic);
    } catch (error) {
      this.logger.warn('global table could not read end offsets', { topic: this.options.topic, error: errorMessage(error) });
      return false;
    }
    const pending = ends.filter((e) => BigInt(e.high) > BigInt(e.low));
    const reached = await Promise.all(pending.map((e) => this.waitForPosition(e.partition, BigInt(e.high) - 1n, Math.max(0, deadline - Date.now()))));
    return reached.every(Boolean);
  }

  /**
   * A wall-clock time up to which this table has applied everything the topic held: every record
   * written before it is in the table. 0 before `start()`; advanced only with `freshnessIntervalMs`.
   */
  freshSince(): number {
    return this.fresh;
  }

  async start(): Promise<void> {
    const { kafka, topic, groupIdPrefix } = this.options;
    const startedAt = Date.now();
    const admin = kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string; low: string }[];
    try {
      // A topic created a moment ago may still answer UNKNOWN_TOPIC_OR_PARTITION (kafkajs marks it retriable).
      ends = await retry(() => admin.fetchTopicOffsets(topic), { retries: 10, initialMs: 100, maxMs: 2000, factor: 2, jitter: 0.2, isRetriable: (e) => (e as { retriable?: boolean }).retriable === true });
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({ groupId: `${groupIdPrefix}-global-${randomUUID()}`, allowAutoTopicCreation: false });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer === consumer) {
        if (!payload.restart) this.logger.error('global table stopped following its topic', { topic, error: errorMessage(payload.error) });
        return;
      }
      // Closed. kafkajs schedules a restart right after a retriable crash and only a disconnect cancels it: a
      // restart whose connect was under way when close() disconnected fails only afterwards (the broker gone),
      // and without this the consumer would start again after close and retry for ever.
      if (payload.restart) setImmediate(() => void consumer.disconnect().catch(() => undefined));
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const caughtUp = Promise.all(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => this.waitForPosition(e.partition, BigInt(e.high) - 1n, 2 ** 31 - 1)));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = message.key?.toString('utf8');
          if (key !== undefined) await this.apply(batch.partition, message.offset, key, message.value);
          this.advance(batch.partition, BigInt(message.offset));
        }
        // Control records (transaction markers) are never delivered: the batch's last offset covers them.
        this.advance(batch.partition, BigInt(batch.lastOffset()));
      },
    });
    await caughtUp;
    this.fresh = startedAt;
    this.logger.info('global table loaded', { topic, records: this.values.size });
    if (this.options.freshnessIntervalMs !== undefined) this.scheduleFreshness(this.options.freshnessIntervalMs);
  }

  private scheduleFreshness(intervalMs: number): void {
    this.freshnessTimer = setTimeout(() => {
      const asked = Date.now();
      void this.catchUp(Math.max(intervalMs * 10, 5_000)).then((reached) => {
        if (reached) this.fresh = Math.max(this.fresh, asked);
        if (this.consumer) this.scheduleFreshness(intervalMs);
      });
    }, intervalMs);
  }

  async close(): Promise<void> {
    clearTimeout(this.freshnessTimer);
    this.freshnessTimer = undefined;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters.clear();
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await admin.then((a) => a.disconnect(), () => undefined);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.disconnect();
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.options.kafka.admin();
      this.admin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.admin = undefined;
          throw error;
        },
      );
    }
    return this.admin;
  }

  private async apply(partition: number, offset: string, key: string, data: Buffer | null): Promise<void> {
    if (data === null) {
      this.values.delete(key);
      this.notify(key, null);
      return;
    }
    try {
      const value = await this.options.serde.deserialize(this.options.topic, data);
      this.values.set(key, value);
      this.notify(key, value);
    } catch (error) {
      this.logger.error('global table skipped a record it cannot decode', { topic: this.options.topic, partition, offset, error: errorMessage(error) });
    }
  }

  private notify(key: string, value: V | null): void {
    for (const listener of this.listeners) {
      try {
        listener(key, value);
      } catch (error) {
        this.logger.error('global table listener failed', { topic: this.options.topic, error: errorMessage(error) });
      }
    }
  }

  private advance(partition: number, offset: bigint): void {
    this.applied.set(partition, offset);
    for (const waiter of this.waiters) {
      if (waiter.partition === partition && offset >= waiter.offset) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }
}
