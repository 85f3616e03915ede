import * as net from 'node:net';
import { createTopic, newKafka, uniqueName } from '@platform/testing';
import { CompressionTypes, type Admin, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { readChangelogs, type ReadRange } from '../fetch/changelog-reader';
import { tpKey } from '../topic-partition';
import { ProduceError } from './errors';
import { LeanProducer } from './lean-producer';

interface Seen {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string][];
}

/** Every record of the topic, read with the engine's fetch reader (no consumer group: deterministic). */
async function readAll(admin: Admin, topic: string): Promise<Seen[]> {
  const [cluster, metadata, ends] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics: [topic] }), admin.fetchTopicOffsets(topic)]);
  const leaders = new Map(metadata.topics[0]!.partitions.map((p) => [tpKey(topic, p.partitionId), p.leader]));
  const ranges: ReadRange[] = ends.map((e) => ({ topic, partition: e.partition, from: 0n, end: BigInt(e.high) }));
  const seen: Seen[] = [];
  await readChangelogs(ranges, { brokers: cluster.brokers, leaders, clientId: 'lean-producer-spec' }, (chunk) => {
    for (const r of chunk.records) {
      seen.push({ partition: chunk.partition, offset: r.offset, key: text(r.key), value: text(r.value), headers: (r.headers ?? []).map(([k, v]) => [k, String(text(v))]) });
    }
  });
  return seen.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

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

  it('appends the same records, offsets and metadata as kafkajs: partitions by key like kafkajs, headers, tombstones, gzip', async () => {
    const topics = { kafkajs: uniqueName('same-kafkajs'), lean: uniqueName('same-lean') };
    // The records carry 2023 timestamps: with the default 7-day retention the broker's next retention
    // check (every 5 minutes) would delete them from either topic at any moment.
    await Promise.all(Object.values(topics).map((t) => createTopic(admin, t, { partitions: 3, config: { 'retention.ms': '-1' } })));
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
    const [theirs, ours] = await Promise.all([readAll(admin, topics.kafkajs), readAll(admin, topics.lean)]);
    expect(ours).toHaveLength(total);
    expect(ours).toEqual(theirs);
    expect(ours.find((r) => r.key === 'explicit')?.headers).toEqual([
      ['trace', 'abc'],
      ['multi', 'x'],
      ['multi', 'y'],
      ['__proto__', 'named so'],
    ]);
  });

  it('spreads records without key or partition over the partitions', async () => {
    const topic = uniqueName('round-robin');
    await createTopic(admin, topic, { partitions: 3 });
    const acks = await open().sendBatch({ acks: -1, topicMessages: [{ topic, messages: Array.from({ length: 9 }, (_, i) => ({ value: `v${i}` })) }] });
    expect(acks.map((a) => a.partition).sort()).toEqual([0, 1, 2]);
    const seen = await readAll(admin, topic);
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
      const seen = await readAll(admin, topic);
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
