import { TopologyTestDriver } from '../internals/driver/test-driver';
import { Serdes } from '../serdes/serdes';
import { StreamsBuilder } from './streams-builder';

const str = { keySerde: Serdes.string(), valueSerde: Serdes.string() };

describe('stream-table joins', () => {
  it('repartitions a re-keyed stream so every record meets its table row', async () => {
    const b = new StreamsBuilder();
    const users = b.table('users', { ...str, name: 'users' });
    b.stream('clicks', str) // keyed by click id, value = user id
      .selectKey((_click, user) => user, { keySerde: Serdes.string() })
      .join(users, (user, name) => `${user}:${name}`, { name: 'enrich' })
      .to('enriched', str);
    b.stream('visits', str).leftJoin(users, (v, name) => `${v}:${name ?? '?'}`).to('visits-enriched', str);
    const spec = b.build();
    expect(spec.repartitionTopics).toEqual([{ name: 'enrich-left' }]);
    expect(spec.copartitionGroups.map((g) => g.map((t) => `${t.kind}:${t.name}`).sort())).toEqual([
      ['external:users', 'external:visits', 'repartition:enrich-left'],
    ]);
    expect(spec.stores.get('users')?.changelog).toEqual({ kind: 'source', topic: { kind: 'external', name: 'users' } });

    const driver = new TopologyTestDriver(spec, { defaultPartitions: 4 });
    const userTopic = driver.createInputTopic('users', Serdes.string(), Serdes.string());
    const clicks = driver.createInputTopic('clicks', Serdes.string(), Serdes.string());
    const ids = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    for (const id of ids) await userTopic.pipeInput(id, id.toUpperCase());
    for (const [i, id] of ids.entries()) await clicks.pipeInput(`click-${i}`, id);
    await clicks.pipeInput('click-x', 'unknown-user');
    const enriched = await driver.createOutputTopic('enriched', Serdes.string(), Serdes.string()).readKeyValuesToList();
    expect(enriched).toHaveLength(20);
    expect(enriched).toEqual(expect.arrayContaining(ids.map((id) => ({ key: id, value: `${id}:${id.toUpperCase()}` }))));

    const visits = driver.createInputTopic('visits', Serdes.string(), Serdes.string());
    await userTopic.pipeInput('user-1', null); // tombstone: deleted from the table
    await visits.pipeInput('user-1', 'v1');
    await visits.pipeInput('user-2', 'v2');
    expect(await driver.createOutputTopic('visits-enriched', Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual([
      { key: 'user-1', value: 'v1:?' },
      { key: 'user-2', value: 'v2:USER-2' },
    ]);
    expect(driver.getKeyValueStore('users')?.get('user-1')).toBeUndefined();
  });
});

describe('table-table joins', () => {
  async function setup(kind: 'join' | 'leftJoin' | 'outerJoin') {
    const b = new StreamsBuilder();
    const left = b.table('left', str);
    const right = b.table('right', str);
    const joiner = (l: string | null, r: string | null) => `${l ?? '-'}/${r ?? '-'}`;
    const joined = kind === 'join' ? left.join(right, joiner) : kind === 'leftJoin' ? left.leftJoin(right, joiner) : left.outerJoin(right, joiner);
    joined.toStream().to('out', str);
    const driver = new TopologyTestDriver(b.build());
    return {
      l: driver.createInputTopic('left', Serdes.string(), Serdes.string()),
      r: driver.createInputTopic('right', Serdes.string(), Serdes.string()),
      out: driver.createOutputTopic('out', Serdes.string(), Serdes.string()),
    };
  }
  const script = async ({ l, r }: Awaited<ReturnType<typeof setup>>) => {
    await l.pipeInput('k', 'a'); // left only
    await r.pipeInput('k', 'x'); // both
    await l.pipeInput('k', 'b'); // left update
    await r.pipeInput('k', null); // right tombstone
    await l.pipeInput('k', null); // left tombstone
    await r.pipeInput('k', 'y'); // right only
  };

  it('inner join emits while both sides have the key, tombstones when one leaves', async () => {
    const t = await setup('join');
    await script(t);
    expect((await t.out.readKeyValuesToList()).map((kv) => kv.value)).toEqual(['a/x', 'b/x', null]);
  });

  it('left join emits on every left change and right updates of present left keys', async () => {
    const t = await setup('leftJoin');
    await script(t);
    expect((await t.out.readKeyValuesToList()).map((kv) => kv.value)).toEqual(['a/-', 'a/x', 'b/x', 'b/-', null]);
  });

  it('outer join emits on any change while either side has the key', async () => {
    const t = await setup('outerJoin');
    await script(t);
    expect((await t.out.readKeyValuesToList()).map((kv) => kv.value)).toEqual(['a/-', 'a/x', 'b/x', 'b/-', null, '-/y']);
  });

  it('filters and maps tables, and joins read the derived values', async () => {
    const b = new StreamsBuilder();
    const prices = b.table('prices', { keySerde: Serdes.string(), valueSerde: Serdes.int64() });
    const expensive = prices.filter((_k, p) => p >= 100).mapValues((p) => `$${p}`);
    expensive.toStream().to('expensive', { valueSerde: Serdes.string() });
    b.stream('orders', str).join(expensive, (qty, price) => `${qty}x${price}`).to('orders-expensive', str);
    const driver = new TopologyTestDriver(b.build(), { defaultPartitions: 2 });
    const p = driver.createInputTopic('prices', Serdes.string(), Serdes.int64());
    const orders = driver.createInputTopic('orders', Serdes.string(), Serdes.string());
    await p.pipeInput('tv', 500);
    await p.pipeInput('pen', 2);
    await orders.pipeInput('tv', '1');
    await orders.pipeInput('pen', '3');
    await p.pipeInput('tv', 50); // no longer expensive: tombstone downstream
    await orders.pipeInput('tv', '2');
    expect(await driver.createOutputTopic('expensive', Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual([
      { key: 'tv', value: '$500' },
      { key: 'tv', value: null },
    ]);
    expect(await driver.createOutputTopic('orders-expensive', Serdes.string(), Serdes.string()).readValuesToList()).toEqual(['1x$500']);
  });
});
