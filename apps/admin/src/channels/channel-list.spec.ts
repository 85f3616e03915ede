import { metadataUpsert } from '@platform/chat-domain';
import type { Channel } from '@platform/schemas';
import type { ChannelDocument } from '../streams/channel-document';
import { listableChannels, mergeChannelParts, missingTasks } from './channel-list';

const doc = (id: string, source: string, state: Channel['connectionState'], name?: string): ChannelDocument => {
  const metadata: ChannelDocument['metadata'] = {};
  if (name !== undefined) {
    const change = metadataUpsert({ kind: 'channel', id }, 'name', name, 1);
    metadata[change.id] = change.record!;
  }
  return { channel: { id, source, sourceChannelId: `src-${id}`, connectionState: state, token: null, createdAt: 1 }, metadata };
};

describe('channel list', () => {
  it('lists connected channels only (Airy §2.5), optionally of one source, by name then id', () => {
    const documents = [
      doc('c', 'chatplugin', 'CONNECTED', 'beta'),
      doc('a', 'twilio.sms', 'CONNECTED', 'Alpha'),
      doc('b', 'chatplugin', 'DISCONNECTED', 'aaa'),
      doc('d', 'chatplugin', 'CONNECTED', 'Beta'),
      { channel: null, metadata: {} },
    ];
    expect(listableChannels(documents, undefined).map((c) => c.id)).toEqual(['a', 'c', 'd']);
    expect(listableChannels(documents, 'chatplugin').map((c) => c.id)).toEqual(['c', 'd']);
    expect(listableChannels(documents, 'facebook')).toEqual([]);
  });

  it('merges parts into one order, counting a channel answered twice once, and names unanswered partitions', () => {
    const one = listableChannels([doc('b', 'chatplugin', 'CONNECTED', 'b'), doc('d', 'chatplugin', 'CONNECTED', 'd')], undefined);
    const two = listableChannels([doc('a', 'chatplugin', 'CONNECTED', 'a'), doc('d', 'chatplugin', 'CONNECTED', 'd')], undefined);
    const parts = [
      { data: one, tasks: ['0_0', '0_1'] },
      { data: two, tasks: ['0_1', '0_3'] },
    ];
    expect(mergeChannelParts(parts).map((c) => c.id)).toEqual(['a', 'b', 'd']);
    expect(missingTasks(parts, ['0_0', '0_1', '0_2', '0_3'])).toEqual(['0_2']);
    expect(missingTasks([], ['0_0'])).toEqual(['0_0']);
  });
});
