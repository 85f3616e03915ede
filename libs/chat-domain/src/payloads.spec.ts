import type { Channel } from '@platform/schemas';
import { aMessage, aView } from './internals/fixtures';
import {
  apiTagColors,
  channelPayload,
  conversationPayload,
  errorPayload,
  isoDate,
  messagePayload,
  senderOf,
  tagColorFromApi,
  tagColorToApi,
  tagPayload,
  templatePayload,
} from './payloads';

const sentAt = Date.UTC(2024, 4, 1, 12, 30);
const channel: Channel = { id: 'chan-1', source: 'chatplugin', sourceChannelId: 'Website', connectionState: 'CONNECTED', token: null, createdAt: 1 };

describe('messagePayload', () => {
  it('renders Airy field names, lower-case delivery state, ISO dates and parsed content', () => {
    const message = aMessage({ id: 'm1', sentAt, deliveryState: 'PENDING', isFromContact: false, senderId: 'github:1', content: '{"text":"hi"}' });
    expect(messagePayload(message)).toEqual({
      id: 'm1',
      content: { text: 'hi' },
      delivery_state: 'pending',
      from_contact: false,
      sent_at: '2024-05-01T12:30:00.000Z',
      source: 'chatplugin',
      metadata: {},
      sender: { id: 'github:1' },
      conversation_id: 'conv-1',
      channel_id: 'chan-1',
      updated_at: null,
    });
  });

  it('keeps raw non-JSON content and renders updated_at', () => {
    const message = aMessage({ id: 'm2', content: 'Body=Hi', deliveryState: 'FAILED', updatedAt: sentAt });
    expect(messagePayload(message, { metadata: { error: 'stale' } })).toMatchObject({
      content: 'Body=Hi',
      delivery_state: 'failed',
      updated_at: '2024-05-01T12:30:00.000Z',
      metadata: { error: 'stale' },
    });
  });
});

describe('senderOf', () => {
  const metadata = { contact: { display_name: 'Grace', avatar_url: 'http://a' } };

  it('names contacts from conversation metadata', () => {
    expect(senderOf(aMessage({ id: 'm', senderId: 'v1' }), metadata)).toEqual({ id: 'v1', name: 'Grace', avatar_url: 'http://a' });
    expect(senderOf(aMessage({ id: 'm', senderId: 'v1' }))).toEqual({ id: 'v1' });
  });

  it('names users through the lookup', () => {
    const agent = aMessage({ id: 'm', senderId: 'github:1', isFromContact: false });
    expect(senderOf(agent, metadata, (id) => (id === 'github:1' ? { name: 'Ada' } : undefined))).toEqual({ id: 'github:1', name: 'Ada' });
    expect(senderOf(agent, metadata)).toEqual({ id: 'github:1' });
  });
});

describe('channelPayload', () => {
  it('renders connected and metadata with a default name', () => {
    expect(channelPayload(channel)).toEqual({ id: 'chan-1', source: 'chatplugin', source_channel_id: 'Website', connected: true, metadata: { name: 'Website' } });
    expect(channelPayload({ ...channel, connectionState: 'DISCONNECTED' }, { name: 'Shop', image_url: 'http://i' })).toEqual({
      id: 'chan-1',
      source: 'chatplugin',
      source_channel_id: 'Website',
      connected: false,
      metadata: { name: 'Shop', image_url: 'http://i' },
    });
  });
});

describe('conversationPayload', () => {
  it('renders id, channel, created_at, metadata and last_message with its sender', () => {
    const view = aView({ id: 'conv-1', createdAt: sentAt, metadata: { contact: { display_name: 'Grace' }, tags: { t1: '' }, unread_count: 2 } });
    const payload = conversationPayload(view, { channel: channelPayload(channel), lastMessageMetadata: { source: { id: 'x' } } });
    expect(payload).toMatchObject({
      id: 'conv-1',
      channel: { id: 'chan-1', source: 'chatplugin', connected: true },
      created_at: '2024-05-01T12:30:00.000Z',
      metadata: { contact: { display_name: 'Grace' }, tags: { t1: '' }, unread_count: 2 },
      last_message: { id: 'conv-1-last', delivery_state: 'delivered', from_contact: true, sender: { id: 'visitor-1', name: 'Grace' } },
    });
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it('builds a minimal channel when the reader has no channel record', () => {
    expect(conversationPayload(aView({ id: 'c' })).channel).toEqual({ id: 'chan-1', source: 'chatplugin', source_channel_id: '', connected: true, metadata: {} });
  });
});

describe('tags, templates, errors', () => {
  it('maps tag colours both ways', () => {
    expect(tagPayload({ id: 't', name: 'VIP', color: 'PURPLE' })).toEqual({ id: 't', name: 'VIP', color: 'tag-purple' });
    expect(tagColorToApi('BLUE')).toBe('tag-blue');
    expect(tagColorFromApi('tag-red')).toBe('RED');
    for (const bad of ['red', 'tag-pink', 'TAG-RED', 'tag-', '']) expect(tagColorFromApi(bad)).toBeUndefined();
    expect(apiTagColors).toEqual(['tag-blue', 'tag-red', 'tag-green', 'tag-purple']);
  });

  it('parses template content', () => {
    expect(templatePayload({ id: 'x', name: 'Hi', source: 'chatplugin', content: '{"text":"hello"}' })).toEqual({ id: 'x', name: 'Hi', source: 'chatplugin', content: { text: 'hello' } });
  });

  it('renders errors and dates', () => {
    expect(errorPayload('nope')).toEqual({ message: 'nope' });
    expect(isoDate(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});
