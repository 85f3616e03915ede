import { metadataUpsert } from '@platform/chat-domain';
import type { Channel } from '@platform/schemas';
import type { ChannelDocument } from '../streams/channel-document';
import { listableChannels, mergeChannelParts } from './channel-list';

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

  it('merges parts into one order, counting a channel answered twice once', () => {
    const one = listableChannels([doc('b', 'chatplugin', 'CONNECTED', 'b'), doc('d', 'chatplugin', 'CONNECTED', 'd')], undefined);
    const two = listableChannels([doc('a', 'chatplugin', 'CONNECTED', 'a'), doc('d', 'chatplugin', 'CONNECTED', 'd')], undefined);
    const parts = [
      { data: one, partitions: [0, 1] },
      { data: two, partitions: [1, 3] },
    ];
    expect(mergeChannelParts(parts).map((c) => c.id)).toEqual(['a', 'b', 'd']);
  });
});
