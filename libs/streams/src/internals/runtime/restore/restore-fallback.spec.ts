import type { Logger } from '@platform/common';
import { createTopic, newKafka, uniqueName } from '@platform/testing';
import { EventHub } from '../events';
import { restore } from '../restorer';
import type { RestoreRequest } from './restore-request';

describe('restore on a real broker', () => {
  const kafka = newKafka('restore-fallback-spec');
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('when the fetch reader fails, kafkajs consumers restore everything from where it stopped', async () => {
    const topic = uniqueName('restore-fallback');
    await createTopic(admin, topic, { partitions: 2 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })) });
    await producer.disconnect();

    const applied = new Map<number, string[]>();
    const request = (partition: number): RestoreRequest =>
      ({
        state: {
          taskId: `0_${partition}`,
          applyRestoreBatch: (_b: unknown, writes: readonly { key: Buffer }[]) => applied.set(partition, [...(applied.get(partition) ?? []), ...writes.map((w) => w.key.toString())]),
        },
        binding: { store: 'counts', topic, partition },
        from: 0n,
        end: 20n,
      }) as unknown as RestoreRequest;
    const warnings: string[] = [];
    const readers: unknown[] = [];
    const logger: Logger = {
      debug: (m, fields) => void (m === 'changelogs restored' && readers.push(fields?.reader)),
      info: () => undefined,
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
      child: () => logger,
    };
    await restore([request(0), request(1)], {
      kafka,
      admin,
      applicationKey: uniqueName('restore-fallback-app'),
      events: new EventHub(),
      logger,
      keepAlive: async () => undefined,
      // TLS towards a PLAINTEXT listener: the fetch reader's connection fails, kafkajs (plaintext) works
      fetch: { clientId: 'restore-fallback-spec', ssl: { rejectUnauthorized: false } },
    });
    expect(warnings).toEqual(['changelog fetch reader failed; kafkajs consumers restore the rest']);
    expect(readers).toEqual(['kafkajs']);
    expect(applied.get(0)).toEqual(Array.from({ length: 20 }, (_, i) => `k${2 * i}`));
    expect(applied.get(1)).toEqual(Array.from({ length: 20 }, (_, i) => `k${2 * i + 1}`));
  });
});
