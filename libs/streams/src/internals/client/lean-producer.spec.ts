import * as net from 'node:net';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { CompressionTypes, type Admin, type Kafka, type KafkaMessage, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { registerKafkaJsCodecs } from '../compression/kafkajs-codecs';
import { ProduceError } from './errors';
import { LeanProducer } from './lean-producer';

interface Seen {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  timestamp: string;
  headers: [string, string][];
}

async function readAll(kafka: Kafka, topic: string, count: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('lean-reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push(asSeen(partition, message)) });
    await waitFor(() => seen.length >= count, { timeoutMs: 20_000 });
  } finally {
    await consumer.disconnect();
  }
  return seen.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

function asSeen(partition: number, m: KafkaMessage): Seen {
  const headers: [string, string][] = [];
  for (const [k, v] of Object.entries(m.headers ?? {})) for (const one of Array.isArray(v) ? v : [v]) headers.push([k, String(one)]);
  return { partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, timestamp: m.timestamp, headers };
}

const byPartition = (acks: RecordMetadata[]) => acks.map((a) => [a.topicName.replace(/-(kafkajs|lean)-.*$/, ''), a.partition, a.baseOffset]).sort();

describe('LeanProducer against the broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const lean: LeanProducer[] = [];
  const open = (admin_: Pick<Admin, 'describeCluster' | 'fetchTopicMetadata'> = admin, retries?: number) => {
    const p = new LeanProducer({ admin: admin_, connection: { clientId: 'lean-producer-spec' }, retryBackoffMs: 20, ...(retries === undefined ? {} : { retries }) });
    lean.push(p);
    return p;
  };

  beforeAll(async () => {
    registerKafkaJsCodecs();
    kafka = newKafka('lean-producer-spec');
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterEach(async () => {
    await Promise.all(lean.splice(0).map((p) => p.disconnect()));
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('appends the same records, offsets and metadata as kafkajs: partitions by key like kafkajs, headers, timestamps, tombstones, codecs', async () => {
    const topics = { kafkajs: uniqueName('same-kafkajs'), lean: uniqueName('same-lean') };
    await Promise.all(Object.values(topics).map((t) => createTopic(admin, t, { partitions: 3 })));
    const calls: { messages: Message[]; compression?: CompressionTypes }[] = [
      { messages: Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`, timestamp: String(1_700_000_000_000 + i) })) },
      {
        messages: [
          { partition: 2, key: 'explicit', value: 'to partition 2', headers: { trace: 'abc', multi: ['x', 'y'], ['__proto__']: 'named so' } },
          { key: 'tomb', value: null, timestamp: '1700000000999' },
          { partition: 0, key: null, value: 'no key, partition 0' },
        ],
      },
      { messages: Array.from({ length: 30 }, (_, i) => ({ key: `gz-${i}`, value: 'z'.repeat(200) + i })), compression: CompressionTypes.GZIP },
    ];
    const metadata = { kafkajs: [] as RecordMetadata[], lean: [] as RecordMetadata[] };
    const sender = open();
    for (const call of calls) {
      metadata.kafkajs.push(...(await producer.sendBatch({ acks: -1, compression: call.compression, topicMessages: [{ topic: topics.kafkajs, messages: call.messages }] })));
      metadata.lean.push(...(await sender.sendBatch({ acks: -1, compression: call.compression, topicMessages: [{ topic: topics.lean, messages: call.messages }] })));
    }
    expect(byPartition(metadata.lean)).toEqual(byPartition(metadata.kafkajs));
    const total = calls.reduce((n, c) => n + c.messages.length, 0);
    const [theirs, ours] = await Promise.all([readAll(kafka, topics.kafkajs, total), readAll(kafka, topics.lean, total)]);
    expect(ours).toHaveLength(total);
    // timestamps the caller left out are the send time: compare those by presence only
    const comparable = (s: Seen[]) => s.map((r) => ({ ...r, timestamp: r.key === 'explicit' || r.value?.startsWith('no key') || r.key?.startsWith('gz-') ? 'now' : r.timestamp }));
    expect(comparable(ours)).toEqual(comparable(theirs));
    // (kafkajs' reader folds a `__proto__` header into Object.prototype; record-batch-writer.spec reads it back exactly)
    expect(ours.find((r) => r.key === 'explicit')?.headers.filter(([k]) => k !== '__proto__')).toEqual([
      ['trace', 'abc'],
      ['multi', 'x'],
      ['multi', 'y'],
    ]);
  });

  it('spreads records without key or partition over the partitions', async () => {
    const topic = uniqueName('round-robin');
    await createTopic(admin, topic, { partitions: 3 });
    const acks = await open().sendBatch({ acks: -1, topicMessages: [{ topic, messages: Array.from({ length: 9 }, (_, i) => ({ value: `v${i}` })) }] });
    expect(acks.map((a) => a.partition).sort()).toEqual([0, 1, 2]);
    const seen = await readAll(kafka, topic, 9);
    expect([0, 1, 2].map((p) => seen.filter((s) => s.partition === p).length)).toEqual([3, 3, 3]);
  });

  it("refuses what the broker refuses, by Kafka's error name, and partitions the topic does not have", async () => {
    const topic = uniqueName('small');
    await createTopic(admin, topic, { partitions: 1, config: { 'max.message.bytes': '2000' } });
    const sender = open();
    const tooLarge = await sender.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ key: 'k', value: 'x'.repeat(5000) }] }] }).catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(ProduceError);
    expect(tooLarge).toMatchObject({ type: 'MESSAGE_TOO_LARGE', retriable: false });
    await expect(sender.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ partition: 1, value: 'v' }] }] })).rejects.toThrow(`partition 1 of ${topic} does not exist (1 partitions)`);
    await expect(sender.sendBatch({ acks: 0, topicMessages: [{ topic, messages: [{ value: 'v' }] }] })).rejects.toThrow('acks 0 is not supported');
    // the producer still works after refusals
    const [ok] = await sender.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ key: 'k', value: 'fits' }] }] });
    expect(ok).toMatchObject({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' });
  });

  it('retries a batch whose connection was lost, on a new connection', async () => {
    const topic = uniqueName('reconnect');
    await createTopic(admin, topic, { partitions: 2 });
    const { brokers } = await admin.describeCluster();
    const target = brokers[0]!;
    const sockets = new Set<net.Socket>();
    let connections = 0;
    const proxy = net.createServer((client) => {
      connections++;
      const upstream = net.connect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    try {
      // the real cluster metadata, with every broker reached through the proxy
      const proxied: Pick<Admin, 'describeCluster' | 'fetchTopicMetadata'> = {
        describeCluster: async () => {
          const cluster = await admin.describeCluster();
          return { ...cluster, brokers: cluster.brokers.map((b) => ({ ...b, host: '127.0.0.1', port })) };
        },
        fetchTopicMetadata: (o) => admin.fetchTopicMetadata(o),
      };
      const sender = open(proxied);
      await sender.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ key: 'a', value: 'first' }] }] });
      expect(connections).toBe(1);
      for (const s of sockets) s.destroy();
      await sender.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ key: 'b', value: 'after the cut' }] }] });
      expect(connections).toBe(2);
      const seen = await readAll(kafka, topic, 2);
      expect(seen.map((s) => s.value).sort()).toEqual(['after the cut', 'first']);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('gives up after its retries when no broker answers, with a retriable ProduceError', async () => {
    const topic = uniqueName('unreachable');
    await createTopic(admin, topic, { partitions: 1 });
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nowhere: Pick<Admin, 'describeCluster' | 'fetchTopicMetadata'> = {
      describeCluster: async () => ({ ...(await admin.describeCluster()), brokers: [{ nodeId: 1, host: '127.0.0.1', port }] }),
      fetchTopicMetadata: async (o) => {
        const m = await admin.fetchTopicMetadata(o);
        return { topics: m.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, leader: 1 })) })) };
      },
    };
    const error = await open(nowhere, 2).sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ value: 'v' }] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProduceError);
    expect(error).toMatchObject({ type: 'RETRIES_EXHAUSTED', retriable: true });
    expect((error as Error).message).toMatch(/^produce failed after 3 attempts: connecting to 127\.0\.0\.1:\d+ failed/);
  });
});
