import type { Consumer, Kafka } from 'kafkajs';
import { uniqueName } from '@platform/testing';

export interface ReadRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly partition: number;
}

/** Test helper: collects every record of a topic from the beginning, in a throwaway group. */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<TopicReader> {
    const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        reader.records.push({ key: message.key?.toString('utf8') ?? null, value: message.value, partition });
      },
    });
    return reader;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
