import { encodeCursor, metadataUpsert, resolvePageRequest, tagKey } from '@platform/chat-domain';
import { channel, contactMessage, driverContext, type DriverContext } from '../__fixtures__/driver-context';
import { NotFoundError } from '../errors';
import { ConversationsService } from './conversations.service';

const window = (pageSize: number, cursor?: string) => resolvePageRequest({ pageSize, cursor: cursor ?? null });

describe('ConversationsService', () => {
  let t: DriverContext;
  let service: ConversationsService;
  beforeEach(async () => {
    t = driverContext();
    service = new ConversationsService(t.context);
    t.lookups.channels.set('channel-1', channel('channel-1'));
    t.lookups.tags.add('vip');
    await t.messages.pipeInput('m1', contactMessage('m1', 'c1', 1000));
    await t.messages.pipeInput('m2', contactMessage('m2', 'c1', 2000));
  });
  afterEach(() => t.driver.close());

  it('renders Airy conversation payloads with channel, metadata, last message and unread count', async () => {
    const name = metadataUpsert({ kind: 'channel', id: 'channel-1' }, 'name', 'Support', 1);
    await t.metadata.pipeInput(name.id, name.record);
    const payload = await service.info('c1');
    expect(payload).toMatchObject({
      id: 'c1',
      channel: { id: 'channel-1', source: 'chatplugin', source_channel_id: 'channel-1-name', connected: true, metadata: { name: 'Support' } },
      created_at: new Date(1000).toISOString(),
      metadata: { contact: { display_name: 'Chatplugin c1' }, tags: {}, unread_count: 2 },
      last_message: { id: 'm2', delivery_state: 'delivered', from_contact: true, content: { text: 'm2' } },
    });
  });

  it('answers 404 for an unknown conversation and one with metadata but no message', async () => {
    await expect(service.info('nope')).rejects.toBeInstanceOf(NotFoundError);
    const fact = metadataUpsert({ kind: 'conversation', id: 'c9' }, 'state', 'OPEN', 1);
    await t.metadata.pipeInput(fact.id, fact.record);
    await expect(service.info('c9')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.tag('c9', 'vip')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('tags with existing tags only, untags, sets and removes state, renames the contact; each answer shows the write', async () => {
    await expect(service.tag('c1', 'unknown')).rejects.toThrow('tag unknown not found');
    const tagged = await service.tag('c1', 'vip');
    expect(tagged.body.metadata.tags).toEqual({ vip: '' });
    expect(tagged.position).toEqual({ topic: 'metadata', partition: 0, offset: '0' });
    expect(t.access.positions.at(-1)).toEqual(tagged.position);
    expect((await service.setState('c1', 'CLOSED')).body.metadata.state).toBe('CLOSED');
    expect((await service.updateContact('c1', 'Ada')).body.metadata.contact).toEqual({ display_name: 'Ada' });
    expect((await service.untag('c1', 'vip')).body.metadata.tags).toEqual({});
    expect((await service.removeState('c1')).body.metadata.state).toBeUndefined();
    // a deleted tag disappears from the view
    await service.tag('c1', 'vip');
    t.lookups.tags.delete('vip');
    expect((await service.info('c1')).metadata.tags).toEqual({});
  });

  it('marks read: the unread count drops to zero, even for messages stamped ahead of our clock', async () => {
    t.setNow(1500);
    const read = await service.markRead('c1', 'agent-1');
    expect(read.body.metadata.unread_count).toBe(0);
    expect(read.position.topic).toBe('read-receipt');
    await t.messages.pipeInput('m3', contactMessage('m3', 'c1', 3000));
    expect((await service.info('c1')).metadata.unread_count).toBe(1);
  });

  it('lists the local part: filtered, in list order, the page plus one from the start, with the matches around it', async () => {
    await t.messages.pipeInput('x1', contactMessage('x1', 'c2', 5000));
    await t.messages.pipeInput('y1', contactMessage('y1', 'c3', 4000));
    const fact = metadataUpsert({ kind: 'conversation', id: 'c3' }, tagKey('vip'), '', 1);
    await t.metadata.pipeInput(fact.id, fact.record);

    const all = await service.listLocal(undefined, window(1));
    expect(all).toMatchObject({ total: 3, before: 0, after: 1 });
    expect(all.items.map((i) => i.id)).toEqual(['c2', 'c3']);
    const after = await service.listLocal(undefined, window(1, encodeCursor('after', [5000, 'c2'])));
    expect(after).toMatchObject({ before: 1, after: 0 });
    expect(after.items.map((i) => i.id)).toEqual(['c3', 'c1']);
    expect(all.items[0]).toMatchObject({ last_message_at: 5000, payload: { id: 'c2' } });
    expect((await service.listLocal('tag_ids:vip', window(10))).items.map((i) => i.id)).toEqual(['c3']);
    expect((await service.listLocal('unread_count:[2 TO *]', window(10))).items.map((i) => i.id)).toEqual(['c1']);
    await expect(service.listLocal('unread_count:[', window(10))).rejects.toThrow(/position/);
  });
});
