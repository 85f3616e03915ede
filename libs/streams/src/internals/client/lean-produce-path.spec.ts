import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTopic, kafkaBrokers, newKafka, uniqueName, waitFor } from '@platform/testing';
import { logLevel, type Admin, type Kafka, type KafkaConfig, type Producer } from 'kafkajs';
import type { Logger } from '@platform/common';
import { StreamsApplication } from '../../application';
import { countTopology } from '../runtime/__fixtures__/count-topology';
import { TopicReader } from '../runtime/__fixtures__/topic-reader';
import type { StreamsApplicationOptions } from '../runtime/options';

const KEYS = Array.from({ length: 30 }, (_, i) => `key-${i}`);

/** Last count per key in the output (values are int64). */
function lastCounts(reader: TopicReader): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of reader.records) if (r.key !== null && r.value) counts.set(r.key, Number(r.value.readBigInt64BE()));
  return counts;
}

describe("producePath 'lean' in a streams application", () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const config: KafkaConfig = { clientId: 'lean-path-spec', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING };
  const cleanup: (() => Promise<unknown> | void)[] = [];

  beforeAll(async () => {
    kafka = newKafka('lean-path-spec');
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  const stateDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lean-path-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const started = async (app: StreamsApplication) => {
    cleanup.push(() => app.close());
    await app.start();
    await waitFor(() => app.state === 'RUNNING', { timeoutMs: 30_000, description: 'RUNNING' });
    return app;
  };
  const round = (topic: string, n: number) => producer.send({ topic, messages: KEYS.map((key) => ({ key, value: `${key}-${n}` })) });

  it('counts with its outputs and changelog written by the lean path, and restores that changelog after the state is lost', async () => {
    const input = uniqueName('lean-in');
    const output = uniqueName('lean-out');
    await Promise.all([createTopic(admin, input, { partitions: 3 }), createTopic(admin, output, { partitions: 3 })]);
    const id = uniqueName('lean-count');
    const dir = stateDir();
    const options: StreamsApplicationOptions = { app: { id, version: 1 }, kafka: config, stateDir: dir, commitIntervalMs: 200, producePath: 'lean' };
    const reader = await TopicReader.start(kafka, output);
    cleanup.push(() => reader.stop());

    const first = await started(new StreamsApplication(countTopology(input, output), options));
    await round(input, 1);
    await round(input, 2);
    await waitFor(() => KEYS.every((k) => lastCounts(reader).get(k) === 2), { timeoutMs: 30_000, description: 'counts of 2' });
    await first.close();

    // no local state: the counts come back from the changelog the lean path wrote, at the offsets it reported
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const second = await started(new StreamsApplication(countTopology(input, output), options));
    await round(input, 3);
    await waitFor(() => KEYS.every((k) => lastCounts(reader).get(k) === 3), { timeoutMs: 30_000, description: 'counts of 3 after the restore' });
    expect(reader.records.filter((r) => (r.value ? Number(r.value.readBigInt64BE()) : 0) > 3)).toEqual([]);
    await second.close();
  });

  it('falls back to kafkajs, saying so, when given a Kafka instance (the engine cannot connect by itself)', async () => {
    const input = uniqueName('fallback-in');
    const output = uniqueName('fallback-out');
    await Promise.all([createTopic(admin, input, { partitions: 1 }), createTopic(admin, output, { partitions: 1 })]);
    const warnings: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined, child: () => logger };
    const reader = await TopicReader.start(kafka, output);
    cleanup.push(() => reader.stop());
    await started(new StreamsApplication(countTopology(input, output), { app: { id: uniqueName('fallback'), version: 1 }, kafka, stateDir: stateDir(), commitIntervalMs: 200, producePath: 'lean', logger }));
    await round(input, 1);
    await waitFor(() => KEYS.every((k) => lastCounts(reader).get(k) === 1), { timeoutMs: 30_000, description: 'counts of 1' });
    expect(warnings.filter((w) => w.startsWith("producePath 'lean' needs the Kafka config"))).toHaveLength(1);
  });

  it('refuses an unknown produce path when the application is built', () => {
    expect(() => new StreamsApplication(countTopology('in'), { app: { id: 'x', version: 1 }, kafka: config, stateDir: os.tmpdir(), producePath: 'fast' as never })).toThrow(
      `producePath must be 'kafkajs' or 'lean', not "fast"`,
    );
  });
});
