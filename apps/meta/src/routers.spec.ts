import { conversationId, messageId } from '@platform/chat-domain';
import { InvalidRawEventError, type RawEvent, type RouteLookup } from '@platform/connector-kit';
import { metaChannelId } from './meta-channels';
import { pageRouter } from './page-router';
import { SentMids } from './sent-mids';
import { routeWhatsAppEvent } from './whatsapp-router';

const raw = (body: unknown): RawEvent => ({ key: null, value: Buffer.from(JSON.stringify(body)), timestamp: 1_700_000_000_000, headers: {} });
const noLookup: RouteLookup = { messageOfProviderId: () => undefined };
const route = pageRouter({ appId: '42' });
const igChannel = metaChannelId('instagram', '17841400000000000');
const fbChannel = metaChannelId('facebook', '100');

describe('page router', () => {
  const echo = (message: object) => ({ object: 'page', entry: [{ id: '100', time: 1, messaging: [{ sender: { id: '100' }, recipient: { id: 'psid-1' }, timestamp: 5, message: { mid: 'm_1', text: 'hi', is_echo: true, ...message } }] }] });

  it('drops echoes of our sends: our app id, our metadata tag, or a mid we got back', () => {
    expect(route(raw(echo({ app_id: 42 })), noLookup).messages).toEqual([]);
    expect(route(raw(echo({ app_id: 7, metadata: 'platform:reply-1' })), noLookup).messages).toEqual([]);
    expect(route(raw(echo({ app_id: 7 })), { messageOfProviderId: (mid) => (mid === 'm_1' ? { messageId: 'reply-1', conversationId: 'c' } : undefined) }).messages).toEqual([]);
  });

  it('turns another app’s or the page inbox’s echo into a page message in the contact’s conversation', () => {
    const [third] = route(raw(echo({ app_id: 7 })), noLookup).messages;
    expect(third).toMatchObject({ id: messageId(fbChannel, 'm_1'), conversationId: conversationId(fbChannel, 'psid-1'), senderId: '7', isFromContact: false });
    expect(route(raw(echo({})), noLookup).messages[0]).toMatchObject({ senderId: '100', isFromContact: false });
  });

  it('drops an Instagram echo (no app id, no tag) whose mid this process got back from Graph, before the send’s outcome is committed; another is a page message', () => {
    const sent = new SentMids(2);
    const routeHere = pageRouter({ appId: '42', sentHere: (mid) => sent.has(mid) });
    const igEcho = (mid: string) => ({ object: 'instagram', entry: [{ id: '17841400000000000', time: 1, messaging: [{ sender: { id: '17841400000000000' }, recipient: { id: 'igsid-1' }, timestamp: 7, message: { mid, text: 'hi', is_echo: true } }] }] });
    sent.remember('ig_ours');
    expect(routeHere(raw(igEcho('ig_ours')), noLookup).messages).toEqual([]);
    expect(routeHere(raw(igEcho('ig_inbox')), noLookup).messages[0]).toMatchObject({ id: messageId(igChannel, 'ig_inbox'), conversationId: conversationId(igChannel, 'igsid-1'), senderId: '17841400000000000', isFromContact: false });
    // bounded: the oldest mid is forgotten first
    sent.remember('ig_2');
    sent.remember('ig_3');
    expect([sent.has('ig_ours'), sent.has('ig_2'), sent.has('ig_3')]).toEqual([false, true, true]);
  });

  it('routes Instagram messages to the account’s channel and refuses what is not Meta’s envelope', () => {
    const body = { object: 'instagram', entry: [{ id: '17841400000000000', time: 1, messaging: [{ sender: { id: 'igsid-1' }, recipient: { id: '17841400000000000' }, timestamp: 9, message: { mid: 'ig_1', text: 'hey' } }] }] };
    expect(route(raw(body), noLookup).messages[0]).toMatchObject({ id: messageId(igChannel, 'ig_1'), channelId: igChannel, source: 'instagram', senderId: 'igsid-1', sentAt: 9 });
    expect(() => route({ ...raw({}), value: Buffer.from('not json') }, noLookup)).toThrow(InvalidRawEventError);
    expect(() => route(raw({ object: 'user', entry: [] }), noLookup)).toThrow(InvalidRawEventError);
  });

  it('marks deliveries of our messages and an unreact without tombstones', () => {
    const lookup: RouteLookup = { messageOfProviderId: (mid) => (mid === 'm_ours' ? { messageId: 'reply-9', conversationId: 'conv-9' } : undefined) };
    const body = { object: 'page', entry: [{ id: '100', time: 1, messaging: [
      { sender: { id: 'psid-1' }, recipient: { id: '100' }, timestamp: 11, delivery: { mids: ['m_ours', 'm_unknown'], watermark: 11 } },
      { sender: { id: 'psid-1' }, recipient: { id: '100' }, timestamp: 12, reaction: { reaction: 'love', action: 'unreact', mid: 'm_ours' } },
    ] }] };
    const facts = route(raw(body), lookup).metadata.map((m) => [m.change.record.identifier, m.change.record.key, m.change.record.value, m.placementKey]);
    expect(facts).toEqual([
      ['reply-9', 'source.delivery_state', 'delivered', 'conv-9'],
      ['reply-9', 'reaction.emoji', '', 'conv-9'],
      ['reply-9', 'reaction.action', 'unreact', 'conv-9'],
      ['reply-9', 'reaction.sent_at', '12', 'conv-9'],
    ]);
  });
});

describe('WhatsApp router', () => {
  const waChannel = metaChannelId('whatsapp', '555');
  const change = (value: object) => ({ object: 'whatsapp_business_account', entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '555' }, ...value } }] }] });

  it('maps a reaction onto the message reacted to, and failed statuses with their errors', () => {
    const lookup: RouteLookup = { messageOfProviderId: (id) => (id === 'wamid.ours' ? { messageId: 'reply-1', conversationId: 'conv-1' } : undefined) };
    const routed = routeWhatsAppEvent(raw(change({
      messages: [{ from: '49170', id: 'wamid.r', timestamp: '1700000001', type: 'reaction', reaction: { message_id: 'wamid.ours', emoji: '👍' } }],
      statuses: [{ id: 'wamid.ours', status: 'failed', timestamp: '1700000002', recipient_id: '49170', errors: [{ code: 131047, title: 'Re-engagement message' }] }],
    })), lookup);
    expect(routed.messages).toEqual([]);
    expect(routed.metadata.map((m) => [m.change.record.identifier, m.change.record.key, m.change.record.value])).toEqual([
      ['reply-1', 'reaction.emoji', '👍'],
      ['reply-1', 'reaction.action', 'react'],
      ['reply-1', 'reaction.sent_at', '1700000001000'],
      ['reply-1', 'source.delivery_state', 'failed'],
      ['reply-1', 'source.error', '[{"code":131047,"title":"Re-engagement message"}]'],
    ]);
    expect(routeWhatsAppEvent(raw(change({ messages: [{ from: '49170', id: 'wamid.in', timestamp: '1700000003', type: 'text', text: { body: 'x' } }] })), noLookup).messages[0]).toMatchObject({ id: messageId(waChannel, 'wamid.in'), sentAt: 1_700_000_003_000 });
  });
});
