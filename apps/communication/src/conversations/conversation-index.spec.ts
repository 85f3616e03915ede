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

  it('serves repeated lists from its caches and shows message metadata, channel and new messages as a fresh render does', async () => {
    const payloads = async (t: DriverContext) => (await new ConversationsService(t.context).listLocal(undefined, resolvePageRequest({ pageSize: 100 }))).items.map((i) => i.payload);
    const first = await payloads(indexed);
    // Unchanged: the very same payload objects (rendered once), the same as a scan renders.
    expect(await payloads(indexed)).toEqual(first);
    expect((await payloads(indexed))[0]).toBe(first[0]);
    expect(first).toEqual(await payloads(scanned));
    // Metadata of the last message (stored by the processors) bumps the render epoch.
    const reaction = metadataUpsert({ kind: 'message', id: 'm5' }, 'reaction', 'thumbs-up', 2);
    await both((t) => t.metadata.pipeInput(reaction.id, reaction.record));
    const afterReaction = await payloads(indexed);
    expect(afterReaction).toEqual(await payloads(scanned));
    expect(afterReaction[0]).not.toEqual(first[0]);
    // A channel change arrives through the global table, whose listener bumps the epoch in production.
    await both(async (t) => t.lookups.channels.set('channel-1', channel('channel-1', 'DISCONNECTED')));
    indexed.context.conversationIndex!.renderedInputsChanged();
    expect(await payloads(indexed)).toEqual(await payloads(scanned));
    // A new message makes a new view: the set's order and that conversation's payload change.
    await both((t) => t.messages.pipeInput('m-new', contactMessage('m-new', 'c1', 99_000)));
    expect((await ids(indexed))[0]).toBe('c1');
    expect(await payloads(indexed)).toEqual(await payloads(scanned));
  });

  it('stamps what lists show: unchanged while nothing changes, new after a message, metadata, a channel or an invalidation', async () => {
    const service = new ConversationsService(indexed.context);
    expect(service.listStamp(1)).toBeUndefined(); // not built yet
    await ids(indexed);
    const built = service.listStamp(1);
    expect(built).toBeDefined();
    expect(service.listStamp(2)).toBeUndefined(); // another replica holds a partition: nothing reused
    await ids(indexed, 'unread_count:0');
    expect(service.listStamp(1)).toBe(built);
    const seen = new Set([built]);
    const changed = () => {
      const stamp = service.listStamp(1);
      expect(seen.has(stamp)).toBe(false);
      seen.add(stamp);
    };
    await indexed.messages.pipeInput('m-new', contactMessage('m-new', 'c1', 99_000));
    changed();
    const reaction = metadataUpsert({ kind: 'message', id: 'm5' }, 'reaction', 'thumbs-up', 2);
    await indexed.metadata.pipeInput(reaction.id, reaction.record);
    changed();
    indexed.context.conversationIndex!.renderedInputsChanged();
    changed();
    indexed.context.conversationIndex!.invalidate();
    expect(service.listStamp(1)).toBeUndefined();
    await ids(indexed);
    changed();
  });
});
