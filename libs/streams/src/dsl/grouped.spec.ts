import { TopologyTestDriver } from '../internals/driver/test-driver';
import { Serdes } from '../serdes/serdes';
import { StreamsBuilder } from './streams-builder';

const str = { keySerde: Serdes.string(), valueSerde: Serdes.string() };

describe('KGroupedStream aggregations', () => {
  it('counts, reduces and aggregates by key without repartitioning', async () => {
    const b = new StreamsBuilder();
    const grouped = b.stream('in', str).groupByKey();
    grouped.count({ name: 'counts' }).toStream().to('counts', { valueSerde: Serdes.int64() });
    grouped.reduce((a, v) => `${a}+${v}`, { name: 'joined' }).toStream().to('joined');
    grouped
      .aggregate(() => ({ sum: 0, n: 0 }), (_k, v, agg) => ({ sum: agg.sum + Number(v), n: agg.n + 1 }), {
        name: 'stats',
        valueSerde: Serdes.json<{ sum: number; n: number }>(),
      })
      .toStream()
      .to('stats', { valueSerde: Serdes.json<{ sum: number; n: number } | null>() });
    const spec = b.build();
    expect(spec.repartitionTopics).toEqual([]);
    expect([...spec.stores.values()].map((s) => [s.name, s.changelog.kind])).toEqual([
      ['counts', 'internal'],
      ['joined', 'internal'],
      ['stats', 'internal'],
    ]);
    const driver = new TopologyTestDriver(spec);
    const input = driver.createInputTopic('in', Serdes.string(), Serdes.string());
    await input.pipeKeyValueList([
      { key: 'a', value: '1' },
      { key: 'b', value: '5' },
      { key: 'a', value: '2' },
      { key: 'a', value: null },
    ]);
    const counts = driver.createOutputTopic('counts', Serdes.string(), Serdes.int64());
    expect(await counts.readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 1 },
      { key: 'a', value: 2 },
    ]);
    expect(await driver.createOutputTopic('joined', Serdes.string(), Serdes.string()).readValuesToList()).toEqual(['1', '5', '1+2']);
    const stats = driver.createOutputTopic('stats', Serdes.string(), Serdes.json<{ sum: number; n: number }>());
    expect(await stats.readKeyValuesToMap()).toEqual(new Map([['a', { sum: 3, n: 2 }], ['b', { sum: 5, n: 1 }]]));
    expect(driver.getKeyValueStore<string, number>('counts')?.get('a')).toBe(2);
  });

  it('repartitions before aggregating after a key change, through a topic named after the store', async () => {
    const b = new StreamsBuilder();
    b.stream('events', str)
      .groupBy((_user, page) => page, { keySerde: Serdes.string() })
      .count({ name: 'page-views' })
      .toStream()
      .to('views', { valueSerde: Serdes.int64() });
    const spec = b.build();
    expect(spec.repartitionTopics).toEqual([{ name: 'page-views' }]);
    expect(spec.subtopologies).toHaveLength(2);
    expect(spec.subtopologies[1].sourceTopics).toEqual([{ kind: 'repartition', name: 'page-views' }]);
    expect(spec.subtopologies[1].stores).toEqual(['page-views']);

    const driver = new TopologyTestDriver(spec, { defaultPartitions: 4 });
    const input = driver.createInputTopic('events', Serdes.string(), Serdes.string());
    const users = ['ann', 'bob', 'cid', 'dan', 'eve', 'fay'];
    for (const user of users) await input.pipeInput(user, 'home');
    await input.pipeInput('ann', 'about');
    const views = await driver.createOutputTopic('views', Serdes.string(), Serdes.int64()).readKeyValuesToMap();
    expect(views).toEqual(new Map([['home', 6], ['about', 1]]));
    const repartition = driver.createOutputTopic('test-app-v1-page-views-repartition', Serdes.string(), Serdes.string());
    expect(new Set((await repartition.readRecordsToList()).filter((r) => r.key === 'home').map((r) => r.partition)).size).toBe(1);
  });
});
