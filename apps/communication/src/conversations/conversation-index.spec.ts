import { metadataUpsert, resolvePageRequest, tagKey } from '@platform/chat-domain';
import { channel, contactMessage, driverContext, type DriverContext } from '../__fixtures__/driver-context';
import { ConversationsService } from './conversations.service';

describe('conversation index', () => {
  let indexed: DriverContext;
  let scanned: DriverContext;
  const ids = async (t: DriverContext, filters?: string) => (await new ConversationsService(t.context).listLocal(filters, resolvePageRequest({ pageSize: 100 }))).items.map((i) => i.id);
  const both = async (step: (t: DriverContext) => Promise<unknown>) => {
    await step(indexed);
    await step(scanned);
  };

  beforeEach(async () => {
    indexed = driverContext({ withIndex: true });
    scanned = driverContext();
    await both(async (t) => {
      t.lookups.channels.set('channel-1', channel('channel-1'));
      t.lookups.tags.add('vip');
      for (let i = 0; i < 6; i++) await t.messages.pipeInput(`m${i}`, contactMessage(`m${i}`, `c${i}`, 1000 + i));
    });
  });
  afterEach(async () => {
    await indexed.driver.close();
    await scanned.driver.close();
  });

  it('lists what a store scan lists, and follows the processors after it was built', async () => {
    expect(await ids(indexed)).toEqual(await ids(scanned));
    expect(await ids(indexed)).toEqual(['c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
    // built now; later records reach it through the processors
    await both(async (t) => {
      await t.messages.pipeInput('late', contactMessage('late', 'c0', 9000));
      const tag = metadataUpsert({ kind: 'conversation', id: 'c2' }, tagKey('vip'), '', 1);
      await t.metadata.pipeInput(tag.id, tag.record);
      await t.receipts.pipeInput('c3', { conversationId: 'c3', readDate: 5000, userId: null });
      await t.messages.pipeInput('new', contactMessage('new', 'c9', 500));
    });
    for (const filters of [undefined, 'tag_ids:vip', 'unread_count:0', 'id:c9']) expect(await ids(indexed, filters)).toEqual(await ids(scanned, filters));
    expect((await ids(indexed))[0]).toBe('c0');
    expect(await ids(indexed, 'tag_ids:vip')).toEqual(['c2']);
  });

  it('rebuilds from the store once invalidated (a deleted tag leaves the views)', async () => {
    const tag = metadataUpsert({ kind: 'conversation', id: 'c1' }, tagKey('vip'), '', 1);
    await both((t) => t.metadata.pipeInput(tag.id, tag.record));
    expect(await ids(indexed, 'tag_ids:vip')).toEqual(['c1']);
    indexed.lookups.tags.delete('vip');
    expect(await ids(indexed, 'tag_ids:vip')).toEqual(['c1']);
    indexed.context.conversationIndex!.invalidate();
    expect(await ids(indexed, 'tag_ids:vip')).toEqual([]);
    expect(await ids(indexed)).toHaveLength(6);
  });
});
