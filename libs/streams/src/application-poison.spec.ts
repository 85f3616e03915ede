import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { MetricsRegistry } from '@platform/metrics';
import { createTopic, uniqueName, waitFor } from '@platform/testing';
import { StreamsApplication } from './application';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { StreamsBuilder } from './dsl/streams-builder';
import { DeserializationError, ProcessingError } from './internals/runtime/errors';
import type { ExceptionHandler } from './internals/runtime/exception-handlers';
import type { ProcessingGuarantee } from './internals/runtime/options';
import { DEAD_LETTER_HEADERS as H } from './internals/runtime/dead-letter';
import { Serdes } from './serdes/serdes';

interface Reading {
  readonly n: number;
}

/** input (string → JSON {n}) → throws on n = 13 → n * 10 → output (string → int32). */
function topology(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.json<Reading>() })
    .mapValues((r) => {
      if (r.n === 13) throw new Error(`unlucky ${r.n}`);
      return r.n * 10;
    })
    .to(output, { keySerde: Serdes.string(), valueSerde: Serdes.int32() });
  return builder.build();
}

async function collect(kafka: Kafka, topic: string, into: { partition: number; message: KafkaMessage }[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: uniqueName('poison-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void into.push({ partition, message }) });
  return consumer;
}

describe('poison records on a real broker', () => {
  const { kafka, admin, producer, defer } = useBrokerHarness('streams-poison-spec');

  /** 10 records on one partition: offset 3 is not JSON, offset 6 has n = 13. */
  const setUp = async (
    handlers: { deserialization?: ExceptionHandler; processing?: ExceptionHandler },
    metrics?: MetricsRegistry,
    processingGuarantee: ProcessingGuarantee = 'at-least-once',
  ) => {
    const id = uniqueName('poison');
    const input = uniqueName('poison-in');
    const output = uniqueName('poison-out');
    await createTopic(admin, input, { partitions: 1 });
    await createTopic(admin, output, { partitions: 1 });
    const values = [1, 2, 3, 'not json {', 5, 6, 13, 8, 9, 10].map((v) => (typeof v === 'number' ? JSON.stringify({ n: v }) : v));
    await producer.send({ topic: input, messages: values.map((value, i) => ({ key: `k${i}`, value, headers: { origin: 'spec' } })) });
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-poison-'));
    const app = new StreamsApplication(topology(input, output), {
      app: { id, version: 3 },
      kafka,
      stateDir,
      commitIntervalMs: 200,
      deserializationExceptionHandler: handlers.deserialization,
      processingExceptionHandler: handlers.processing,
      metrics,
      processingGuarantee,
    });
    defer(async () => {
      await app.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    });
    return { app, id, input, output };
  };

  it.each<ProcessingGuarantee>(['at-least-once', 'exactly-once'])('%s: dead-letters the original bytes with the reason and coordinates, and keeps processing', async (guarantee) => {
    const metrics = new MetricsRegistry();
    const { app, id, input, output } = await setUp({ deserialization: {}, processing: {} }, metrics, guarantee);
    await app.start();
    const outputs: { partition: number; message: KafkaMessage }[] = [];
    const dead: { partition: number; message: KafkaMessage }[] = [];
    const readers = [await collect(kafka, output, outputs), await collect(kafka, `${id}-v3-dlq`, dead)];
    defer(async () => void (await Promise.all(readers.map((r) => r.disconnect()))));

    await waitFor(() => outputs.length === 8 && dead.length === 2, { timeoutMs: 30_000, description: '8 outputs and 2 dead letters' });
    expect(outputs.map((o) => o.message.value!.readInt32BE())).toEqual([10, 20, 30, 50, 60, 80, 90, 100]);
    expect(app.state).toBe('RUNNING');

    const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    const [bad, thrown] = dead.map((d) => d.message);
    expect(bad!.value!.toString()).toBe('not json {');
    expect(bad!.key!.toString()).toBe('k3');
    expect(header(bad!, 'origin')).toBe('spec');
    expect(header(bad!, H.stage)).toBe('deserialization');
    expect(header(bad!, H.reason)).toMatch(/^deserialization failed: /);
    expect(header(bad!, H.topic)).toBe(input);
    expect(header(bad!, H.partition)).toBe('0');
    expect(header(bad!, H.offset)).toBe('3');
    expect(header(bad!, H.taskId)).toBe('0_0');
    expect(header(bad!, H.exceptionClass)).toBeTruthy();
    expect(Number(header(bad!, H.timestamp))).toBeGreaterThan(0);

    expect(thrown!.value!.toString()).toBe(JSON.stringify({ n: 13 }));
    expect(header(thrown!, H.stage)).toBe('processing');
    expect(header(thrown!, H.reason)).toBe('processing failed: unlucky 13');
    expect(header(thrown!, H.exceptionMessage)).toBe('unlucky 13');
    expect(header(thrown!, H.exceptionClass)).toBe('Error');
    expect(header(thrown!, H.offset)).toBe('6');

    // every input offset is committed, the skipped ones included
    await waitFor(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: `${id}-v3`, topics: [input] });
      return committed?.partitions[0]?.offset === '10';
    }, { timeoutMs: 15_000, description: 'input committed up to offset 10' });

    const text = await metrics.metrics();
    const application = `application="${id}-v3"`;
    expect(text).toContain(`streams_records_processed_total{${application},task="0_0",topic="${input}"} 9`);
    expect(text).toContain(`streams_dead_letter_records_total{${application},stage="deserialization",topic="${id}-v3-dlq"} 1`);
    expect(text).toContain(`streams_dead_letter_records_total{${application},stage="processing",topic="${id}-v3-dlq"} 1`);
    expect(text).toContain(`streams_consumer_lag{${application},topic="${input}",partition="0"} 0`);
    expect(text).toMatch(new RegExp(`streams_commit_latency_seconds_count\\{${application}\\} [1-9]`));
  });

  it('a custom handler decides per record, and continued records still reach the dead-letter topic', async () => {
    const deadLetterTopic = uniqueName('poison-dlq');
    const seen: string[] = [];
    const { app, id, output } = await setUp({
      deserialization: { deadLetterTopic },
      processing: (failure) => {
        seen.push(`${failure.topic}@${failure.offset}`);
        return 'continue';
      },
    });
    await app.start();
    const outputs: { partition: number; message: KafkaMessage }[] = [];
    const dead: { partition: number; message: KafkaMessage }[] = [];
    const defaultDead: { partition: number; message: KafkaMessage }[] = [];
    const readers = [
      await collect(kafka, output, outputs),
      await collect(kafka, deadLetterTopic, dead),
      await collect(kafka, `${id}-v3-dlq`, defaultDead),
    ];
    defer(async () => void (await Promise.all(readers.map((r) => r.disconnect()))));
    await waitFor(() => outputs.length === 8 && dead.length === 1 && defaultDead.length === 1, {
      timeoutMs: 30_000,
      description: '8 outputs, a dead letter in each topic',
    });
    expect(dead[0]!.message.headers?.[H.offset]?.toString()).toBe('3');
    expect(defaultDead[0]!.message.headers?.[H.offset]?.toString()).toBe('6');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/@6$/);
  });

  it('with the default handler a record that cannot be deserialized stops the application naming its offset', async () => {
    const { app, input } = await setUp({});
    await app.start();
    await waitFor(() => app.state === 'ERROR', { timeoutMs: 30_000, description: 'state ERROR' });
    expect(app.cause).toBeInstanceOf(DeserializationError);
    const cause = app.cause as DeserializationError;
    expect([cause.topic, cause.partition, cause.offset]).toEqual([input, 0, '3']);
    expect(cause.message).toContain(`${input}-0@3`);
  });

  it('with the default handler a processor that throws stops the application naming its offset', async () => {
    const { app, input } = await setUp({ deserialization: {} });
    await app.start();
    await waitFor(() => app.state === 'ERROR', { timeoutMs: 30_000, description: 'state ERROR' });
    expect(app.cause).toBeInstanceOf(ProcessingError);
    expect(app.cause).not.toBeInstanceOf(DeserializationError);
    const cause = app.cause as ProcessingError;
    expect([cause.topic, cause.partition, cause.offset]).toEqual([input, 0, '6']);
    expect(cause.message).toContain('unlucky 13');
  });
});
