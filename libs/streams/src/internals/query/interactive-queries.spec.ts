import { Partitioners } from 'kafkajs';
import { EventHub } from '../runtime/events';
import { Lifecycle } from '../runtime/lifecycle';
import type { TaskManager } from '../runtime/task-manager';
import type { TopicPlan } from '../runtime/topic-plan';
import { countTopology, utf8 } from '../runtime/__fixtures__/count-topology';
import { InteractiveQueries } from './interactive-queries';

const INPUT = 'iq-input';
const PARTITIONS = 6;
const SELF = 'self:1';
const OTHER = 'other:2';

/** Query side over hand-made runtime pieces: a store per local task, a two-member assignment. */
function setup(localPartitions: number[], values: Record<string, number> = {}, committedNext = '0') {
  const lifecycle = new Lifecycle();
  const events = new EventHub();
  let next = committedNext;
  const plan = {
    sourceTopics: new Map([[0, [INPUT]]]),
    taskCounts: new Map([[0, PARTITIONS]]),
    partitionCount: () => PARTITIONS,
  } as unknown as TopicPlan;
  const tasks = {
    all: localPartitions.map((p) => ({
      id: `0_${p}`,
      descriptor: { id: `0_${p}`, subtopology: 0, partition: p, inputs: [] },
      executor: { store: (name: string) => (name === 'counts' ? { get: (k: string) => values[k], all: () => Object.entries(values).map(([key, value]) => ({ key, value }))[Symbol.iterator]() } : undefined) },
      state: { storedInputOffsets: () => new Map([[`${INPUT}|${p}`, next]]) },
    })),
  } as unknown as TaskManager;
  const all = Array.from({ length: PARTITIONS }, (_, p) => `0_${p}`);
  const assignment = {
    members: [
      { memberId: 'a', endpoint: SELF, tasks: all.filter((_, p) => localPartitions.includes(p)), partitions: [] },
      { memberId: 'b', endpoint: OTHER, tasks: all.filter((_, p) => !localPartitions.includes(p)), partitions: [] },
    ],
  };
  let started = false;
  const queries = new InteractiveQueries({
    spec: countTopology(INPUT),
    lifecycle,
    events,
    applicationServer: SELF,
    plan: () => (started ? plan : undefined),
    tasks: () => (started ? tasks : undefined),
    assignment: () => (started ? (assignment as never) : undefined),
  });
  const run = () => {
    started = true;
    lifecycle.transition('REBALANCING');
    lifecycle.transition('RUNNING');
  };
  const commit = (offset: string) => {
    next = offset;
    events.emit('commit.done', { tasks: 1, records: 1 });
  };
  return { queries, lifecycle, events, run, commit };
}

const partitionOf = (key: string) =>
  Partitioners.DefaultPartitioner()({ topic: INPUT, partitionMetadata: Array.from({ length: PARTITIONS }, (_, p) => ({ partitionId: p, leader: 0 })) as never, message: { key: utf8.serialize(INPUT, key), value: null } });
const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);

describe('InteractiveQueries', () => {
  it("places keys where kafkajs's default partitioner produces them", () => {
    const { queries, run } = setup([0, 1, 2]);
    run();
    for (const key of keys) {
      const meta = queries.metadataForKey('counts', key)!;
      expect(meta.partition).toBe(partitionOf(key));
      expect(meta.taskId).toBe(`0_${meta.partition}`);
      expect(meta).toMatchObject(meta.partition <= 2 ? { local: true, endpoint: SELF } : { local: false, endpoint: OTHER });
    }
  });

  it('maps every condition to a result value', async () => {
    const local = keys.find((k) => partitionOf(k) === 0)!;
    const remote = keys.find((k) => partitionOf(k) === 4)!;
    const missing = keys.find((k) => k !== local && partitionOf(k) === 0)!;
    const { queries, lifecycle, events, run } = setup([0], { [local]: 7 });
    expect(queries.metadataForKey('counts', local)).toBeUndefined();
    expect(await queries.query('counts', local)).toEqual({ ok: false, reason: 'REBALANCING' });
    run();
    expect(await queries.query('counts', local)).toEqual({ ok: true, value: 7, taskId: '0_0' });
    expect(await queries.query('counts', missing)).toEqual({ ok: false, reason: 'NOT_FOUND' });
    expect(await queries.query('counts', remote)).toEqual({ ok: false, reason: 'NOT_OWNER', owner: OTHER, taskId: '0_4' });
    events.emit('restore.start', { taskId: '0_4', store: 'counts', topic: 'cl', partition: 4, startOffset: '0', endOffset: '50', restored: 0 });
    expect(await queries.query('counts', remote)).toEqual({
      ok: false,
      reason: 'RESTORING',
      progress: { taskId: '0_4', store: 'counts', restored: 0, total: 50 },
    });
    lifecycle.transition('REBALANCING');
    events.emit('rebalance.assigned', { memberId: 'a', tasks: ['0_0'] });
    expect(await queries.query('counts', remote)).toEqual({ ok: false, reason: 'REBALANCING' });
    expect(queries.queryAll('counts')).toEqual({ ok: false, reason: 'REBALANCING' });
    lifecycle.transition('RUNNING');
    expect(queries.queryAll('counts')).toEqual({ ok: true, entries: [{ key: local, value: 7 }], partitions: [0], restoring: [] });
    lifecycle.transition('PENDING_SHUTDOWN');
    expect(await queries.query('counts', local)).toEqual({ ok: false, reason: 'NOT_RUNNING', state: 'PENDING_SHUTDOWN' });
    expect(() => queries.metadataForKey('nope', local)).toThrow(/unknown store/);
  });

  it('answers a position read once a commit covers the offset, NOT_UP_TO_POSITION at the timeout, and ignores positions of other partitions', async () => {
    const key = keys.find((k) => partitionOf(k) === 0)!;
    const { queries, run, commit } = setup([0], { [key]: 3 }, '5');
    run();
    const position = { topic: INPUT, partition: 0, offset: '5' };
    const waiting = queries.query('counts', key, { position, timeoutMs: 60_000 });
    commit('5');
    commit('6');
    await expect(waiting).resolves.toEqual({ ok: true, value: 3, taskId: '0_0' });
    expect(await queries.query('counts', key, { position: { ...position, offset: '9' }, timeoutMs: 10 })).toEqual({
      ok: false,
      reason: 'NOT_UP_TO_POSITION',
      position: { ...position, offset: '9' },
      applied: '5',
    });
    // A position of another topic or partition says nothing about this key: answered at once, not awaited.
    expect(await queries.query('counts', key, { position: { ...position, topic: 'elsewhere', offset: '99' }, timeoutMs: 60_000 })).toEqual({ ok: true, value: 3, taskId: '0_0' });
    expect(await queries.query('counts', key, { position: { ...position, partition: 1, offset: '99' }, timeoutMs: 60_000 })).toEqual({ ok: true, value: 3, taskId: '0_0' });
  });
});
