import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { CompressionTypes, type Admin, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { BrokerConnection } from './broker-connection';
import { readChangelogs, type ChangelogReaderOptions, type ReadChunk, type ReadRange } from './changelog-reader';
import { FetchError } from './errors';

interface Seen {
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const text = (b: Buffer | null | undefined) => (b === null || b === undefined ? null : b.toString());

function fromKafkajs(m: KafkaMessage): Seen {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(text(v as Buffer));
  return { offset: Number(m.offset), key: text(m.key), value: text(m.value), headers };
}

function fromChunks(chunks: ReadChunk[], partition: number): Seen[] {
  return chunks
    .filter((c) => c.partition === partition)
    .flatMap((c) => c.records)
    .map((r) => ({ offset: r.offset, key: text(r.key), value: text(r.value), headers: Object.fromEntries((r.headers ?? []).map(([k, v]) => [k, String(text(v))])) }));
}

describe('readChangelogs against the broker', () => {
  const PARTITIONS = 3;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let topic: string;
  let options: ChangelogReaderOptions;
  const high = new Map<number, bigint>();
  const committed = new Map<number, Seen[]>(); // what a read_committed kafkajs consumer sees
  let expectedCounts: number[];

  const batch = (partition: number, tag: string, count: number, extra: Partial<Message> = {}): Message[] =>
    Array.from({ length: count }, (_, i) => ({ partition, key: `${tag}-k${i}`, value: `${tag}-v${i}`, ...extra }));

  beforeAll(async () => {
    kafka = newKafka('fetch-reader-spec');
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueName('fetch-reader');
    await createTopic(admin, topic, { partitions: PARTITIONS });
    producer = kafka.producer();
    await producer.connect();
    const counts = [0, 0, 0];
    const send = async (messages: Message[], compression?: CompressionTypes) => {
      await producer.send({ topic, messages, compression });
      for (const m of messages) counts[m.partition as number]++;
    };
    for (let p = 0; p < PARTITIONS; p++) {
      await send([...batch(p, `plain${p}a`, 4), { partition: p, key: null, value: 'no key' }]);
      await send(batch(p, `hdr${p}`, 3, { headers: { source: `p${p}`, trace: 'abc' } }));
      await send([{ partition: p, key: `tomb${p}`, value: null }, ...batch(p, `plain${p}b`, 2)]);
    }
    const tx = kafka.producer({ transactionalId: uniqueName('fetch-reader-tx'), idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    try {
      const inTransaction = async (tag: string, commit: boolean, during?: () => Promise<void>) => {
        const t = await tx.transaction();
        for (let p = 0; p < PARTITIONS; p++) await t.send({ topic, messages: batch(p, `${tag}${p}`, 3 + p) });
        if (during) await during();
        for (let p = 0; p < PARTITIONS; p++) await t.send({ topic, messages: batch(p, `${tag}${p}x`, 2) });
        if (commit) {
          await t.commit();
          for (let p = 0; p < PARTITIONS; p++) counts[p] += 3 + p + 2;
        } else {
          await t.abort();
        }
      };
      await inTransaction('tx1-', true);
      // Plain records interleave with the aborted transaction: only the transaction's records go.
      await inTransaction('tx2-', false, () => send(batch(0, 'between', 2)));
      await inTransaction('tx3-', true);
      await inTransaction('tx4-', false);
    } finally {
      await tx.disconnect();
    }
    for (let p = 0; p < PARTITIONS; p++) await send(batch(p, `gzip${p}`, 6, { headers: { z: 'y' } }), CompressionTypes.GZIP);
    await send(batch(1, 'tail', 3));
    expectedCounts = counts;

    for (const o of await admin.fetchTopicOffsets(topic)) high.set(o.partition, BigInt(o.high));
    const cluster = await admin.describeCluster();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    options = {
      brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
      leaders: new Map(metadata.topics[0].partitions.map((p) => [`${topic}|${p.partitionId}`, p.leader])),
      clientId: 'fetch-reader-spec',
    };

    const consumer = kafka.consumer({ groupId: uniqueName('fetch-reader-check'), readUncommitted: false });
    await consumer.connect();
    try {
      for (let p = 0; p < PARTITIONS; p++) committed.set(p, []);
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch: b }) => {
          committed.get(b.partition)!.push(...b.messages.map(fromKafkajs));
        },
      });
      await waitFor(() => expectedCounts.every((count, p) => committed.get(p)!.length >= count), { timeoutMs: 30_000, description: 'the kafkajs consumer' });
    } finally {
      await consumer.disconnect();
    }
  }, 90_000);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  const read = async (ranges: ReadRange[], extra: Partial<ChangelogReaderOptions> = {}) => {
    const chunks: ReadChunk[] = [];
    await readChangelogs(ranges, { ...options, ...extra }, async (chunk) => {
      chunks.push(chunk);
    });
    return chunks;
  };
  const fullRanges = () => [0, 1, 2].map((partition) => ({ topic, partition, from: 0n, end: high.get(partition)! }));

  it('the kafkajs consumer saw what was produced (sanity of the reference)', () => {
    expect([0, 1, 2].map((p) => committed.get(p)!.length)).toEqual(expectedCounts);
    expect(committed.get(0)!.some((m) => m.value === 'gzip0-v5')).toBe(true);
    expect(committed.get(0)!.some((m) => m.key?.startsWith('tx2-'))).toBe(false);
  });

  it('reads exactly what a read_committed consumer sees, in order, per partition', async () => {
    const chunks = await read(fullRanges());
    for (let p = 0; p < PARTITIONS; p++) {
      expect(fromChunks(chunks, p)).toEqual(committed.get(p));
      const mine = chunks.filter((c) => c.partition === p);
      expect(mine.filter((c) => c.done)).toHaveLength(1);
      expect(mine[mine.length - 1]).toMatchObject({ done: true, nextOffset: high.get(p) });
    }
    const nullValue = fromChunks(chunks, 0).find((r) => r.key === 'tomb0');
    expect(nullValue?.value).toBeNull();
    expect(fromChunks(chunks, 1).find((r) => r.value === 'no key')?.key).toBeNull();
    expect(fromChunks(chunks, 2).find((r) => r.key === 'hdr2-k1')?.headers).toEqual({ source: 'p2', trace: 'abc' });
    expect(fromChunks(chunks, 2).filter((r) => r.key?.startsWith('gzip2-'))).toHaveLength(6);
  });

  it('gives the same result when tiny fetches split transactions across many pipelined responses', async () => {
    const chunks = await read(fullRanges(), { maxBytesPerPartition: 1, maxBytes: 1, maxWaitMs: 10 });
    for (let p = 0; p < PARTITIONS; p++) expect(fromChunks(chunks, p)).toEqual(committed.get(p));
    expect(chunks.length).toBeGreaterThan(20);
  });

  it('starts and ends in the middle of batches and never delivers outside [from, end)', async () => {
    const reference = committed.get(0)!;
    const from = reference[2].offset; // inside the first 5-record batch
    const end = reference.find((m) => m.key === 'gzip0-k3')!.offset; // inside the gzip batch
    const chunks = await read([{ topic, partition: 0, from: BigInt(from), end: BigInt(end) }]);
    expect(fromChunks(chunks, 0)).toEqual(reference.filter((m) => m.offset >= from && m.offset < end));
    expect(chunks[chunks.length - 1]).toMatchObject({ done: true, nextOffset: BigInt(end) });
  });

  it('never requests an empty range: it gets one empty done chunk, even for a topic without leader', async () => {
    const chunks = await read([
      { topic: 'no-such-topic', partition: 0, from: 5n, end: 5n },
      { topic, partition: 1, from: 3n, end: 4n },
    ]);
    expect(chunks[0]).toEqual({ topic: 'no-such-topic', partition: 0, records: [], nextOffset: 5n, done: true });
    expect(chunks.slice(1).flatMap((c) => c.records.map((r) => r.offset))).toEqual([3]);
  });

  it('rejects with a retriable FetchError for an unknown partition and a non-retriable one for other errors', async () => {
    const leader = options.leaders.get(`${topic}|0`)!;
    const unknown = readChangelogs([{ topic, partition: 7, from: 0n, end: 1n }], { ...options, leaders: new Map([[`${topic}|7`, leader]]) }, () => undefined);
    await expect(unknown).rejects.toMatchObject({ name: 'FetchError', retriable: true });
    const beyond = high.get(0)! + 100n;
    const outOfRange = read([{ topic, partition: 0, from: beyond, end: beyond + 1n }]);
    await expect(outOfRange).rejects.toMatchObject({ name: 'FetchError', retriable: false, message: expect.stringContaining(`${topic}-0`) });
  });

  it('goes on from the log start when retention or deleteRecords removed the start of a range (OFFSET_OUT_OF_RANGE names no log start)', async () => {
    const trimmed = uniqueName('fetch-trimmed');
    await createTopic(admin, trimmed, { partitions: 2 });
    try {
      await producer.send({ topic: trimmed, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `v${i}` })) });
      await producer.send({ topic: trimmed, messages: Array.from({ length: 4 }, (_, i) => ({ partition: 1, key: `k${i}`, value: `v${i}` })) });
      // as time-based retention does: partition 0 keeps offsets 6..9, partition 1 keeps nothing
      await admin.deleteTopicRecords({ topic: trimmed, partitions: [{ partition: 0, offset: '6' }, { partition: 1, offset: '4' }] });
      const metadata = await admin.fetchTopicMetadata({ topics: [trimmed] });
      const leaders = new Map(metadata.topics[0]!.partitions.map((p) => [`${trimmed}|${p.partitionId}`, p.leader]));
      const chunks = await read(
        [
          { topic: trimmed, partition: 0, from: 0n, end: 10n },
          { topic: trimmed, partition: 1, from: 1n, end: 4n },
        ],
        { leaders },
      );
      expect(chunks.filter((c) => c.partition === 0).flatMap((c) => c.records.map((r) => [r.offset, text(r.value)]))).toEqual([
        [6, 'v6'],
        [7, 'v7'],
        [8, 'v8'],
        [9, 'v9'],
      ]);
      expect(chunks.filter((c) => c.partition === 0 && c.done)).toEqual([expect.objectContaining({ nextOffset: 10n })]);
      expect(chunks.filter((c) => c.partition === 1)).toEqual([{ topic: trimmed, partition: 1, records: [], nextOffset: 4n, done: true }]);
    } finally {
      await admin.deleteTopics({ topics: [trimmed] }).catch(() => undefined);
    }
  });

  it('refuses SASL mechanisms other than PLAIN before connecting', async () => {
    const attempt = read(fullRanges(), { sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' }, brokers: [] });
    await expect(attempt).rejects.toBeInstanceOf(FetchError);
    await expect(attempt).rejects.toMatchObject({ retriable: false });
  });

  it('ends with a retriable FetchError when a range cannot progress (it ends inside a transaction left open)', async () => {
    const stuck = uniqueName('fetch-stuck');
    await createTopic(admin, stuck, { partitions: 1 });
    const tx = kafka.producer({ transactionalId: uniqueName('fetch-stuck-tx'), idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    const transaction = await tx.transaction();
    try {
      // (The admin's end offsets are read_committed too: they stop before the open transaction.)
      const [sent] = await transaction.send({ topic: stuck, messages: [{ key: 'k', value: 'open' }] });
      const end = BigInt(sent!.baseOffset!) + 1n;
      const metadata = await admin.fetchTopicMetadata({ topics: [stuck] });
      const leaders = new Map([[`${stuck}|0`, metadata.topics[0]!.partitions[0]!.leader]]);
      // read_committed never gets past the open transaction: no offset advances.
      const attempt = readChangelogs([{ topic: stuck, partition: 0, from: 0n, end }], { ...options, leaders, maxWaitMs: 50, noProgressTimeoutMs: 1_000 }, () => undefined);
      await expect(attempt).rejects.toMatchObject({ name: 'FetchError', retriable: true, message: expect.stringContaining('no progress') });
    } finally {
      await transaction.abort();
      await tx.disconnect();
      await admin.deleteTopics({ topics: [stuck] }).catch(() => undefined);
    }
  });

  it('closes a connection whose response frame is over its limit before allocating it', async () => {
    const broker = options.brokers[0]!;
    const connection = await BrokerConnection.connect({ host: broker.host, port: broker.port, clientId: 'frame-cap-spec', requestTimeoutMs: 5_000, maxFrameBytes: 16 });
    // ApiVersions v0 (empty body): the broker's answer lists every API, far more than 16 bytes.
    await expect(connection.request(18, 0, () => undefined)).rejects.toMatchObject({ name: 'FetchError', retriable: true, message: expect.stringContaining('over the limit of 16 bytes') });
    connection.close();
  });
});
