import type { Processor, ProcessorContext } from '../../api/processor';
import type { Serde } from '../../api/serde';
import { StreamsError } from '../../errors';
import { Serdes } from '../../serdes/serdes';
import { Stores } from '../topology/stores';
import { Topology } from '../topology/topology';
import { partitionForKey } from '../partitioning/murmur2';
import { TopologyTestDriver } from './test-driver';

const str = { keySerde: Serdes.string(), valueSerde: Serdes.string() };
const rep = { kind: 'repartition', name: 'by-value' } as const;

/** value becomes key, then counted per key in a store, with a wall-clock punctuator reporting totals. */
function countByValue() {
  const swap = (): Processor<string, string> => {
    let ctx: ProcessorContext<string, string>;
    return { init: (c) => (ctx = c), process: (r) => ctx.forward({ ...r, key: r.value, value: r.key }) };
  };
  const count = (): Processor<string, string, string, string> => {
    let ctx: ProcessorContext<string, string>;
    return {
      init: (c) => {
        ctx = c;
        ctx.schedule(1_000, 'wall-clock', (now) => {
          const store = ctx.getStateStore<string, number>('counts');
          ctx.forward({ key: `total@${ctx.taskId}`, value: String(store.approximateNumEntries()), timestamp: now, headers: {} }, 'totals');
        });
      },
      process: (r) => {
        const store = ctx.getStateStore<string, number>('counts');
        const n = (store.get(r.key) ?? 0) + 1;
        store.put(r.key, n);
        ctx.forward({ ...r, value: `${n}@p${ctx.recordMetadata()?.partition}` }, 'counted');
      },
    };
  };
  return new Topology()
    .addSource('in', 'input', str)
    .addProcessor('swap', swap, 'in')
    .addSink('to-rep', rep, str, 'swap')
    .addSource('from-rep', rep, str)
    .addProcessor('count', count, 'from-rep')
    .addStateStore(Stores.keyValue('counts', Serdes.string(), Serdes.int64()), 'count')
    .addSink('counted', 'counted', str, 'count')
    .addSink('totals', 'totals', str, 'count')
    .build();
}

