import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { errorMessage, retry, type Logger } from '@platform/common';
import type { WebhookEvent, WebhookEventType } from '../events/webhook-event';
import { EventWindow } from './event-window';
import type { Position } from './position';

/** An event of `application.webhooks.events` as the websocket sends it. */
export interface LiveEvent {
  /** Arrival order on this replica (replay walks the window in this order). */
  readonly seq: number;
  readonly partition: number;
  readonly offset: bigint;
  readonly type: WebhookEventType;
  readonly conversationId: string | undefined;
  readonly channelId: string | undefined;
  /** The envelope `{"id","type","payload","timestamp"}`, exactly as webhooks POST it. */
  readonly body: string;
}

export interface EventLogOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Prefix of the private consumer group (`<prefix>-realtime-<random>`); nothing is ever committed. */
  readonly groupIdPrefix: string;
  /** The replay window: at most this many events … */
  readonly windowEvents: number;
  /** … and this many body bytes are kept; on start each partition is read from its last windowEvents/partitions events. */
  readonly windowBytes: number;
  readonly logger: Logger;
}

/**
 * Every replica's own tail of the events topic: a private consumer group (so it is assigned every
 * partition whatever the other replicas do) that never commits, and an in-memory window of the most
 * recent events in arrival order. Positions are Kafka offsets, so a client can resume on any replica:
 * `covers` says whether this replica's window still holds everything after a position.
 */
export class EventLog {
  private readonly window: EventWindow<LiveEvent>;
  /** Per partition: the smallest offset whose events are all still in the window. */
  private firstRetained: bigint[] = [];
  /** Per partition: the next offset this tail will read. */
  private liveNext: bigint[] = [];
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly catchUpWaiters = new Set<() => void>();
  private consumer: Consumer | undefined;

  constructor(private readonly options: EventLogOptions) {
    this.window = new EventWindow(options.windowEvents, options.windowBytes, (old) => {
      if (old.offset + 1n > (this.firstRetained[old.partition] ?? 0n)) this.firstRetained[old.partition] = old.offset + 1n;
    });
  }

  get partitions(): number {
    return this.liveNext.length;
  }

  /** Reads the last events of every partition into the window, then keeps tailing. */
  async start(): Promise<void> {
    const { kafka, topic, logger } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string; low: string }[];
    try {
      ends = await retry(() => admin.fetchTopicOffsets(topic), { retries: 10, initialMs: 100, maxMs: 2000, factor: 2, jitter: 0.2, isRetriable: (e) => (e as { retriable?: boolean }).retriable === true });
    } finally {
      await admin.disconnect();
    }
    const perPartition = BigInt(Math.max(1, Math.floor(this.options.windowEvents / Math.max(1, ends.length))));
    const count = Math.max(...ends.map((e) => e.partition)) + 1;
    this.firstRetained = Array.from({ length: count }, () => 0n);
    this.liveNext = Array.from({ length: count }, () => 0n);
    const highs = Array.from({ length: count }, () => 0n);
    for (const end of ends) {
      const high = BigInt(end.high);
      const low = BigInt(end.low);
      const start = high - perPartition > low ? high - perPartition : low;
      this.firstRetained[end.partition] = start;
      this.liveNext[end.partition] = start;
      highs[end.partition] = high;
    }
    const consumer = kafka.consumer({ groupId: `${this.options.groupIdPrefix}-realtime-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const partition = batch.partition;
        if (partition >= this.liveNext.length) return; // partitions added after start: a restart picks them up
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < (this.liveNext[partition] ?? 0n)) continue;
          this.liveNext[partition] = offset + 1n;
          if (message.value !== null) this.append(partition, offset, message.value);
        }
        // Transaction markers are never delivered as messages: the batch's last offset covers them.
        const last = BigInt(batch.lastOffset()) + 1n;
        if (last > (this.liveNext[partition] ?? 0n)) this.liveNext[partition] = last;
        for (const waiter of [...this.catchUpWaiters]) waiter();
        await Promise.resolve();
      },
    });
    for (const end of ends) consumer.seek({ topic, partition: end.partition, offset: String(this.liveNext[end.partition]) });
    await new Promise<void>((resolve) => {
      const check = () => {
        if (highs.every((high, p) => (this.liveNext[p] ?? 0n) >= high)) {
          this.catchUpWaiters.delete(check);
          resolve();
        }
      };
      this.catchUpWaiters.add(check);
      check();
    });
    logger.info('realtime event window loaded', { topic, events: this.window.size, partitions: count });
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.listeners.clear();
    if (consumer) await consumer.disconnect();
  }

  /** Where a subscription that wants only new events starts. */
  current(): Position {
    return [...this.liveNext];
  }

  /** The position completed to every partition, or undefined when it names more partitions than the topic has. */
  normalize(position: Position): Position | undefined {
    if (position.length > this.liveNext.length) return undefined;
    return this.liveNext.map((_, p) => position[p] ?? 0n);
  }

  /** True when every event after `position` is in the window (or not read yet). */
  covers(position: Position): boolean {
    return this.firstRetained.every((first, p) => (position[p] ?? 0n) >= first);
  }

  get firstSeq(): number {
    return this.window.firstSeq;
  }

  get endSeq(): number {
    return this.window.endSeq;
  }

  /** The event with this arrival number, or undefined once it left the window (or before it exists). */
  at(seq: number): LiveEvent | undefined {
    return this.window.at(seq);
  }

  onEvent(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private append(partition: number, offset: bigint, value: Buffer): void {
    let event: LiveEvent;
    try {
      event = toLiveEvent(this.window.endSeq, partition, offset, JSON.parse(value.toString('utf8')) as WebhookEvent);
    } catch (error) {
      this.options.logger.error('realtime skipped an event it cannot read', { partition, offset: String(offset), error: errorMessage(error) });
      return;
    }
    this.window.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.error('realtime listener failed', { error: errorMessage(error) });
      }
    }
  }
}

function toLiveEvent(seq: number, partition: number, offset: bigint, event: WebhookEvent): LiveEvent {
  if (typeof event.body !== 'string' || typeof event.type !== 'string') throw new Error('not a webhook event');
  const payload = (JSON.parse(event.body) as { payload?: Record<string, unknown> }).payload ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  let conversationId: string | undefined;
  let channelId: string | undefined;
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
      conversationId = text(payload['conversation_id']);
      channelId = text(payload['channel_id']);
      break;
    case 'conversation.updated':
      conversationId = text(payload['id']);
      channelId = text(payload['channel_id']);
      break;
    case 'channel.updated':
      channelId = text(payload['id']);
      break;
    case 'metadata.updated':
      if (payload['subject'] === 'channel') channelId = text(payload['identifier']);
      else conversationId = event.orderingKey;
      break;
    default:
      break;
  }
  return { seq, partition, offset, type: event.type, conversationId, channelId, body: event.body };
}
