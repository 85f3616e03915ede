import * as fs from 'node:fs';
import { CompressionTypes, logLevel } from 'kafkajs';
import type { Logger } from '@platform/common';
import { createTopic, kafkaBrokers, uniqueName, waitFor } from '@platform/testing';
import { StreamsApplication } from './application';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { countTopology, int64 } from './internals/runtime/__fixtures__/count-topology';
import { TopicReader } from './internals/runtime/__fixtures__/topic-reader';
import { storedCodecIds } from './internals/compression/__fixtures__/batch-codecs';
import { registerKafkaJsCodecs } from './internals/compression/kafkajs-codecs';
import type { CompressionName } from './internals/compression/codecs';
import type { ProcessingGuarantee } from './internals/runtime/options';

const KEYS = ['a', 'b', 'c'];
const PER_KEY = 4;
// Half of them under exactly-once: the codec reaches the task producers' transactions too.
const CODECS: [CompressionName, CompressionTypes, ProcessingGuarantee][] = [
  ['gzip', CompressionTypes.GZIP, 'at-least-once'],
  ['snappy', CompressionTypes.Snappy, 'exactly-once'],
  ['lz4', CompressionTypes.LZ4, 'at-least-once'],
  ['zstd', CompressionTypes.ZSTD, 'exactly-once'],
];

describe('compression codecs on every path of the engine', () => {
  const { kafka, admin, producer, tempDir, track, defer } = useBrokerHarness('compression-spec');
  beforeAll(() => registerKafkaJsCodecs());

  // One application per codec, all at once (each start is mostly waiting on the broker).
  it('reads input and writes outputs and changelogs with each codec, and restores each changelog through the fetch reader', async () => {
    await Promise.all(CODECS.map(([name, type, guarantee]) => roundTrip(name, type, guarantee)));
  }, 60_000);

  async function roundTrip(name: CompressionName, type: CompressionTypes, processingGuarantee: ProcessingGuarantee): Promise<void> {
    const input = uniqueName(`zip-in-${name}`);
    const output = uniqueName(`zip-out-${name}`);
    const id = uniqueName(`zip-app-${name}`);
    const stateDir = tempDir();
    await Promise.all([createTopic(admin, input, { partitions: 1 }), createTopic(admin, output, { partitions: 1 })]);
    // an incompressible value next to repetitive ones, so every codec meets both kinds of data
    const values = (key: string) => Array.from({ length: PER_KEY }, (_, i) => (i === 0 ? randomText() : `${key}${i}`.repeat(50)));
    await producer.send({ topic: input, compression: type, messages: KEYS.flatMap((key) => values(key).map((value) => ({ key, value }))) });

    const warnings: string[] = [];
    const readers: unknown[] = [];
    const logger: Logger = {
      debug: (m, fields) => void (m === 'changelogs restored' && readers.push(fields?.reader)),
      info: () => undefined,
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
      child: () => logger,
    };
    const application = () =>
      track(
        new StreamsApplication(countTopology(input, output), {
          app: { id, version: 1 },
          kafka: { clientId: `compression-spec-${name}`, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING },
          stateDir,
          commitIntervalMs: 200,
          compression: name,
          processingGuarantee,
          logger,
        }),
      );
    const counted = (app: StreamsApplication) => KEYS.every((k) => app.localStore<string, number>('counts').get(k) === PER_KEY);

    const first = application();
    await first.start();
    await waitFor(() => counted(first), { timeoutMs: 30_000, description: `${name}: every key counted ${PER_KEY} times` });
    // The outputs, read back by a kafkajs consumer (its codec registration decodes them), while the application closes.
    const reader = await TopicReader.start(kafka, output);
    defer(() => reader.stop());
    await Promise.all([first.close(), waitFor(() => reader.records.length === KEYS.length * PER_KEY, { timeoutMs: 30_000, description: `${name}: the outputs` })]);
    const last = new Map(reader.records.map((r) => [r.key, int64.deserialize(output, r.value!)]));
    expect([...last]).toEqual(KEYS.map((k) => [k, PER_KEY]));

    // What the broker stores really is of that codec: the input, the outputs and the changelog.
    const changelog = `${id}-v1-counts-changelog`;
    const stored = await Promise.all([input, output, changelog].map(async (topic) => ({ topic, ids: [...new Set(await storedCodecIds(admin, topic, `compression-spec-${name}`))] })));
    expect(stored).toEqual([input, output, changelog].map((topic) => ({ topic, ids: [type] })));

    // A wiped state dir restores from the compressed changelog through the engine's own fetch reader.
    fs.rmSync(stateDir, { recursive: true, force: true });
    const second = application();
    await second.start();
    await waitFor(() => counted(second), { timeoutMs: 30_000, description: `${name}: the restored counts` });
    expect(readers).toEqual(['fetch']);
    expect(warnings).toEqual([]);
    defer(() => admin.deleteTopics({ topics: [input, output, changelog] }).catch(() => undefined));
  }
});

function randomText(): string {
  return Array.from({ length: 300 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join('');
}
