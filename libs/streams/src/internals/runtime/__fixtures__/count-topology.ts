import type { SyncSerde } from '../../../api/serde';
import type { ProcessorContext } from '../../../api/processor';
import type { NodeSpec, StoreSpec, TopologySpec } from '../../topology/spec';

/** Test fixture: a hand-built compiled topology (no DSL) counting records per key. */
export const utf8: SyncSerde<string> = {
  serialize: (_t, v) => Buffer.from(v, 'utf8'),
  deserialize: (_t, d) => d.toString('utf8'),
};

export const int64: SyncSerde<number> = {
  serialize: (_t, v) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return b;
  },
  deserialize: (_t, d) => Number(d.readBigInt64BE()),
};

/** input (string key) → count per key into store `counts` → output (key, count). */
export function countTopology(input: string, output?: string, options: { copartitionWith?: string } = {}): TopologySpec {
  const store: StoreSpec = { name: 'counts', keySerde: utf8, valueSerde: int64, changelog: { kind: 'internal' } };
  const nodes: NodeSpec[] = [
    { kind: 'source', name: 'src', topic: { kind: 'external', name: input }, keySerde: utf8, valueSerde: utf8, children: ['count'] },
    {
      kind: 'processor',
      name: 'count',
      stores: ['counts'],
      children: output ? ['sink'] : [],
      supplier: () => {
        let ctx: ProcessorContext<unknown, unknown>;
        return {
          init: (c) => void (ctx = c),
          process: (record) => {
            const counts = ctx.getStateStore<string, number>('counts');
            const key = String(record.key);
            const next = (counts.get(key) ?? 0) + 1;
            counts.put(key, next);
            ctx.forward({ ...record, key, value: next });
          },
        };
      },
    },
  ];
  if (output) {
    nodes.push({ kind: 'sink', name: 'sink', topic: { kind: 'external', name: output }, keySerde: utf8, valueSerde: int64 });
  }
  const sourceTopics = [{ kind: 'external' as const, name: input }];
  if (options.copartitionWith) {
    nodes.push({
      kind: 'source',
      name: 'src2',
      topic: { kind: 'external', name: options.copartitionWith },
      keySerde: utf8,
      valueSerde: utf8,
      children: ['count'],
    });
    sourceTopics.push({ kind: 'external', name: options.copartitionWith });
  }
  return {
    nodes: new Map(nodes.map((n) => [n.name, n])),
    stores: new Map([[store.name, store]]),
    subtopologies: [
      {
        id: 0,
        sourceNodes: options.copartitionWith ? ['src', 'src2'] : ['src'],
        sourceTopics,
        nodes: nodes.map((n) => n.name),
        stores: ['counts'],
      },
    ],
    copartitionGroups: options.copartitionWith ? [sourceTopics] : [],
    repartitionTopics: [],
  };
}
