import { metadataRemoval, metadataUpsert, tagKey, type ConversationState, type MetadataEntries } from '@platform/chat-domain';
import type { Message } from '@platform/schemas';
import { contactMessage, driverContext, type DriverContext } from '../__fixtures__/driver-context';
import { conversationPrefix, messageKey } from './message-key';
import { CommunicationStores } from './stores';
import { Serdes } from '@platform/streams';

describe('communication topology', () => {
  let t: DriverContext;
  beforeEach(() => {
    t = driverContext();
  });
  afterEach(() => t.driver.close());

  const store = <V>(name: string) => t.driver.getKeyValueStore<string, V>(name)!;
  const conversation = (id: string) => store<ConversationState>(CommunicationStores.conversations).get(id);
  const history = (conversationId: string) =>
    [...store<Message>(CommunicationStores.messages).prefixScan(conversationPrefix(conversationId), Serdes.string())].map((e) => e.value.id);

  it('folds messages into the conversation and keeps its history newest first, one entry per message id', async () => {
    await t.messages.pipeInput('m1', contactMessage('m1', 'c1', 1000));
    await t.messages.pipeInput('m3', contactMessage('m3', 'c1', 3000));
    await t.messages.pipeInput('m2', contactMessage('m2', 'c1', 2000));
    await t.messages.pipeInput('x1', contactMessage('x1', 'c2', 5000));
    // a re-delivered copy of m2 changes nothing
    await t.messages.pipeInput('m2', contactMessage('m2', 'c1', 2000));

    expect(history('c1')).toEqual(['m3', 'm2', 'm1']);
    expect(history('c2')).toEqual(['x1']);
    const state = conversation('c1')!;
    expect(state.createdAt).toBe(1000);
    expect(state.lastMessage?.id).toBe('m3');
    expect(state).toMatchObject({ unreadCount: 3, newestUnreadAt: 3000 });
    expect(store<string>(CommunicationStores.messageIndex).get('m2')).toBe(messageKey('c1', 2000, 'm2'));
  });

  it('keeps the newest delivery version of a message and ignores an older one arriving later', async () => {
    const pending: Message = { ...contactMessage('m1', 'c1', 1000), isFromContact: false, deliveryState: 'PENDING' };
    await t.messages.pipeInput('m1', pending);
    await t.messages.pipeInput('m1', { ...pending, deliveryState: 'FAILED', updatedAt: 2000 });
    await t.messages.pipeInput('m1', pending);
    const key = store<string>(CommunicationStores.messageIndex).get('m1')!;
    expect(store<Message>(CommunicationStores.messages).get(key)?.deliveryState).toBe('FAILED');
    expect(conversation('c1')!.lastMessage?.deliveryState).toBe('FAILED');
  });

  it('applies conversation, message and channel metadata, and their tombstones through the subject index', async () => {
    await t.messages.pipeInput('m1', contactMessage('m1', 'c1', 1000));
    const tag = metadataUpsert({ kind: 'conversation', id: 'c1' }, tagKey('t1'), '', 1);
    const error = metadataUpsert({ kind: 'message', id: 'm1' }, 'error', 'boom', 1);
    const name = metadataUpsert({ kind: 'channel', id: 'channel-1' }, 'name', 'Support', 1);
    const contact = metadataUpsert({ kind: 'contact', id: 'k1' }, 'displayName', 'Ada', 1);
    for (const change of [tag, error, name, contact]) await t.metadata.pipeInput(change.id, change.record);

    expect(Object.keys(conversation('c1')!.metadata)).toEqual([tag.id]);
    expect(Object.keys(store<MetadataEntries>(CommunicationStores.messageMetadata).get('m1')!)).toEqual([error.id]);
    expect(Object.keys(store<MetadataEntries>(CommunicationStores.channelMetadata).get('channel-1')!)).toEqual([name.id]);
    expect(store<string>(CommunicationStores.metadataIndex).get(contact.id)).toBeUndefined();

    const untag = metadataRemoval({ kind: 'conversation', id: 'c1' }, tagKey('t1'));
    await t.metadata.pipeInput(untag.id, null);
    await t.metadata.pipeInput(error.id, null);
    await t.metadata.pipeInput(name.id, null);
    expect(conversation('c1')!.metadata).toEqual({});
    expect(store<MetadataEntries>(CommunicationStores.messageMetadata).get('m1')).toBeUndefined();
    expect(store<MetadataEntries>(CommunicationStores.channelMetadata).get('channel-1')).toBeUndefined();
    expect(store<string>(CommunicationStores.metadataIndex).get(tag.id)).toBeUndefined();
    // a tombstone of a fact never seen is ignored
    await t.metadata.pipeInput('unknown-record', null);
  });

  it('folds read receipts into the unread count, recounting what is left from the history, never backwards', async () => {
    await t.messages.pipeInput('m1', contactMessage('m1', 'c1', 1000));
    await t.messages.pipeInput('m2', contactMessage('m2', 'c1', 2000));
    await t.messages.pipeInput('reply', { ...contactMessage('reply', 'c1', 2500), isFromContact: false });
    await t.messages.pipeInput('m3', contactMessage('m3', 'c1', 3000));
    await t.messages.pipeInput('other', contactMessage('other', 'c2', 2800));
    await t.receipts.pipeInput('c1', { conversationId: 'c1', readDate: 1500, userId: null });
    expect(conversation('c1')).toMatchObject({ unreadCount: 2, newestUnreadAt: 3000, lastReadAt: 1500 });
    await t.receipts.pipeInput('c1', { conversationId: 'c1', readDate: 500, userId: null });
    expect(conversation('c1')).toMatchObject({ unreadCount: 2, lastReadAt: 1500 });
    // a re-delivered unread message still counts once; an old one arriving late is not unread
    await t.messages.pipeInput('m3', contactMessage('m3', 'c1', 3000));
    await t.messages.pipeInput('late', contactMessage('late', 'c1', 1200));
    expect(conversation('c1')!.unreadCount).toBe(2);
    await t.receipts.pipeInput('c1', null);
    await t.receipts.pipeInput('c1', { conversationId: 'c1', readDate: 2000, userId: null });
    expect(conversation('c1')).toMatchObject({ unreadCount: 1, newestUnreadAt: 3000 });
    await t.receipts.pipeInput('c1', { conversationId: 'c1', readDate: 3000, userId: null });
    expect(conversation('c1')).toMatchObject({ unreadCount: 0, newestUnreadAt: null });
    expect(conversation('c2')!.unreadCount).toBe(1);
  });

  it('removes a message from the history on its tombstone', async () => {
    await t.messages.pipeInput('m1', contactMessage('m1', 'c1', 1000));
    await t.messages.pipeInput('m1', null);
    expect(history('c1')).toEqual([]);
    expect(store<string>(CommunicationStores.messageIndex).get('m1')).toBeUndefined();
  });
});