describe('TopologyTestDriver', () => {
  it('routes through repartition topics synchronously, partitioning keys like the producer', async () => {
    const driver = new TopologyTestDriver(countByValue(), { topicPartitions: { input: 2 } });
    const input = driver.createInputTopic('input', Serdes.string(), Serdes.string());
    const counted = driver.createOutputTopic('counted', Serdes.string(), Serdes.string());
    for (const [k, v] of [['u1', 'red'], ['u2', 'blue'], ['u3', 'red'], ['u4', 'green'], ['u5', 'red']]) {
      await input.pipeInput(k, v, 10);
    }
    const records = await counted.readRecordsToList();
    const partitionOf = (key: string) => partitionForKey(Buffer.from(key), 2);
    expect(records.map((r) => [r.key, r.value])).toEqual([
      ['red', `1@p${partitionOf('red')}`],
      ['blue', `1@p${partitionOf('blue')}`],
      ['red', `2@p${partitionOf('red')}`],
      ['green', `1@p${partitionOf('green')}`],
      ['red', `3@p${partitionOf('red')}`],
    ]);
    expect(records.every((r) => r.timestamp === 10 && r.partition === partitionForKey(Buffer.from(r.key as string), 3))).toBe(true);
    expect(counted.isEmpty()).toBe(true);
    const store = driver.getKeyValueStore<string, number>('counts');
    expect(store?.get('red')).toBe(3);
    expect([...(store?.all() ?? [])]).toEqual([
      { key: 'blue', value: 1 },
      { key: 'green', value: 1 },
      { key: 'red', value: 3 },
    ]);
    expect(driver.getKeyValueStore('nope')).toBeUndefined();
    const repartitioned = driver.createOutputTopic('test-app-v1-by-value-repartition', Serdes.string(), Serdes.string());
    expect(repartitioned.getQueueSize()).toBe(5);
  });

  it('fires wall-clock punctuators only when the mocked clock advances', async () => {
    const driver = new TopologyTestDriver(countByValue(), { wallClockStartMs: 5_000, defaultPartitions: 1 });
    const input = driver.createInputTopic('input', Serdes.string(), Serdes.string());
    const totals = driver.createOutputTopic('totals', Serdes.string(), Serdes.string());
    await input.pipeInput('u1', 'red');
    await input.pipeInput('u2', 'blue');
    await driver.advanceWallClockTime(999);
    expect(totals.isEmpty()).toBe(true);
    await driver.advanceWallClockTime(1);
    expect(await totals.readRecordsToList()).toEqual([
      { key: 'total@1_0', value: '2', timestamp: 6_000, headers: {}, partition: 0, offset: 0 },
    ]);
    await driver.advanceWallClockTime(5_000);
    expect(await totals.readKeyValuesToList()).toEqual([{ key: 'total@1_0', value: '2' }]);
    const counted = driver.createOutputTopic('counted', Serdes.string(), Serdes.string());
    expect((await counted.readRecordsToList()).map((r) => r.timestamp)).toEqual([5_000, 5_000]);
  });

  it('awaits asynchronous serdes and passes tombstones and null keys through', async () => {
    const slow = <T>(inner: Serde<T>): Serde<T> => ({
      serialize: async (t, v) => inner.serialize(t, v),
      deserialize: async (t, d) => inner.deserialize(t, d),
    });
    const topology = new Topology()
      .addSource('in', 'in', { keySerde: slow(Serdes.string()), valueSerde: slow(Serdes.json<{ a: number }>()) })
      .addSink('out', 'out', { keySerde: slow(Serdes.string()), valueSerde: slow(Serdes.json<{ a: number }>()) }, 'in')
      .build();
    const driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic('in', slow(Serdes.string()), slow(Serdes.json<{ a: number }>()));
    const output = driver.createOutputTopic('out', Serdes.string(), Serdes.json<{ a: number }>());
    await Promise.all([input.pipeInput('k', { a: 1 }, 1), input.pipeInput('k', null, 2), input.pipeInput(null, { a: 3 }, 3)]);
    expect(await output.readKeyValuesToList()).toEqual([
      { key: 'k', value: { a: 1 } },
      { key: 'k', value: null },
      { key: null, value: { a: 3 } },
    ]);
    await expect(output.readRecord()).rejects.toThrow(StreamsError);
  });

  it('rejects the call whose processing failed and keeps working afterwards', async () => {
    const topology = new Topology()
      .addSource('in', 'in', str)
      .addProcessor('p', () => ({ process: (r: { value: string }) => { if (r.value === 'bad') throw new Error('boom'); } }), 'in')
      .build();
    const driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic('in', Serdes.string(), Serdes.string());
    await expect(input.pipeInput('k', 'bad')).rejects.toThrow('boom');
    await expect(input.pipeInput('k', 'good')).resolves.toBeUndefined();
    await driver.close();
    await expect(input.pipeInput('k', 'good')).rejects.toThrow(/closed/);
  });

  it('fires stream-time punctuators from piped timestamps, per task', async () => {
    const fired: string[] = [];
    const topology = new Topology()
      .addSource('in', 'in', str)
      .addProcessor(
        'p',
        (): Processor<string, string> => ({
          init: (ctx) => {
            ctx.schedule(100, 'stream-time', (t) => fired.push(`${ctx.taskId}@${t}`));
          },
          process: () => undefined,
        }),
        'in',
      )
      .build();
    const driver = new TopologyTestDriver(topology, { defaultPartitions: 1 });
    const input = driver.createInputTopic('in', Serdes.string(), Serdes.string());
    await input.pipeInput('k', 'v', 1_000);
    await input.pipeInput('k', 'v', 1_099);
    await input.pipeInput('k', 'v', 1_050);
    await input.pipeInput('k', 'v', 1_100);
    await driver.advanceWallClockTime(10_000);
    await input.pipeInput('k', 'v', 1_450);
    expect(fired).toEqual(['0_0@1000', '0_0@1100', '0_0@1450']);
  });

  it('refuses co-partitioned topics with different partition counts', () => {
    const topology = new Topology().addSource('a', 'a', str).addSource('b', 'b', str).addCopartitionGroup('a', 'b').build();
    expect(() => new TopologyTestDriver(topology, { topicPartitions: { a: 2, b: 3 } })).toThrow(/not co-partitioned: a \(2\), b \(3\)/);
  });
});
