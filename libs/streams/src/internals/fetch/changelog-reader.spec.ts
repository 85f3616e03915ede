import { CompressionTypes, type Admin, type Kafka, type KafkaMessage } from 'kafkajs';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { readChangelogs, type FetchedRecord, type ReadChunk, type ReadRange } from './changelog-reader';
import { FetchError } from './errors';

interface Seen {
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const fromKafkajs = (m: KafkaMessage): Seen => ({
  offset: Number(m.offset),
  key: m.key?.toString() ?? null,
  value: m.value?.toString() ?? null,
  headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
});
const fromReader = (r: FetchedRecord): Seen => ({
  offset: r.offset,
  key: r.key?.toString() ?? null,
  value: r.value?.toString() ?? null,
  headers: Object.fromEntries((r.headers ?? []).map(([k, v]) => [k, String(v)])),
});

describe('readChangelogs on a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  const PARTITIONS = 3;
  let topic: string;

  beforeAll(async () => {
    kafka = newKafka('changelog-reader-spec');
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueName('reader');
    await createTopic(admin, topic, { partitions: PARTITIONS });
    const plain = kafka.producer();
    const gzip = kafka.producer();
    const transactional = kafka.producer({ transactionalId: uniqueName('reader-tx'), idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([plain.connect(), gzip.connect(), transactional.connect()]);
    const batch = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        key: i % 7 === 0 ? null : `${tag}-k${i}`,
        value: i % 5 === 0 ? null : `${tag}-v${i}`,
        partition: i % PARTITIONS,
        ...(i % 4 === 0 ? { headers: { h: `${tag}-${i}`, other: 'x' } } : {}),
      }));
    await plain.send({ topic, messages: batch('plain', 60) });
    for (const [n, outcome] of [[1, 'commit'], [2, 'abort'], [3, 'commit'], [4, 'abort']] as const) {
      const tx = await transactional.transaction();
      await tx.send({ topic, messages: batch(`tx${n}`, 30) });
      if (outcome === 'commit') await tx.commit();
      else await tx.abort();
    }
    // an aborted transaction interleaved with plain writes
    const open = await transactional.transaction();
    await open.send({ topic, messages: batch('tx5', 12) });
    await plain.send({ topic, messages: batch('between', 9) });
    await open.abort();
    await gzip.send({ topic, compression: CompressionTypes.GZIP, messages: batch('gzip', 45) });
    await plain.send({ topic, messages: batch('tail', 30) });
    await Promise.all([plain.disconnect(), gzip.disconnect(), transactional.disconnect()]);
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  async function readerOptions() {
    const [cluster, metadata] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics: [topic] })]);
    const leaders = new Map(metadata.topics[0]!.partitions.map((p) => [`${topic}|${p.partitionId}`, p.leader]));
    return { brokers: cluster.brokers, leaders, clientId: 'reader-spec', maxBytesPerPartition: 300 };
  }

  /** What a kafkajs read-committed consumer sees of the whole topic, per partition. */
  async function committed(): Promise<Map<number, Seen[]>> {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    const seen = new Map<number, Seen[]>(Array.from({ length: PARTITIONS }, (_, p) => [p, []]));
    const last = new Map<number, number>();
    const consumer = kafka.consumer({ groupId: uniqueName('reader-check'), readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        seen.get(batch.partition)!.push(...batch.messages.map(fromKafkajs));
        last.set(batch.partition, Number(batch.lastOffset()));
      },
    });
    await waitFor(() => [...ends].every(([p, end]) => (last.get(p) ?? -1) + 1 >= end), { timeoutMs: 30_000, description: 'kafkajs read the topic' });
    await consumer.disconnect();
    return seen;
  }

  async function read(ranges: ReadRange[]): Promise<{ records: Map<number, Seen[]>; chunks: ReadChunk[] }> {
    const records = new Map<number, Seen[]>();
    const chunks: ReadChunk[] = [];
    await readChangelogs(ranges, await readerOptions(), (chunk) => {
      chunks.push(chunk);
      records.set(chunk.partition, [...(records.get(chunk.partition) ?? []), ...chunk.records.map(fromReader)]);
    });
    return { records, chunks };
  }

  it('reads exactly what a read-committed kafkajs consumer sees: aborted transactions and markers dropped, gzip, null keys and values, headers', async () => {
    const expected = await committed();
    const ends = await admin.fetchTopicOffsets(topic);
    const { records, chunks } = await read(ends.map((o) => ({ topic, partition: o.partition, from: 0n, end: BigInt(o.high) })));
    for (let p = 0; p < PARTITIONS; p++) {
      expect(records.get(p)).toEqual(expected.get(p));
      expect(expected.get(p)!.some((r) => r.value?.startsWith('gzip'))).toBe(true);
      expect(expected.get(p)!.some((r) => r.value?.startsWith('tx2') || r.value?.startsWith('tx5'))).toBe(false);
      const last = chunks.filter((c) => c.partition === p).at(-1)!;
      expect(last.done).toBe(true);
      expect(last.nextOffset).toBeGreaterThanOrEqual(BigInt(ends.find((o) => o.partition === p)!.high));
    }
    // small partition limits: several chunks per partition
    expect(chunks.length).toBeGreaterThan(PARTITIONS * 2);
  });

  it('keeps to [from, end) when both fall inside record batches, and skips empty ranges', async () => {
    const expected = (await committed()).get(1)!;
    const from = expected[7]!.offset;
    const end = expected[expected.length - 9]!.offset;
    const { records, chunks } = await read([
      { topic, partition: 1, from: BigInt(from), end: BigInt(end) },
      { topic, partition: 2, from: 5n, end: 5n },
    ]);
    expect(records.get(1)).toEqual(expected.filter((r) => r.offset >= from && r.offset < end));
    expect(chunks.every((c) => c.partition === 1)).toBe(true);
  });

  it('fails with a retriable FetchError when a partition has no known leader, before connecting', async () => {
    const options = { ...(await readerOptions()), leaders: new Map<string, number>() };
    const failure = await readChangelogs([{ topic, partition: 0, from: 0n, end: 1n }], options, () => undefined).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FetchError);
    expect((failure as FetchError).retriable).toBe(true);
  });

  it('fails with a retriable FetchError when the broker cannot be reached', async () => {
    const options = { ...(await readerOptions()), brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9 }], leaders: new Map([[`${topic}|0`, 1]]) };
    const failure = await readChangelogs([{ topic, partition: 0, from: 0n, end: 1n }], options, () => undefined).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FetchError);
    expect((failure as FetchError).retriable).toBe(true);
  });
});

