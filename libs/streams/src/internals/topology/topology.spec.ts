import type { Processor, ProcessorContext } from '../../api/processor';
import { TopologyError } from '../../errors';
import { Serdes } from '../../serdes/serdes';
import { Stores } from './stores';
import { Topology } from './topology';

const s = { keySerde: Serdes.string(), valueSerde: Serdes.string() };
const passThrough = (): Processor<string, string> => {
  let ctx: ProcessorContext<string, string>;
  return { init: (c) => (ctx = c), process: (r) => ctx.forward(r) };
};
const store = (name: string) => Stores.keyValue(name, Serdes.string(), Serdes.string());

describe('Topology (processor API)', () => {
  it('compiles a linear graph into one subtopology with children and sources first', () => {
    const spec = new Topology()
      .addSink('out', 'output', s, 'upper')
      .addProcessor('upper', passThrough, 'in')
      .addSource('in', 'input', s)
      .build();
    expect(spec.subtopologies).toEqual([
      { id: 0, sourceNodes: ['in'], sourceTopics: [{ kind: 'external', name: 'input' }], nodes: ['in', 'upper', 'out'], stores: [] },
    ]);
    expect(spec.nodes.get('in')).toMatchObject({ kind: 'source', children: ['upper'] });
    expect(spec.nodes.get('upper')).toMatchObject({ kind: 'processor', children: ['out'], stores: [] });
    expect(spec.nodes.get('out')).not.toHaveProperty('parents');
  });

  it('cuts the graph at repartition topics and declares them', () => {
    const spec = new Topology()
      .addSource('in', 'input', s)
      .addSink('to-rep', { kind: 'repartition', name: 'by-user' }, s, 'in')
      .addSource('from-rep', { kind: 'repartition', name: 'by-user' }, s)
      .addProcessor('count', passThrough, 'from-rep')
      .addStateStore(store('counts'), 'count')
      .addRepartitionTopic('by-user', { partitions: 6 })
      .build();
    expect(spec.subtopologies.map((t) => t.nodes)).toEqual([['in', 'to-rep'], ['from-rep', 'count']]);
    expect(spec.subtopologies[1].stores).toEqual(['counts']);
    expect(spec.repartitionTopics).toEqual([{ name: 'by-user', partitions: 6 }]);
  });

  it('keeps processors sharing a store in one subtopology and co-partitions its inputs', () => {
    const spec = new Topology()
      .addSource('a', 'topic-a', s)
      .addSource('b', 'topic-b', s)
      .addProcessor('pa', passThrough, 'a')
      .addProcessor('pb', passThrough, 'b')
      .addStateStore(store('shared'), 'pa', 'pb')
      .addSource('c', 'topic-c', s)
      .build();
    expect(spec.subtopologies.map((t) => t.nodes)).toEqual([['a', 'b', 'pa', 'pb'], ['c']]);
    expect(spec.copartitionGroups).toEqual([
      [
        { kind: 'external', name: 'topic-a' },
        { kind: 'external', name: 'topic-b' },
      ],
    ]);
  });

  it('merges overlapping declared co-partition groups', () => {
    const spec = new Topology()
      .addSource('a', 'x', s)
      .addCopartitionGroup('x', 'y')
      .addCopartitionGroup('y', 'z')
      .build();
    expect(spec.copartitionGroups.map((g) => g.map((t) => t.name).sort())).toEqual([['x', 'y', 'z']]);
  });

  it.each([
    ['an unknown parent', () => new Topology().addSource('in', 'i', s).addProcessor('p', passThrough, 'nope')],
    ['a sink as parent', () => new Topology().addSource('in', 'i', s).addSink('o', 'o', s, 'in').addProcessor('p', passThrough, 'o')],
    ['a cycle', () => new Topology().addSource('in', 'i', s).addProcessor('p', passThrough, 'in', 'q').addProcessor('q', passThrough, 'p')],
    ['an unconnected store', () => new Topology().addSource('in', 'i', s).addStateStore(store('lonely'))],
    ['a store of an unknown processor', () => new Topology().addSource('in', 'i', s).addStateStore(store('st'), 'ghost')],
    ['an unknown store', () => new Topology().addSource('in', 'i', s).addProcessor('p', passThrough, 'in').connectProcessorAndStateStores('p', 'x')],
    ['a topic read twice', () => new Topology().addSource('a', 'i', s).addSource('b', 'i', s)],
    ['a repartition topic never read', () => new Topology().addSource('a', 'i', s).addSink('o', { kind: 'repartition', name: 'r' }, s, 'a')],
    ['an empty topology', () => new Topology()],
  ])('rejects %s at build()', (_what, make) => {
    expect(() => make().build()).toThrow(TopologyError);
  });

  it('rejects duplicate names immediately', () => {
    const topology = new Topology().addSource('in', 'i', s);
    expect(() => topology.addProcessor('in', passThrough, 'in')).toThrow(TopologyError);
    topology.addProcessor('p', passThrough, 'in').addStateStore(store('st'), 'p');
    expect(() => topology.addStateStore(store('st'), 'p')).toThrow(TopologyError);
  });
});
