import type { KeyQueryResult, ListQueryResult, StreamsApplication } from '@platform/streams';
import { NotAppliedError, UnavailableError } from '../errors';
import { StreamsStateAccess } from './state-access';

/** Just the members StreamsStateAccess uses, answering what each test sets. */
function fakeApp(answers: { query?: KeyQueryResult<unknown>; all?: ListQueryResult<string, unknown>; state?: string; tasks?: string[] }) {
  const store = { get: () => undefined };
  const app = {
    state: answers.state ?? 'RUNNING',
    localStore: () => store,
    query: async () => answers.query,
    queryAll: () => answers.all,
    localTasks: () => answers.tasks ?? ['0_0'],
  };
  return app as unknown as StreamsApplication;
}

const position = { topic: 'messages', partition: 3, offset: '41' };

describe('StreamsStateAccess', () => {
  it('returns values, undefined for a missing key', async () => {
    expect(await new StreamsStateAccess(fakeApp({ query: { ok: true, value: 7, taskId: '0_1' } }), 100).get('conversations', 'c')).toBe(7);
    expect(await new StreamsStateAccess(fakeApp({ query: { ok: false, reason: 'NOT_FOUND' } }), 100).get('conversations', 'c')).toBeUndefined();
  });

  it.each<[KeyQueryResult<unknown>, RegExp]>([
    [{ ok: false, reason: 'RESTORING', progress: { taskId: '0_1', store: 'conversations', restored: 1, total: 9 } }, /restoring/],
    [{ ok: false, reason: 'REBALANCING' }, /rebalancing/],
    [{ ok: false, reason: 'NOT_OWNER', owner: 'other:1', taskId: '0_1' }, /moved to another instance/],
    [{ ok: false, reason: 'NOT_RUNNING', state: 'PENDING_SHUTDOWN' }, /not running/],
    // A reason the engine may add later (a task isolated after repeated failures) is a 503 too.
    [{ ok: false, reason: 'ISOLATED' } as unknown as KeyQueryResult<unknown>, /cannot answer now \(isolated\)/],
  ])('turns %p into a 503', async (result, message) => {
    const failure = new StreamsStateAccess(fakeApp({ query: result }), 100).get('conversations', 'c');
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow(message);
  });

  it('names no internal address in its 503s', async () => {
    const access = new StreamsStateAccess(fakeApp({ query: { ok: false, reason: 'NOT_OWNER', owner: '10.0.0.7:3002', taskId: '0_1' } }), 100);
    const error = await access.get('conversations', 'c').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).not.toContain('10.0.0.7');
  });

  it('reports a write not applied in time as NotAppliedError (503, the write stays in Kafka)', async () => {
    const access = new StreamsStateAccess(fakeApp({ query: { ok: false, reason: 'NOT_UP_TO_POSITION', position } }), 100);
    await expect(access.get('conversations', 'c', position)).rejects.toBeInstanceOf(NotAppliedError);
  });

  it('lists local conversations only when no local task restores', () => {
    const entries = [{ key: 'c', value: { id: 'c' } }];
    expect([...new StreamsStateAccess(fakeApp({ all: { ok: true, entries, partitions: [0], restoring: [] } }), 100).allConversations()]).toEqual([{ id: 'c' }]);
    const restoring = fakeApp({ all: { ok: true, entries, partitions: [0], restoring: [{ taskId: '0_2', store: 'conversations', restored: 0, total: 5 }] } });
    expect(() => new StreamsStateAccess(restoring, 100).allConversations()).toThrow(UnavailableError);
    expect(() => new StreamsStateAccess(fakeApp({ all: { ok: false, reason: 'REBALANCING' } }), 100).allConversations()).toThrow(/rebalancing/);
  });

  it('refuses a list that misses a task assigned here (its store did not answer: reopening or isolated)', () => {
    const entries = [{ key: 'c', value: { id: 'c' } }];
    const partial = fakeApp({ all: { ok: true, entries, partitions: [0], restoring: [] }, tasks: ['0_0', '0_3'] });
    expect(() => new StreamsStateAccess(partial, 100).allConversations()).toThrow(/partition 3 cannot be read now/);
    const whole = fakeApp({ all: { ok: true, entries, partitions: [0, 3], restoring: [] }, tasks: ['0_0', '0_3'] });
    expect([...new StreamsStateAccess(whole, 100).allConversations()]).toEqual([{ id: 'c' }]);
  });

  it('is ready only while the application runs', () => {
    expect(new StreamsStateAccess(fakeApp({ state: 'RUNNING' }), 100).ready()).toBe(true);
    expect(new StreamsStateAccess(fakeApp({ state: 'REBALANCING' }), 100).ready()).toBe(false);
  });
});
