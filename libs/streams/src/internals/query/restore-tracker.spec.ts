import { EventHub } from '../runtime/events';
import { progressSignals, waitUntil } from './position-waiter';
import { RestoreTracker } from './restore-tracker';

const progress = (taskId: string, store: string, restored: number) => ({
  taskId,
  store,
  topic: `${store}-changelog`,
  partition: Number(taskId.split('_')[1]),
  startOffset: '10',
  endOffset: '110',
  restored,
});

describe('RestoreTracker', () => {
  it('reports progress from start to end, per task', () => {
    const events = new EventHub();
    const tracker = new RestoreTracker(events);
    events.emit('restore.start', progress('0_1', 'counts', 0));
    expect(tracker.status('0_1')).toEqual({ taskId: '0_1', store: 'counts', restored: 0, total: 100 });
    events.emit('restore.batch', { ...progress('0_1', 'counts', 40), batchSize: 40 });
    expect(tracker.status('0_1')?.restored).toBe(40);
    expect(tracker.status('0_2')).toBeUndefined();
    events.emit('restore.end', progress('0_1', 'counts', 100));
    expect(tracker.status('0_1')).toBeUndefined();
  });

  it('sums the stores of a task and forgets everything on a completed assignment', () => {
    const events = new EventHub();
    const tracker = new RestoreTracker(events);
    events.emit('restore.start', progress('0_1', 'a', 5));
    events.emit('restore.start', progress('0_1', 'b', 7));
    expect(tracker.status('0_1')).toEqual({ taskId: '0_1', store: 'a,b', restored: 12, total: 200 });
    expect(tracker.restoringTasks()).toHaveLength(1);
    events.emit('rebalance.assigned', { memberId: 'm', tasks: ['0_1'] });
    expect(tracker.restoringTasks()).toEqual([]);
  });
});

describe('waitUntil', () => {
  it('re-checks on progress events and resolves true once reached', async () => {
    const events = new EventHub();
    let reached = false;
    const waiting = waitUntil(progressSignals(events), () => reached, 60_000);
    events.emit('commit.done', { tasks: 1, records: 1 });
    reached = true;
    events.emit('commit.done', { tasks: 1, records: 1 });
    await expect(waiting).resolves.toBe(true);
    expect(events.has('commit.done')).toBe(false);
  });

  it('resolves false at the timeout when never reached', async () => {
    const events = new EventHub();
    await expect(waitUntil(progressSignals(events), () => false, 20)).resolves.toBe(false);
    expect(events.has('commit.done')).toBe(false);
  });
});
