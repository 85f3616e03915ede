import type { Message } from '@platform/schemas';
import type { KeyMetadata, ListQueryResult, StreamsApplication } from '@platform/streams';
import { HistoryUnavailableError } from '../errors';
import { HISTORY_STORE, historyKey } from '../streams/history-keys';
import { HistoryReader } from './history-reader';

const message = (id: string, sentAt: number): Message => ({
  id,
  conversationId: 'c-1',
  channelId: 'channel-1',
  source: 'chatplugin',
  senderId: 'c-1',
  isFromContact: true,
  deliveryState: 'DELIVERED',
  content: '{"text":"hi"}',
  sentAt,
  updatedAt: null,
  sourceRecipientId: null,
  headers: {},
});

/** Just what HistoryReader uses: the key's owner, this instance's endpoint and a range query answering `range`. */
function fakeApp(owner: Partial<KeyMetadata> | undefined, range: ListQueryResult<string, Message>, self = 'here:1') {
  const app = {
    metadataForKey: () => (owner ? { store: HISTORY_STORE, partition: 2, taskId: '0_2', endpoint: self, local: true, ...owner } : undefined),
    metadata: () => ({ endpoint: self, memberId: 'm', tasks: [], partitions: [] }),
    queryRange: () => range,
  };
  return app as unknown as StreamsApplication;
}

const entries = [
  { key: historyKey('c-1', 20, 'b'), value: message('b', 20) },
  { key: historyKey('c-1', 10, 'a'), value: message('a', 10) },
];

describe('HistoryReader', () => {
  const read = (app: StreamsApplication) => new HistoryReader(app, { authorization: 'Bearer x' }).read('c-1');

  it('reads the local history oldest first when the partition answered', async () => {
    const app = fakeApp({}, { ok: true, entries, partitions: [0, 2], restoring: [] });
    expect((await read(app)).map((m) => m.id)).toEqual(['a', 'b']);
  });

  it.each<[string, Partial<KeyMetadata> | undefined, ListQueryResult<string, Message>]>([
    ['the group is rebalancing', {}, { ok: false, reason: 'REBALANCING' }],
    ['the application is not running', {}, { ok: false, reason: 'NOT_RUNNING', state: 'ERROR' }],
    ['the task restores', {}, { ok: true, entries: [], partitions: [2], restoring: [{ taskId: '0_2', store: HISTORY_STORE, restored: 1, total: 9 }] }],
    // Assigned and local, but its store did not answer (reopening after an abort, or isolated): not an empty history.
    ['the task of the partition did not answer', {}, { ok: true, entries: [], partitions: [0], restoring: [] }],
    // A reason the engine may add later is a 503 too.
    ['a future reason', {}, { ok: false, reason: 'ISOLATED' } as unknown as ListQueryResult<string, Message>],
    ['the owner is unknown', { local: false, endpoint: undefined }, { ok: true, entries, partitions: [2], restoring: [] }],
    ['the task is assigned here but not open', { local: false, endpoint: 'here:1' }, { ok: true, entries, partitions: [2], restoring: [] }],
  ])('is unavailable (503), never an empty 200, when %s', async (_case, owner, range) => {
    await expect(read(fakeApp(owner, range))).rejects.toBeInstanceOf(HistoryUnavailableError);
  });

  it('names no internal address when the owner is unreachable', async () => {
    // Port 9 (discard) on 127.0.0.1 refuses connections at once.
    const app = fakeApp({ local: false, endpoint: '127.0.0.1:9' }, { ok: true, entries, partitions: [], restoring: [] });
    const error = await read(app).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryUnavailableError);
    expect((error as Error).message).not.toContain('127.0.0.1');
  });
});
