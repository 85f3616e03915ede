import { Admin, Kafka, Producer } from 'kafkajs';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';

/** Everything in the partition from its log start offset, as [key, value] pairs, read by a fresh consumer group. */
async function readAll(kafka: Kafka, admin: Admin, topic: string): Promise<[string, string][]> {
  const [{ high }] = await admin.fetchTopicOffsets(topic);
  const records: [string, string][] = [];
  if (high === '0') return records;
  const consumer = kafka.consumer({ groupId: uniqueName('compaction-reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done = false;
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push([message.key?.toString() ?? '', message.value?.toString() ?? '']);
        if (BigInt(message.offset) >= BigInt(high) - 1n) done = true;
      },
    });
    await waitFor(() => done, { timeoutMs: 20_000, description: `${topic} read up to offset ${high}` });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

describe('log compaction on the test broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    kafka = newKafka('infra-compaction');
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('keeps only the latest value per key once segments roll', async () => {
    const topic = uniqueName('compacted');
    await createTopic(admin, topic, {
      config: {
        'cleanup.policy': 'compact',
        'segment.ms': '100',
        'min.cleanable.dirty.ratio': '0.01',
        'delete.retention.ms': '100',
        'min.compaction.lag.ms': '0',
      },
    });
    await producer.send({
      topic,
      messages: [
        { key: 'k', value: 'v1' },
        { key: 'other', value: 'o1' },
        { key: 'k', value: 'v2' },
        { key: 'k', value: 'v3' },
        { key: 'other', value: 'o2' },
      ],
    });

    // The cleaner never touches the active segment: each poll appends a marker so segment.ms rolls the segment.
    const compacted = await waitFor(
      async () => {
        await producer.send({ topic, messages: [{ key: 'roll', value: String(Date.now()) }] });
        const records = await readAll(kafka, admin, topic);
        const forKeys = records.filter(([key]) => key !== 'roll');
        return forKeys.length === 2 ? forKeys : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'compaction of k and other' },
    );
    expect(compacted).toEqual([
      ['k', 'v3'],
      ['other', 'o2'],
    ]);
  }, 90_000);
});
