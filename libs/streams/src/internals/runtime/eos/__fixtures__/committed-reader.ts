import type { Consumer, Kafka } from 'kafkajs';
import { uniqueName } from '@platform/testing';

export interface CommittedRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly partition: number;
  readonly offset: string;
}

/** Test helper: every committed record of a topic from the beginning (READ_COMMITTED, explicitly). */
export class CommittedReader {
  readonly records: CommittedRecord[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<CommittedReader> {
    const consumer = kafka.consumer({ groupId: uniqueName('committed-reader'), readUncommitted: false, maxWaitTimeInMs: 200 });
    const reader = new CommittedReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        reader.records.push({ key: message.key?.toString('utf8') ?? '', value: message.value ?? Buffer.alloc(0), partition, offset: message.offset });
      },
    });
    return reader;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
