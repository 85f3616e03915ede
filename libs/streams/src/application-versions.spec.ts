import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigResourceTypes } from 'kafkajs';
import { createTopic, uniqueName, waitFor } from '@platform/testing';
import { StreamsApplication } from './application';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { StreamsBuilder } from './dsl/streams-builder';
import type { StreamsApplicationOptions } from './internals/runtime/options';
import { transactionalId } from './internals/topology/names';
import { Serdes } from './serdes/serdes';

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'];

/** Re-keys by the upper-cased key (through a repartition topic) and counts into store `counts`. */
function topology(input: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .selectKey((key) => key.toUpperCase(), { name: 'upper', keySerde: Serdes.string() })
    .groupByKey()
    .count({ name: 'counts' });
  return builder.build();
}

describe('versioned applications on a real broker', () => {
  const { kafka, admin, producer, defer } = useBrokerHarness('streams-versions-spec');

  const produce = (topic: string, perKey: number) =>
    producer.send({ topic, messages: KEYS.flatMap((key) => Array.from({ length: perKey }, (_, i) => ({ key, value: `${key}${i}` }))) });
  const start = async (id: string, version: number, input: string, extra: Partial<StreamsApplicationOptions> = {}) => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-versions-'));
    const app = new StreamsApplication(topology(input), {
      app: { id, version },
      kafka,
      stateDir,
      commitIntervalMs: 200,
      processingExceptionHandler: {},
      ...extra,
    });
    defer(async () => {
      await app.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    });
    await app.start();
    return app;
  };
  const countsOf = (app: StreamsApplication) =>
    KEYS.map((k) => app.localStore<string, number>('counts').get(k.toUpperCase()) ?? 0);
  const expectCounts = (app: StreamsApplication, perKey: number, label: string) =>
    waitFor(() => countsOf(app).every((n) => n === perKey), {
      timeoutMs: 45_000,
      description: `${label}: every key counted ${perKey} times (now ${countsOf(app).join(',')})`,
    });

  it('runs version 2 (exactly-once) beside version 1, reprocessing from the beginning into its own group, state and topics', async () => {
    const id = uniqueName('versions');
    const input = uniqueName('versions-in');
    await createTopic(admin, input, { partitions: 3 });
    await produce(input, 4);

    const v1 = await start(id, 1, input);
    await expectCounts(v1, 4, 'v1');
    const v2 = await start(id, 2, input, { processingGuarantee: 'exactly-once' });
    await expectCounts(v2, 4, 'v2 after reprocessing from the beginning');
    await produce(input, 3);
    await expectCounts(v1, 7, 'v1');
    await expectCounts(v2, 7, 'v2');
    expect(v1.state).toBe('RUNNING');
    expect(v2.state).toBe('RUNNING');

    // each version has its own consumer group with the whole input committed
    const ends = await admin.fetchTopicOffsets(input);
    for (const groupId of [`${id}-v1`, `${id}-v2`]) {
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
        return ends.every((e) => committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
      }, { timeoutMs: 15_000, description: `${groupId} committed the whole input` });
    }

    // transactional ids carry the version too
    expect(transactionalId({ id, version: 2 }, '0_1')).toBe(`${id}-v2-0_1`);
    expect(transactionalId({ id, version: 1 }, '0_1')).not.toBe(transactionalId({ id, version: 2 }, '0_1'));

    // each version has its own internal and dead-letter topics, with the right partitions and configs
    const topics = new Set(await admin.listTopics());
    for (const version of [1, 2]) {
      const changelog = `${id}-v${version}-counts-changelog`;
      const repartition = `${id}-v${version}-counts-repartition`;
      expect([changelog, repartition, `${id}-v${version}-dlq`].filter((t) => !topics.has(t))).toEqual([]);
      const metadata = await admin.fetchTopicMetadata({ topics: [changelog, repartition] });
      expect(metadata.topics.map((t) => t.partitions.length)).toEqual([3, 3]);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [changelog, repartition].map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['cleanup.policy', 'retention.ms'],
        })),
      });
      const config = (topic: string, name: string) =>
        resources.find((r) => r.resourceName === topic)?.configEntries.find((e) => e.configName === name)?.configValue;
      expect(config(changelog, 'cleanup.policy')).toBe('compact');
      expect(config(repartition, 'cleanup.policy')).toBe('delete');
      expect(config(repartition, 'retention.ms')).toBe('-1');
    }
  });
});
