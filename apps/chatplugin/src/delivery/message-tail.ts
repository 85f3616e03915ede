import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { errorMessage, retry, type Logger } from '@platform/common';
import type { Message, Serde } from '@platform/schemas';

export interface MessageTailOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly serde: Serde<Message>;
  /** Prefix of the private consumer group (`<prefix>-tail-<random>`). */
  readonly groupIdPrefix: string;
  readonly logger: Logger;
}

/**
 * Every instance follows the whole messages topic through a private consumer group (no committed
 * offsets, like a GlobalTable), from the end of the topic at start: a visitor's socket may be on any
 * replica, so every replica must see every message of the conversations it holds sockets for.
 * Reads committed records only (the router writes in transactions).
 */
export class MessageTail {
  private consumer: Consumer | undefined;

  constructor(private readonly options: MessageTailOptions) {}

  /** Resolves once the consumer runs, positioned at the end the topic had before (nothing after it is missed). */
  async start(onMessage: (message: Message) => Promise<void>): Promise<void> {
    const { kafka, topic, serde, logger } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string }[];
    try {
      // A topic created moments ago may not have its leaders yet.
      ends = await retry(() => admin.fetchTopicOffsets(topic), { retries: 10, initialMs: 200, maxMs: 2000, factor: 2 });
    } finally {
      await admin.disconnect();
    }
    // Short fetch waits: data is returned as soon as it arrives anyway; an idle fetch only delays close.
    const consumer = kafka.consumer({ groupId: `${this.options.groupIdPrefix}-tail-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (message.value === null) return;
        let decoded: Message;
        try {
          decoded = await serde.deserialize(topic, message.value);
        } catch (error) {
          logger.error('message tail skipped a record it cannot decode', { topic, partition, offset: message.offset, error: errorMessage(error) });
          return;
        }
        try {
          await onMessage(decoded);
        } catch (error) {
          logger.error('message tail handler failed', { topic, partition, offset: message.offset, messageId: decoded.id, error: errorMessage(error) });
        }
      },
    });
    for (const end of ends) consumer.seek({ topic, partition: end.partition, offset: end.high });
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.disconnect();
  }
}
