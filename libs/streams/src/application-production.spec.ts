import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { MetricsRegistry } from '@platform/metrics';
import { createTopic, uniqueName, waitFor } from '@platform/testing';
import type { ProcessorContext } from './api/processor';
import type { Serde } from './api/serde';
import { StreamsApplication } from './application';
import { partitionForKey } from './internals/partitioning/murmur2';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { DEAD_LETTER_HEADERS as H } from './internals/runtime/dead-letter';
import type { ProcessingGuarantee } from './internals/runtime/options';
import { Stores } from './internals/topology/stores';
import { Topology } from './internals/topology/topology';
import { Serdes } from './serdes/serdes';

/** What a test record asks the processor to do. */
interface Order {
  /** Bytes of the value kept in the store (0: no store write). */
  readonly store?: number;
  /** Bytes of padding in the output. */
  readonly out?: number;
  /** `unserializable`: the sink's serializer throws; `boom`: the processor throws. */
  readonly tag?: string;
}

interface Output {
  readonly pad: string;
  readonly tag?: string;
}

const OUTPUT_LIMIT = 10_000;

/** The sink's value serde: JSON, throwing for records tagged `unserializable`. */
const outputSerde: Serde<Output> = {
  serialize: (_topic, value) => {
    if (value.tag === 'unserializable') throw new Error('cannot serialize this one');
    return Buffer.from(JSON.stringify(value));
  },
  deserialize: (_topic, data) => JSON.parse(data.toString()) as Output,
};

/** in → keep (store `kept`: the padded value, written before forwarding) → out. */
function topology(input: string, output: string) {
  return new Topology()
    .addSource('in', input, { keySerde: Serdes.string(), valueSerde: Serdes.json<Order>() })
    .addProcessor(
      'keep',
      () => {
        let ctx: ProcessorContext<string, Output>;
        return {
          init: (c) => void (ctx = c),
          process: (record) => {
            const order = record.value as Order;
            if (order.tag === 'boom') throw new Error(`boom at ${String(record.key)}`);
            ctx.getStateStore<string, string>('kept').put(String(record.key), 'x'.repeat(order.store ?? 1));
            ctx.forward({ ...record, key: String(record.key), value: { pad: 'y'.repeat(order.out ?? 1), tag: order.tag } });
          },
        };
      },
      'in',
    )
    .addStateStore(Stores.keyValue('kept', Serdes.string(), Serdes.string()), 'keep')
    .addSink('out', output, { keySerde: Serdes.string(), valueSerde: outputSerde }, 'keep')
    .build();
}

/** The first keys with this prefix that the default partitioner puts on partitions 0 and 1 (of 2). */
function keysOn(prefix: string, partition: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (partitionForKey(Buffer.from(`${prefix}${i}`), 2) === partition) keys.push(`${prefix}${i}`);
  return keys;
}

