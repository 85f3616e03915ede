import { describeCoverage, gatherFromAllOwners, ownerEndpoints, partitionCoverage } from './gather';

describe('gatherFromAllOwners', () => {
  it('merges every owner once and sorts when asked', async () => {
    const asked: string[] = [];
    const result = await gatherFromAllOwners(
      ['b:2', 'a:1', 'b:2'],
      async (endpoint) => {
        asked.push(endpoint);
        return { ok: true, items: endpoint === 'a:1' ? [3, 1] : [2] };
      },
      { compare: (x, y) => x - y },
    );
    expect(asked.sort()).toEqual(['a:1', 'b:2']);
    expect(result).toEqual({ complete: true, items: [1, 2, 3], failed: [] });
  });

  it('keeps owner order without a comparator', async () => {
    const result = await gatherFromAllOwners(['a', 'b'], async (e) => ({ ok: true, items: [`${e}1`, `${e}2`] }));
    expect(result.items).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('reports failed and throwing owners instead of throwing, keeping the others', async () => {
    const result = await gatherFromAllOwners(['a', 'b', 'c'], async (e) => {
      if (e === 'b') return { ok: false, reason: 'REBALANCING' };
      if (e === 'c') throw new Error('connection refused');
      return { ok: true, items: ['x'] };
    });
    expect(result.complete).toBe(false);
    expect(result.items).toEqual(['x']);
    expect(result.failed).toEqual([
      { endpoint: 'b', reason: 'REBALANCING' },
      { endpoint: 'c', reason: 'connection refused' },
    ]);
  });

  it('no owners is an empty complete result', async () => {
    expect(await gatherFromAllOwners([], async () => ({ ok: true, items: [1] }))).toEqual({ complete: true, items: [], failed: [] });
  });
});

describe('ownerEndpoints', () => {
  it('lists distinct endpoints of members with tasks', () => {
    expect(
      ownerEndpoints([
        { endpoint: 'a:1', memberId: 'm1', tasks: ['0_0'], partitions: [] },
        { endpoint: 'a:1', memberId: 'm2', tasks: ['0_1'], partitions: [] },
        { endpoint: 'b:1', memberId: 'm3', tasks: [], partitions: [] },
        { memberId: 'm4', tasks: ['0_2'], partitions: [] },
      ]),
    ).toEqual(['a:1']);
  });
});

describe('partitionCoverage', () => {
  it('is complete when every partition answered exactly once, in any order across parts', () => {
    expect(partitionCoverage([{ partitions: [2, 0] }, { partitions: [1] }], 3)).toEqual({ complete: true, missing: [], repeated: [] });
  });

  it('names partitions nobody answered for and partitions answered twice', () => {
    const coverage = partitionCoverage([{ partitions: [0, 1] }, { partitions: [1] }], 4);
    expect(coverage).toEqual({ complete: false, missing: [2, 3], repeated: [1] });
    expect(describeCoverage(coverage)).toBe('partitions 2, 3 have no running owner; partitions 1 answered twice (moving)');
  });

  it('a store without partitions is trivially complete; no parts for a partitioned store is not', () => {
    expect(partitionCoverage([], 0).complete).toBe(true);
    expect(partitionCoverage([], 2)).toEqual({ complete: false, missing: [0, 1], repeated: [] });
  });
});
