import { CompressionTypes, ConfigResourceTypes, logLevel, type KafkaConfig } from 'kafkajs';
import type { Logger } from '@platform/common';
import { createTopic, cuttableLink, kafkaBrokers, uniqueName, waitFor } from '@platform/testing';
import type { ProcessorContext } from '../../api/processor';
import type { SyncSerde } from '../../api/serde';
import { StreamsApplication } from '../../application';
import type { NodeSpec, TopologySpec } from '../topology/spec';
import { countTopology } from '../runtime/__fixtures__/count-topology';
import { useBrokerHarness } from '../runtime/__fixtures__/broker-harness';
import { TopicReader } from '../runtime/__fixtures__/topic-reader';
import type { FetchPath } from './input-fetcher';
import type { StreamsApplicationOptions } from '../runtime/options';

const bytes: SyncSerde<Buffer> = { serialize: (_t, v) => v, deserialize: (_t, d) => d };

interface Seen {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  timestamp: number;
  headers: Record<string, string>;
}

/** A topology recording every record it is handed, as the processor sees it. */
function recordingTopology(input: string, seen: Seen[]): TopologySpec {
  const nodes: NodeSpec[] = [
    { kind: 'source', name: 'src', topic: { kind: 'external', name: input }, keySerde: bytes, valueSerde: bytes, children: ['record'] },
    {
      kind: 'processor',
      name: 'record',
      stores: [],
      children: [],
      supplier: () => {
        let ctx: ProcessorContext<unknown, unknown>;
        return {
          init: (c) => void (ctx = c),
          process: (record) => {
            const meta = ctx.recordMetadata()!;
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(record.headers ?? {})) headers[name] = value.toString();
            seen.push({
              partition: meta.partition,
              offset: meta.offset,
              key: record.key === null ? null : (record.key as Buffer).toString(),
              value: record.value === null ? null : (record.value as Buffer).toString(),
              timestamp: record.timestamp,
              headers,
            });
          },
        };
      },
    },
  ];
  return {
    nodes: new Map(nodes.map((n) => [n.name, n])),
    stores: new Map(),
    subtopologies: [{ id: 0, sourceNodes: ['src'], sourceTopics: [{ kind: 'external', name: input }], nodes: nodes.map((n) => n.name), stores: [] }],
    copartitionGroups: [],
    repartitionTopics: [],
  };
}

/** A logger keeping what it is told, by level. */
function capturing(): { logger: Logger; lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string, fields?: object) => void lines.push({ level, message: fields ? `${message} ${JSON.stringify(fields)}` : message });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const order = (a: Seen, b: Seen) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset));

