import type { NodeSpec, TopologySpec } from '../topology/spec';
import { planTopics } from './topic-plan';

const serde = { serialize: () => Buffer.alloc(0), deserialize: () => null };

function spec(): TopologySpec {
  const nodes: NodeSpec[] = [
    { kind: 'source', name: 'clicks', topic: { kind: 'external', name: 'clicks' }, keySerde: serde, valueSerde: serde, children: ['rekey'] },
    { kind: 'processor', name: 'rekey', supplier: () => ({ process: () => undefined }), stores: [], children: ['to-rp'] },
    { kind: 'sink', name: 'to-rp', topic: { kind: 'repartition', name: 'by-user' }, keySerde: serde, valueSerde: serde },
    { kind: 'source', name: 'rp', topic: { kind: 'repartition', name: 'by-user' }, keySerde: serde, valueSerde: serde, children: ['join'] },
    { kind: 'source', name: 'users', topic: { kind: 'external', name: 'users' }, keySerde: serde, valueSerde: serde, children: ['join'] },
    { kind: 'processor', name: 'join', supplier: () => ({ process: () => undefined }), stores: ['users', 'totals'], children: [] },
  ];
  return {
    nodes: new Map(nodes.map((n) => [n.name, n])),
    stores: new Map([
      ['users', { name: 'users', keySerde: serde, valueSerde: serde, changelog: { kind: 'source', topic: { kind: 'external', name: 'users' } } }],
      ['totals', { name: 'totals', keySerde: serde, valueSerde: serde, changelog: { kind: 'internal' } }],
    ]),
    subtopologies: [
      { id: 0, sourceNodes: ['clicks'], sourceTopics: [{ kind: 'external', name: 'clicks' }], nodes: ['clicks', 'rekey', 'to-rp'], stores: [] },
      {
        id: 1,
        sourceNodes: ['rp', 'users'],
        sourceTopics: [{ kind: 'repartition', name: 'by-user' }, { kind: 'external', name: 'users' }],
        nodes: ['rp', 'users', 'join'],
        stores: ['users', 'totals'],
      },
    ],
    copartitionGroups: [[{ kind: 'repartition', name: 'by-user' }, { kind: 'external', name: 'users' }]],
    repartitionTopics: [{ name: 'by-user' }],
  };
}

describe('planTopics', () => {
  it('sizes a repartition topic like the topics it is co-partitioned with, and changelogs like their tasks', () => {
    const counts: Record<string, number> = { clicks: 3, users: 5 };
    const plan = planTopics(spec(), { id: 'shop', version: 2 }, (t) => counts[t]);
    expect(plan.internalTopics).toEqual([
      { name: 'shop-v2-by-user-repartition', partitions: 5, kind: 'repartition' },
      { name: 'shop-v2-totals-changelog', partitions: 5, kind: 'changelog' },
    ]);
    expect(plan.taskCounts.get(0)).toBe(3);
    expect(plan.taskCounts.get(1)).toBe(5);
    expect(plan.inputTopics).toEqual(['clicks', 'shop-v2-by-user-repartition', 'users']);
    expect(plan.copartitionGroups).toEqual([['shop-v2-by-user-repartition', 'users']]);
  });

  it('sizes a repartition topic without co-partitioned peers like the subtopology writing it', () => {
    const s = spec();
    const plan = planTopics({ ...s, copartitionGroups: [] }, { id: 'shop', version: 1 }, (t) => (t === 'clicks' ? 4 : 2));
    expect(plan.internalTopics[0]).toEqual({ name: 'shop-v1-by-user-repartition', partitions: 4, kind: 'repartition' });
  });
});
