import { assignTasks } from './task-assignor';
import { layoutTasks, partitionsOf } from './task-layout';
import { checkCopartitioning, CopartitionError } from './copartition';

const tasks = ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1'];

describe('assignTasks', () => {
  it('balances tasks without local state', () => {
    const result = assignTasks(tasks, [
      { id: 'a', held: {} },
      { id: 'b', held: {} },
    ]);
    expect(result.get('a')!.length).toBe(3);
    expect(result.get('b')!.length).toBe(3);
  });

  it('keeps tasks where their most advanced state is, within balance', () => {
    const result = assignTasks(tasks, [
      { id: 'a', held: { '0_0': 10, '0_1': 10, '0_2': 10, '0_3': 10 } },
      { id: 'b', held: { '0_0': 50 } },
    ]);
    // b has the most advanced copy of 0_0; a keeps two of its other three (its share of subtopology 0).
    expect(result.get('b')).toContain('0_0');
    expect(result.get('a')).toEqual(expect.arrayContaining(['0_1', '0_2']));
    expect(result.get('a')!.length).toBe(3);
    expect(result.get('b')!.length).toBe(3);
  });

  it('spreads the tasks of every subtopology, even when one member holds the state of all of them', () => {
    const all = [0, 1, 2].flatMap((s) => Array.from({ length: 10 }, (_, p) => `${s}_${p}`));
    const held = Object.fromEntries(all.map((t) => [t, 100]));
    const result = assignTasks(all, [
      { id: 'first', held },
      { id: 'joined', held: {} },
    ]);
    for (const member of ['first', 'joined']) {
      const bySubtopology = [0, 1, 2].map((s) => result.get(member)!.filter((t) => t.startsWith(`${s}_`)).length);
      expect(bySubtopology).toEqual([5, 5, 5]);
    }
    // The member with the state keeps its share of each subtopology: the first five partitions.
    expect(result.get('first')!.filter((t) => t.startsWith('2_'))).toEqual(['2_0', '2_1', '2_2', '2_3', '2_4']);
  });

  it('balances subtopologies of different sizes and the totals together', () => {
    const uneven = ['0_0', '0_1', '0_2', '1_0'];
    const result = assignTasks(uneven, [
      { id: 'a', held: Object.fromEntries(uneven.map((t) => [t, 1])) },
      { id: 'b', held: {} },
    ]);
    expect(result.get('a')).toEqual(['0_0', '0_1']);
    expect(result.get('b')).toEqual(['0_2', '1_0']);
  });

  it('gives a lone member everything', () => {
    expect(assignTasks(tasks, [{ id: 'a', held: {} }]).get('a')!.length).toBe(6);
  });
});

describe('layoutTasks', () => {
  it('makes one task per partition number with all co-partitioned inputs', () => {
    const counts: Record<string, number> = { left: 2, right: 2, other: 1 };
    const layout = layoutTasks(
      new Map([
        [0, ['left', 'right']],
        [1, ['other']],
      ]),
      (t) => counts[t]!,
    );
    expect(layout.map((t) => t.id)).toEqual(['0_0', '0_1', '1_0']);
    expect(partitionsOf(layout.filter((t) => t.partition === 1))).toEqual([
      { topic: 'left', partitions: [1] },
      { topic: 'right', partitions: [1] },
    ]);
  });
});

describe('checkCopartitioning', () => {
  it('names the topics and their counts', () => {
    const counts: Record<string, number> = { orders: 3, customers: 2 };
    expect(() => checkCopartitioning([['orders', 'customers']], (t) => counts[t])).toThrow(CopartitionError);
    expect(() => checkCopartitioning([['orders', 'customers']], (t) => counts[t])).toThrow(
      'orders (3 partitions), customers (2 partitions)',
    );
  });
});
