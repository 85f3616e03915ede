import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import type { Admin, Producer } from 'kafkajs';
import type { Logger } from '@platform/common';
import { clusterView } from '../runtime/own-connection';
import { InputFetcher, type InputBatch } from './input-fetcher';
import { tpKey } from '../topic-partition';

/** What a processing loop saw: `partition@offset:value`, in the order it was handed on. */
interface Loop {
  readonly seen: string[];
  /** Resolves everything it is handed, unless told to stop at an offset (then resolves up to before it, once). */
  stopBefore: number | undefined;
  readonly warnings: string[];
  readonly fetcher: InputFetcher;
}

describe('InputFetcher (the lean fetch path) against the broker', () => {
  const kafka = newKafka('input-fetcher-spec');
  let admin: Admin;
  let producer: Producer;
  const fetchers: InputFetcher[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterEach(async () => {
    await Promise.all(fetchers.splice(0).map((f) => f.stop()));
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  const loop = (): Loop => {
    const warnings: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m), child: () => logger };
    const state: { seen: string[]; stopBefore: number | undefined } = { seen: [], stopBefore: undefined };
    const onBatch = async (batch: InputBatch) => {
      for (const m of batch.messages) {
        if (!batch.current()) return;
        if (state.stopBefore !== undefined && Number(m.offset) >= state.stopBefore) {
          state.stopBefore = undefined;
          return;
        }
        state.seen.push(`${batch.partition}@${m.offset}:${m.value?.toString()}`);
        batch.resolveOffset(m.offset);
      }
    };
    const fetcher = new InputFetcher({
      connection: { clientId: 'input-fetcher-spec' },
      metadata: (topics) => clusterView(admin, topics),
      onBatch,
      onFatal: (error) => void warnings.push(`fatal: ${String(error)}`),
      logger,
      maxWaitMs: 50,
    });
    fetchers.push(fetcher);
    return Object.assign(state, { warnings, fetcher }) as Loop;
  };
  const produce = (topic: string, partition: number, from: number, to: number) =>
    producer.send({ topic, messages: Array.from({ length: to - from }, (_, i) => ({ partition, value: `v${from + i}` })) });
  const values = (partition: number, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${partition}@${from + i}:v${from + i}`);

  it('reads assigned partitions from their starts, in order, and goes on with new records', async () => {
    const topic = uniqueName('fetcher-order');
    await createTopic(admin, topic, { partitions: 2 });
    await produce(topic, 0, 0, 50);
    await produce(topic, 1, 0, 20);
    const l = loop();
    await l.fetcher.assign([{ topic, partition: 0 }, { topic, partition: 1 }], new Map([[tpKey(topic, 0), '10'], [tpKey(topic, 1), '0']]));
    await produce(topic, 1, 20, 30);
    await waitFor(() => l.seen.length === 40 + 30, { timeoutMs: 15_000, description: '70 records' });
    expect(l.seen.filter((s) => s.startsWith('0@'))).toEqual(values(0, 10, 50));
    expect(l.seen.filter((s) => s.startsWith('1@'))).toEqual(values(1, 0, 30));
    expect(l.warnings).toEqual([]);
  });

  it('pause holds a partition back, resume goes on from its position, seek reads again from the target', async () => {
    const topic = uniqueName('fetcher-pause');
    await createTopic(admin, topic, { partitions: 2 });
    await produce(topic, 0, 0, 10);
    await produce(topic, 1, 0, 10);
    const l = loop();
    l.fetcher.pause([{ topic, partitions: [1] }]);
    await l.fetcher.assign([{ topic, partition: 0 }, { topic, partition: 1 }], new Map([[tpKey(topic, 0), '0'], [tpKey(topic, 1), '0']]));
    await waitFor(() => l.seen.length === 10, { timeoutMs: 15_000, description: 'partition 0' });
    await new Promise((r) => setTimeout(r, 300));
    expect(l.seen).toEqual(values(0, 0, 10)); // nothing of the paused partition
    l.fetcher.resume([{ topic, partitions: [1] }]);
    await waitFor(() => l.seen.length === 20, { timeoutMs: 15_000, description: 'partition 1 after resume' });
    expect(l.seen.slice(10)).toEqual(values(1, 0, 10));
    l.fetcher.seek({ topic, partition: 0, offset: '7' });
    await waitFor(() => l.seen.length === 23, { timeoutMs: 15_000, description: 'partition 0 again from 7' });
    expect(l.seen.slice(20)).toEqual(values(0, 7, 10));
    // a whole-topic pause (as kafkajs' pause without partitions)
    l.fetcher.pause([{ topic }]);
    await produce(topic, 0, 10, 12);
    await new Promise((r) => setTimeout(r, 300));
    expect(l.seen).toHaveLength(23);
    l.fetcher.resume([{ topic }]);
    await waitFor(() => l.seen.length === 25, { timeoutMs: 15_000, description: 'after the topic resumed' });
    expect(l.seen.slice(23)).toEqual(values(0, 10, 12));
  });

  it('a batch the loop did not resolve to its end is read again from the last resolved offset', async () => {
    const topic = uniqueName('fetcher-unresolved');
    await createTopic(admin, topic, { partitions: 1 });
    await produce(topic, 0, 0, 20);
    const l = loop();
    l.stopBefore = 12;
    await l.fetcher.assign([{ topic, partition: 0 }], new Map([[tpKey(topic, 0), '0']]));
    await waitFor(() => l.seen.length === 20, { timeoutMs: 15_000, description: 'every record once' });
    expect(l.seen).toEqual(values(0, 0, 20));
  });

  it('a new assignment keeps the positions of kept partitions; suspend hands nothing on until it', async () => {
    const topic = uniqueName('fetcher-assign');
    await createTopic(admin, topic, { partitions: 2 });
    await produce(topic, 0, 0, 5);
    const l = loop();
    await l.fetcher.assign([{ topic, partition: 0 }], new Map([[tpKey(topic, 0), '0']]));
    await waitFor(() => l.seen.length === 5, { timeoutMs: 15_000, description: 'partition 0' });
    l.fetcher.suspend();
    await produce(topic, 0, 5, 8);
    await produce(topic, 1, 0, 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(l.seen).toHaveLength(5);
    await l.fetcher.assign([{ topic, partition: 0 }, { topic, partition: 1 }], new Map([[tpKey(topic, 1), '1']]));
    await waitFor(() => l.seen.length === 10, { timeoutMs: 15_000, description: 'both after the assignment' });
    expect(l.seen.filter((s) => s.startsWith('0@'))).toEqual(values(0, 0, 8));
    expect(l.seen.filter((s) => s.startsWith('1@'))).toEqual(values(1, 1, 3));
  });

  it('a position retention removed goes on from the log start, with a warning', async () => {
    const topic = uniqueName('fetcher-retention');
    await createTopic(admin, topic, { partitions: 1 });
    await produce(topic, 0, 0, 10);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '6' }] });
    const l = loop();
    await l.fetcher.assign([{ topic, partition: 0 }], new Map([[tpKey(topic, 0), '2']]));
    await waitFor(() => l.seen.length === 4, { timeoutMs: 15_000, description: 'what retention left' });
    expect(l.seen).toEqual(values(0, 6, 10));
    expect(l.warnings).toEqual(['input position out of range; going on from the log start']);
  });
});