async function collect(kafka: Kafka, topic: string, into: KafkaMessage[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: uniqueName('production-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void into.push(message) });
  return consumer;
}

describe('production failures and task isolation on a real broker', () => {
  const { kafka, admin, producer, tempDir, track, defer } = useBrokerHarness('streams-production-spec');

  const setUp = async (options: Partial<ConstructorParameters<typeof StreamsApplication>[1]>) => {
    const id = uniqueName('production');
    const input = uniqueName('production-in');
    const output = uniqueName('production-out');
    await createTopic(admin, input, { partitions: 2 });
    await createTopic(admin, output, { partitions: 2, config: { 'max.message.bytes': String(OUTPUT_LIMIT) } });
    const metrics = new MetricsRegistry();
    const app = track(
      new StreamsApplication(topology(input, output), {
        app: { id, version: 1 },
        kafka,
        stateDir: tempDir('streams-production'),
        commitIntervalMs: 200,
        internalTopicMaxMessageBytes: OUTPUT_LIMIT,
        metrics,
        ...options,
      }),
    );
    const outputs: KafkaMessage[] = [];
    const dead: KafkaMessage[] = [];
    const send = (records: { key: string; value: Order }[]) =>
      producer.send({ topic: input, messages: records.map((r) => ({ key: r.key, value: JSON.stringify(r.value) })) });
    const read = async (deadLetters = true) => {
      const readers = [await collect(kafka, output, outputs), ...(deadLetters ? [await collect(kafka, `${id}-v1-dlq`, dead)] : [])];
      defer(async () => void (await Promise.all(readers.map((r) => r.disconnect()))));
    };
    return { app, id, input, output, metrics, outputs, dead, send, read };
  };

  it.each<ProcessingGuarantee>(['at-least-once', 'exactly-once'])(
    '%s: an output over its topic limit, a store write over its changelog limit and a throwing serializer dead-letter their input; nothing of them stays in the store; the app keeps processing',
    async (processingGuarantee) => {
      const { app, id, input, output, metrics, outputs, dead, send, read } = await setUp({
        processingGuarantee,
        productionExceptionHandler: {},
      });
      const [a, tooBig, bigState, unserializable, after] = keysOn('p0-', 0, 5) as [string, string, string, string, string];
      const [b, c] = keysOn('p1-', 1, 2) as [string, string];
      await app.start();
      await read();
      await send([
        { key: a, value: {} },
        { key: tooBig, value: { out: 20_000 } },
        { key: bigState, value: { store: 20_000 } },
        { key: unserializable, value: { tag: 'unserializable' } },
        { key: after, value: {} },
        { key: b, value: {} },
        { key: c, value: {} },
      ]);

      await waitFor(() => outputs.length === 4 && dead.length === 3, { timeoutMs: 60_000, description: `4 outputs (${outputs.length}) and 3 dead letters (${dead.length})` });
      expect(outputs.map((m) => m.key!.toString()).sort()).toEqual([a, after, b, c].sort());
      expect(app.state).toBe('RUNNING');

      const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
      const byKey = new Map(dead.map((m) => [m.key!.toString(), m]));
      const changelog = `${id}-v1-kept-changelog`;
      expect(header(byKey.get(tooBig)!, H.stage)).toBe('production');
      expect(header(byKey.get(tooBig)!, H.reason)).toMatch(new RegExp(`^production failed: record of \\d+ bytes for ${output} exceeds max.message.bytes ${OUTPUT_LIMIT}$`));
      expect(byKey.get(tooBig)!.value!.toString()).toBe(JSON.stringify({ out: 20_000 }));
      expect(header(byKey.get(bigState)!, H.reason)).toMatch(new RegExp(`^production failed: record of \\d+ bytes for ${changelog} exceeds max.message.bytes ${OUTPUT_LIMIT}$`));
      expect(header(byKey.get(unserializable)!, H.reason)).toBe(`production failed: serializing a record for ${output} failed: cannot serialize this one`);
      expect(header(byKey.get(unserializable)!, H.offset)).toBe('3');

      // every input offset is committed, the dead-lettered ones included
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${id}-v1`, topics: [input] });
        return committed?.partitions.map((p) => `${p.partition}:${p.offset}`).sort().join(',') === '0:5,1:2';
      }, { timeoutMs: 20_000, description: 'input committed to 5 and 2' });

      // the failed records' store writes were rolled back: only the processed keys are stored
      for (const key of [tooBig, bigState, unserializable]) expect(await app.query('kept', key)).toEqual({ ok: false, reason: 'NOT_FOUND' });
      for (const key of [a, after, b, c]) expect(await app.query('kept', key)).toMatchObject({ ok: true, value: 'x' });
      // ... and never reached the changelog
      const logged: KafkaMessage[] = [];
      const reader = await collect(kafka, changelog, logged);
      defer(() => reader.disconnect());
      await waitFor(() => logged.length === 4, { timeoutMs: 20_000, description: `4 changelog records (${logged.length})` });
      expect(logged.map((m) => m.key!.toString()).sort()).toEqual([a, after, b, c].sort());

      expect(await metrics.metrics()).toContain(`streams_dead_letter_records_total{application="${id}-v1",stage="production",topic="${id}-v1-dlq"} 3`);
      expect(app.isolatedTasks()).toEqual([]);
    },
    120_000,
  );

  it('with the default production handler an output over its topic limit stops the application naming the record', async () => {
    const { app, input, send } = await setUp({});
    const [tooBig] = keysOn('p0-', 0, 1) as [string];
    await app.start();
    await send([{ key: tooBig, value: { out: 20_000 } }]);
    await waitFor(() => app.state === 'ERROR', { timeoutMs: 30_000, description: 'state ERROR' });
    expect(String((app.cause as Error).message)).toContain(`${input}-0@0`);
    expect(String((app.cause as Error).message)).toContain(`exceeds max.message.bytes ${OUTPUT_LIMIT}`);
  }, 60_000);

  it.each<ProcessingGuarantee>(['at-least-once', 'exactly-once'])(
    '%s: a task failing on one record is isolated after its attempts, reported, and the other tasks keep running',
    async (processingGuarantee) => {
      const { app, id, input, metrics, outputs, send, read } = await setUp({
        processingGuarantee,
        taskFailureHandling: 'isolate',
        maxTaskAttempts: 2,
      });
      const [a, poison, blocked] = keysOn('p0-', 0, 3) as [string, string, string];
      const [b, c, d] = keysOn('p1-', 1, 3) as [string, string, string];
      const isolated: string[] = [];
      app.on('task.isolated', (t) => isolated.push(t.taskId));
      await app.start();
      await read(false);
      await send([
        { key: a, value: {} },
        { key: poison, value: { tag: 'boom' } },
        { key: blocked, value: {} },
        { key: b, value: {} },
        { key: c, value: {} },
      ]);
      await waitFor(() => app.isolatedTasks().length === 1 && outputs.length === 3, { timeoutMs: 60_000, description: `task isolated, 3 outputs (${outputs.length})` });
      expect(app.state).toBe('RUNNING');
      expect(isolated).toEqual(['0_0']);
      expect(app.isolatedTasks()[0]).toMatchObject({
        taskId: '0_0',
        stage: 'processing',
        topic: input,
        partition: 0,
        offset: '1',
        attempts: 2,
        reason: `boom at ${poison}`,
        inputs: [{ topic: input, partition: 0 }],
      });
      expect(outputs.map((m) => m.key!.toString()).sort()).toEqual([a, b, c].sort());

      // the other task keeps processing new records
      await send([{ key: d, value: {} }]);
      await waitFor(() => outputs.length === 4, { timeoutMs: 30_000, description: 'output of a later record on the other partition' });

      // queries of the isolated task's keys say so; the others answer
      expect(await app.query('kept', a)).toMatchObject({ ok: false, reason: 'TASK_ISOLATED', taskId: '0_0' });
      expect(await app.query('kept', b)).toMatchObject({ ok: true, value: 'x' });
      const all = app.queryAll<string, string>('kept');
      expect(all.ok && all.partitions).toEqual([1]);
      expect(all.ok && all.isolated?.map((t) => t.taskId)).toEqual(['0_0']);
      expect(await metrics.metrics()).toContain(`streams_isolated_tasks{application="${id}-v1"} 1`);

      // the isolated partition is committed up to the failing record and goes no further
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${id}-v1`, topics: [input] });
        return committed?.partitions.map((p) => `${p.partition}:${p.offset}`).sort().join(',') === '0:1,1:3';
      }, { timeoutMs: 20_000, description: 'input committed to 1 (isolated) and 3' });
      expect(outputs.map((m) => m.key!.toString())).not.toContain(blocked);
    },
    120_000,
  );
});
