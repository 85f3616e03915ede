import type { Processor, ProcessorContext } from '../api/processor';
import { TopologyError } from '../errors';
import { TopologyTestDriver } from '../internals/driver/test-driver';
import { Stores } from '../internals/topology/stores';
import { Serdes } from '../serdes/serdes';
import { StreamsBuilder } from './streams-builder';

const str = { keySerde: Serdes.string(), valueSerde: Serdes.string() };

async function run(build: (b: StreamsBuilder) => void, inputs: [string | null, string | null][], outputs: string[]) {
  const builder = new StreamsBuilder();
  build(builder);
  const driver = new TopologyTestDriver(builder.build());
  const input = driver.createInputTopic('in', Serdes.string(), Serdes.string());
  for (const [i, [k, v]] of inputs.entries()) await input.pipeInput(k, v, 100 + i);
  const result: Record<string, unknown[]> = {};
  for (const topic of outputs) {
    result[topic] = (await driver.createOutputTopic(topic, Serdes.string(), Serdes.string()).readKeyValuesToList()).map((kv) => [kv.key, kv.value]);
  }
  return result;
}

const abc: [string, string][] = [['a', '1'], ['b', '22'], ['c', '333']];

describe('KStream', () => {
  it('filter / filterNot', async () => {
    const out = await run((b) => {
      const s = b.stream('in', str);
      s.filter((_k, v) => v.length > 1).to('long');
      s.filterNot((_k, v) => v.length > 1).to('short');
    }, abc, ['long', 'short']);
    expect(out).toEqual({ long: [['b', '22'], ['c', '333']], short: [['a', '1']] });
  });

  it('map / mapValues / selectKey, with serdes given where they changed', async () => {
    const out = await run((b) => {
      const s = b.stream('in', str);
      s.map((k, v) => ({ key: v, value: k.toUpperCase() })).to('mapped', str);
      s.mapValues((v, k) => `${k}=${v}`).to('values', { valueSerde: Serdes.string() });
      s.selectKey((_k, v) => `len${v.length}`, { keySerde: Serdes.string() }).to('rekeyed');
    }, abc, ['mapped', 'values', 'rekeyed']);
    expect(out.mapped).toEqual([['1', 'A'], ['22', 'B'], ['333', 'C']]);
    expect(out.values).toEqual([['a', 'a=1'], ['b', 'b=22'], ['c', 'c=333']]);
    expect(out.rekeyed).toEqual([['len1', '1'], ['len2', '22'], ['len3', '333']]);
  });

  it('flatMap / flatMapValues', async () => {
    const out = await run((b) => {
      const s = b.stream('in', str);
      s.flatMap((k, v) => [...v].map((ch, i) => ({ key: `${k}${i}`, value: ch }))).to('flat', str);
      s.flatMapValues((v) => (v.length > 2 ? [v, v] : [])).to('flatValues', str);
    }, abc, ['flat', 'flatValues']);
    expect(out.flat).toEqual([['a0', '1'], ['b0', '2'], ['b1', '2'], ['c0', '3'], ['c1', '3'], ['c2', '3']]);
    expect(out.flatValues).toEqual([['c', '333'], ['c', '333']]);
  });

  it('merge, peek and foreach', async () => {
    const peeked: string[] = [];
    const seen: string[] = [];
    const out = await run((b) => {
      const s = b.stream('in', str);
      const left = s.filter((k) => k === 'a').peek((k) => peeked.push(k));
      const right = s.filter((k) => k === 'c').mapValues((v) => `${v}!`);
      left.merge(right).to('merged', str);
      s.foreach((k, v) => seen.push(`${k}:${v}`));
    }, abc, ['merged']);
    expect(out.merged).toEqual([['a', '1'], ['c', '333!']]);
    expect(peeked).toEqual(['a']);
    expect(seen).toEqual(['a:1', 'b:22', 'c:333']);
  });

  it('split into named branches with a default branch', async () => {
    const out = await run((b) => {
      const branches = b
        .stream('in', str)
        .split({ name: 'by-length' })
        .branch('one', (_k, v) => v.length === 1)
        .branch('two', (_k, v) => v.length <= 2)
        .defaultBranch('rest');
      branches.one.to('one');
      branches.two.to('two');
      branches.rest.to('rest');
    }, abc, ['one', 'two', 'rest']);
    expect(out).toEqual({ one: [['a', '1']], two: [['b', '22']], rest: [['c', '333']] });
  });

  it('process with a declared store (per partition), null values passed through', async () => {
    const dedupe = (): Processor<string, string | null> => {
      let ctx: ProcessorContext<string, string | null>;
      return {
        init: (c) => (ctx = c),
        process: (r) => {
          const seen = ctx.getStateStore<string, string>('seen');
          if (r.value === null || seen.get(r.value) === undefined) ctx.forward(r);
          if (r.value !== null) seen.put(r.value, r.key);
        },
      };
    };
    const out = await run((b) => {
      const s = b.stream<string, string | null>('in', { keySerde: Serdes.string(), valueSerde: Serdes.string() as never });
      const d = s.process(dedupe, { name: 'dedupe', stores: [Stores.keyValue('seen', Serdes.string(), Serdes.string())] });
      expect(d.repartitionRequired).toBe(true);
      d.to('unique', str);
    }, [['k', 'x'], ['k', 'x'], ['k', null], ['k', 'y']], ['unique']);
    expect(out.unique).toEqual([['k', 'x'], ['k', null], ['k', 'y']]);
  });

  it('names operators from a counter unless named, and explains missing serdes', () => {
    const b = new StreamsBuilder();
    const s = b.stream('in', str);
    const m = s.mapValues((v) => v.length);
    expect(s.nodeName).toBe('KSTREAM-SOURCE-0000000000');
    expect(m.nodeName).toBe('KSTREAM-MAPVALUES-0000000001');
    expect(s.filter(() => true, { name: 'keep-all' }).nodeName).toBe('keep-all');
    expect(() => m.to('out')).toThrow(TopologyError);
    expect(() => s.map((k, v) => ({ key: v, value: k })).groupByKey().count()).toThrow(/no serde known/);
  });
});
