import { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';

// The broker started for the tests behaves like the Kafka the platform relies on, seen through kafkajs 2.2.4.
describe('Kafka broker through kafkajs', () => {
  let kafka: Kafka;
  let admin: Admin;
  const consumers: Consumer[] = [];

  const consume = async (topic: string, options: { readUncommitted?: boolean } = {}) => {
    const received: KafkaMessage[] = [];
    const consumer = kafka.consumer({ groupId: uniqueName('rt-group'), readUncommitted: options.readUncommitted ?? false });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    return received;
  };

  beforeAll(async () => {
    kafka = newKafka('infra-roundtrip');
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await admin.disconnect();
  });

  it('produces and consumes in a consumer group, keeping per-key order', async () => {
    const topic = uniqueName('rt-plain');
    await createTopic(admin, topic, { partitions: 2 });
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 3}`, value: String(i) }));
    await producer.send({ topic, messages });
    await producer.disconnect();

    const received = await consume(topic);
    await waitFor(() => received.length === 10, { description: '10 records' });
    for (const key of ['k0', 'k1', 'k2']) {
      const values = received.filter((m) => m.key?.toString() === key).map((m) => Number(m.value?.toString()));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('commits consumed offsets inside a transaction and hides aborted records from read_committed readers', async () => {
    const input = uniqueName('rt-txn-in');
    const output = uniqueName('rt-txn-out');
    const group = uniqueName('rt-txn-group');
    await createTopic(admin, input);
    await createTopic(admin, output);
    const producer = kafka.producer({ transactionalId: uniqueName('rt-txn'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    const committed = await producer.transaction();
    await committed.send({ topic: output, messages: [{ key: 'a', value: 'first' }] });
    await committed.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '3' }] }] });
    await committed.commit();

    const aborted = await producer.transaction();
    await aborted.send({ topic: output, messages: [{ key: 'b', value: 'aborted' }] });
    await aborted.abort();

    const last = await producer.transaction();
    await last.send({ topic: output, messages: [{ key: 'c', value: 'last' }] });
    await last.commit();
    await producer.disconnect();

    const offsets = await admin.fetchOffsets({ groupId: group, topics: [input] });
    expect(offsets[0].partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })]);

    const received = await consume(output);
    // Records arrive in log order, so seeing 'last' means the aborted one was skipped.
    await waitFor(() => received.some((m) => m.value?.toString() === 'last'), { description: 'the last committed record' });
    expect(received.map((m) => m.value?.toString())).toEqual(['first', 'last']);
  });

  it('creates, lists and deletes topics', async () => {
    const topic = uniqueName('rt-admin');
    await createTopic(admin, topic, { partitions: 3, config: { 'retention.ms': '60000' } });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0].partitions).toHaveLength(3);
    expect(await admin.listTopics()).toContain(topic);

    await admin.deleteTopics({ topics: [topic] });
    await waitFor(async () => !(await admin.listTopics()).includes(topic), { description: `${topic} deleted` });
  });

  it('deleteTopicRecords (DeleteRecords) moves the log start offset', async () => {
    const topic = uniqueName('rt-delete-records');
    await createTopic(admin, topic);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: ['0', '1', '2', '3', '4'].map((value) => ({ value })) });
    await producer.disconnect();

    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
    const [offsets] = await admin.fetchTopicOffsets(topic);
    expect(offsets).toMatchObject({ partition: 0, low: '3', high: '5' });

    const received = await consume(topic);
    await waitFor(() => received.length === 2, { description: 'the two remaining records' });
    expect(received.map((m) => m.offset)).toEqual(['3', '4']);
  });
});