describe("fetchPath 'lean': the processing input read by the engine's own fetch client", () => {
  const h = useBrokerHarness('lean-fetch-spec');
  const config: KafkaConfig = { clientId: 'lean-fetch-spec', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING };
  const options = (id: string, fetchPath: FetchPath, extra: Partial<StreamsApplicationOptions> = {}): StreamsApplicationOptions => ({
    app: { id, version: 1 },
    kafka: config,
    stateDir: h.tempDir('lean-fetch'),
    commitIntervalMs: 200,
    fetchPath,
    ...extra,
  });
  const running = async (app: StreamsApplication) => {
    h.track(app);
    await app.start();
    await waitFor(() => app.state === 'RUNNING', { timeoutMs: 30_000, description: 'RUNNING' });
    return app;
  };
  const committed = async (groupId: string, topic: string) => {
    const [offsets] = await h.admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions.map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
  };

  it('hands the processor the same records as kafkajs (keys, tombstones, headers, timestamps, compressed and transactional batches) and commits the same offsets', async () => {
    const input = uniqueName('lean-fetch-in');
    await createTopic(h.admin, input, { partitions: 3 });
    // recent: the broker's time retention would delete a segment holding only old timestamps
    const t0 = Date.now() - 60_000;
    await h.producer.send({
      topic: input,
      messages: [
        { key: 'a', value: 'plain', partition: 0, timestamp: String(t0) },
        { key: null, value: 'no key', partition: 1, timestamp: String(t0 + 1) },
        { key: 'tomb', value: null, partition: 2, timestamp: String(t0 + 2) },
        { key: 'h', value: 'headers', partition: 0, timestamp: String(t0 + 3), headers: { one: '1', two: Buffer.from('2') } },
      ],
    });
    await h.producer.send({
      topic: input,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 40 }, (_, i) => ({ key: `gz-${i}`, value: `zipped ${i}`, partition: i % 3, timestamp: String(t0 + 100 + i) })),
    });
    const transactional = h.kafka.producer({ transactionalId: uniqueName('lean-fetch-tx'), maxInFlightRequests: 1, idempotent: true });
    await transactional.connect();
    h.defer(() => transactional.disconnect());
    const aborted = await transactional.transaction();
    await aborted.send({ topic: input, messages: [0, 1, 2].map((p) => ({ key: `aborted-${p}`, value: 'never seen', partition: p })) });
    await aborted.abort();
    const kept = await transactional.transaction();
    await kept.send({ topic: input, messages: [0, 1, 2].map((p) => ({ key: `committed-${p}`, value: 'seen', partition: p, timestamp: String(t0 + 200 + p) })) });
    await kept.commit();
    const expected = 4 + 40 + 3;

    const viaKafkajs: Seen[] = [];
    const viaLean: Seen[] = [];
    const kafkajsId = uniqueName('lean-fetch-kafkajs');
    const leanId = uniqueName('lean-fetch-lean');
    const a = await running(new StreamsApplication(recordingTopology(input, viaKafkajs), options(kafkajsId, 'kafkajs')));
    const log = capturing();
    const b = await running(new StreamsApplication(recordingTopology(input, viaLean), options(leanId, 'lean', { logger: log.logger })));
    await waitFor(() => viaKafkajs.length >= expected && viaLean.length >= expected, { timeoutMs: 30_000, description: `${expected} records through each path` });
    await Promise.all([a.close(), b.close()]);

    expect(log.lines.filter((l) => l.message.startsWith("input read by the engine's own fetch path"))).toHaveLength(1);
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(viaLean.length).toBe(expected);
    expect([...viaLean].sort(order)).toEqual([...viaKafkajs].sort(order));
    expect(viaLean.some((s) => s.key?.startsWith('aborted'))).toBe(false);
    expect(viaLean.find((s) => s.key === 'h')).toMatchObject({ headers: { one: '1', two: '2' }, timestamp: t0 + 3 });
    expect(viaLean.find((s) => s.key === 'tomb')).toMatchObject({ value: null });
    // the same group offsets: after each partition's last data record (not past the commit markers)
    expect(await committed(`${leanId}-v1`, input)).toEqual(await committed(`${kafkajsId}-v1`, input));
  });

  it('counts exactly across restarts and rebalances: kept partitions go on from their positions, new ones from the commits', async () => {
    const input = uniqueName('lean-fetch-count-in');
    const output = uniqueName('lean-fetch-count-out');
    await Promise.all([createTopic(h.admin, input, { partitions: 4 }), createTopic(h.admin, output, { partitions: 4 })]);
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const round = (n: number) => h.producer.send({ topic: input, messages: keys.map((key) => ({ key, value: `${key}-${n}` })) });
    const reader = await TopicReader.start(h.kafka, output);
    h.defer(() => reader.stop());
    const counts = () => {
      const last = new Map<string, number>();
      for (const r of reader.records) if (r.key !== null && r.value) last.set(r.key, Number(r.value.readBigInt64BE()));
      return last;
    };
    const reached = (n: number) => waitFor(() => keys.every((k) => counts().get(k) === n), { timeoutMs: 45_000, description: `every count at ${n}` });

    const id = uniqueName('lean-fetch-count');
    const first = await running(new StreamsApplication(countTopology(input, output), options(id, 'lean')));
    await round(1);
    await round(2);
    await reached(2);
    // a second instance joins: the tasks are shared out, each side going on from positions or commits
    const secondDir = h.tempDir('lean-fetch-second');
    const second = await running(new StreamsApplication(countTopology(input, output), options(id, 'lean', { stateDir: secondDir })));
    await round(3);
    await reached(3);
    await waitFor(() => first.state === 'RUNNING' && second.state === 'RUNNING', { timeoutMs: 30_000, description: 'both RUNNING' });
    await round(4);
    await reached(4);
    // the first leaves: the second takes its tasks over from the committed offsets
    await first.close();
    await round(5);
    await reached(5);
    await second.close();
    // a restart with the local state: nothing counted twice
    const third = await running(new StreamsApplication(countTopology(input, output), options(id, 'lean', { stateDir: secondDir })));
    await round(6);
    await reached(6);
    await third.close();
    expect(reader.records.filter((r) => r.value && Number(r.value.readBigInt64BE()) > 6)).toEqual([]);
  });

  it('under exactly-once: counts in task transactions, and an aborted transaction rewinds the input to the commit', async () => {
    const input = uniqueName('lean-fetch-eos-in');
    const output = uniqueName('lean-fetch-eos-out');
    await Promise.all([createTopic(h.admin, input, { partitions: 2 }), createTopic(h.admin, output, { partitions: 2 })]);
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const round = (n: number) => h.producer.send({ topic: input, messages: keys.map((key) => ({ key, value: `${key}-${n}` })) });
    const reader = await TopicReader.start(h.kafka, output); // kafkajs reads committed by default
    h.defer(() => reader.stop());
    const outputLimit = (bytes: number) =>
      h.admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: output, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }] });
    const counts = () => {
      const last = new Map<string, number>();
      for (const r of reader.records) if (r.key !== null && r.value) last.set(r.key, Number(r.value.readBigInt64BE()));
      return last;
    };
    const id = uniqueName('lean-fetch-eos');
    const app = await running(new StreamsApplication(countTopology(input, output), options(id, 'lean', { processingGuarantee: 'exactly-once', commitIntervalMs: 100 })));
    const aborted: string[] = [];
    app.on('transaction.aborted', (e) => aborted.push(e.taskId));
    await round(1);
    await round(2);
    await waitFor(() => keys.every((k) => counts().get(k) === 2), { timeoutMs: 45_000, description: 'every count at 2' });
    // lowered after the start (where the application read the limit): a big output fails in the producer, the transaction aborts
    await outputLimit(1500);
    const big = `big-${'x'.repeat(3000)}`;
    await h.producer.send({ topic: input, messages: [{ key: big, value: 'v' }] });
    await round(3);
    await waitFor(() => aborted.length >= 2, { timeoutMs: 30_000, description: 'aborted transactions' });
    await outputLimit(1_048_576);
    await round(4);
    await waitFor(() => keys.every((k) => counts().get(k) === 4) && counts().get(big) === 1, { timeoutMs: 45_000, description: 'counts 4 and 1 after the limit was raised' });
    await app.close();
    // every aborted attempt was read again from the committed offsets: one committed record per key and round
    for (const key of keys) expect(reader.records.filter((r) => r.key === key).map((r) => Number(r.value!.readBigInt64BE()))).toEqual([1, 2, 3, 4]);
    expect(reader.records.filter((r) => r.key === big)).toHaveLength(1);
  });

  it('falls back to kafkajs, saying so, when given a Kafka instance (the engine cannot connect by itself)', async () => {
    const input = uniqueName('lean-fetch-fallback-in');
    await createTopic(h.admin, input, { partitions: 1 });
    await h.producer.send({ topic: input, messages: [{ key: 'k', value: 'v' }] });
    const seen: Seen[] = [];
    const log = capturing();
    await running(new StreamsApplication(recordingTopology(input, seen), { ...options(uniqueName('lean-fetch-fallback'), 'lean', { logger: log.logger }), kafka: h.kafka }));
    await waitFor(() => seen.length === 1, { timeoutMs: 30_000, description: 'the record through kafkajs' });
    expect(log.lines.filter((l) => l.message.startsWith("fetchPath 'lean' needs the Kafka config"))).toHaveLength(1);
    expect(log.lines.filter((l) => l.message.startsWith("input read by the engine's own fetch path"))).toEqual([]);
  });

  it('hands nothing on while kafkajs is out of the group (its consumer crashed), and goes on from the commits once it joined again', async () => {
    const input = uniqueName('lean-fetch-crash-in');
    await createTopic(h.admin, input, { partitions: 1 });
    const link = await cuttableLink(config);
    const seen: Seen[] = [];
    const id = uniqueName('lean-fetch-crash');
    const app = await running(new StreamsApplication(recordingTopology(input, seen), options(id, 'lean', { kafka: link.config, sessionTimeoutMs: 6000 })));
    await h.producer.send({ topic: input, messages: [{ key: 'k', value: 'before' }] });
    await waitFor(async () => seen.length === 1 && (await committed(`${id}-v1`, input))[0]?.offset === '1', { timeoutMs: 30_000, description: 'the first record processed and committed' });
    link.cut();
    await waitFor(() => link.crashes.length > 0, { timeoutMs: 30_000, description: 'the kafkajs consumer crashed' });
    await h.producer.send({ topic: input, messages: [{ key: 'k', value: 'during' }] });
    // the engine's own connection still reads; its loop would hand the record on well within this
    await sleep(2000);
    // no longer a member: the group may have given the partition to another instance meanwhile
    expect(seen.map((s) => s.value)).toEqual(['before']);
    link.heal();
    await waitFor(() => seen.length === 2, { timeoutMs: 45_000, description: 'the record read after the rejoin' });
    expect(seen.map((s) => s.value)).toEqual(['before', 'during']);
    expect(app.state).toBe('RUNNING');
  }, 90_000);

  it.each(['kafkajs', 'lean'] as const)('closed while kafkajs restarts its crashed consumer (fetch path %s), nothing goes on reconnecting', async (fetchPath) => {
    const input = uniqueName('lean-fetch-close-in');
    await createTopic(h.admin, input, { partitions: 1 });
    const link = await cuttableLink(config);
    const app = await running(new StreamsApplication(recordingTopology(input, []), options(uniqueName('lean-fetch-close'), fetchPath, { kafka: link.config })));
    const { settled, later } = await link.closeMidRestart(() => app.close());
    expect(later).toBe(settled);
  }, 60_000);
});
