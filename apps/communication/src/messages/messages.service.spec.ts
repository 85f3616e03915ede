import { conversationId, encodeCursor } from '@platform/chat-domain';
import type { Message } from '@platform/schemas';
import { channel, contactMessage, driverContext, type DriverContext } from '../__fixtures__/driver-context';
import { NotFoundError } from '../errors';
import { MessagesService, sendTarget } from './messages.service';

describe('MessagesService', () => {
  let t: DriverContext;
  let service: MessagesService;
  beforeEach(async () => {
    t = driverContext();
    service = new MessagesService(t.context);
    t.lookups.channels.set('channel-1', channel('channel-1'));
    t.lookups.channels.set('off', channel('off', 'DISCONNECTED'));
    for (let i = 1; i <= 5; i++) await t.messages.pipeInput(`m${i}`, contactMessage(`m${i}`, 'c1', i * 1000));
  });
  afterEach(() => t.driver.close());

  it('lists a conversation newest first with keyset cursors; 404 for an unknown conversation', async () => {
    const first = await service.list('c1', undefined, 2);
    expect(first.data.map((m) => m.id)).toEqual(['m5', 'm4']);
    expect(first.pagination_data).toEqual({ previous_cursor: null, next_cursor: encodeCursor('after', [4000, 'm4']), total: 5 });
    const last = await service.list('c1', first.pagination_data.next_cursor!, 4);
    expect(last.data.map((m) => m.id)).toEqual(['m3', 'm2', 'm1']);
    expect(last.data[0]).toMatchObject({ sender: { id: 'visitor', name: 'Chatplugin c1' }, conversation_id: 'c1', sent_at: new Date(3000).toISOString() });
    await expect(service.list('other', undefined, 2)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends into an existing conversation as the principal: PENDING, source and channel from the conversation', async () => {
    t.setNow(9000);
    const sent = await service.send({ conversation_id: 'c1', message: { text: 'hello' } }, 'system-token-abcd');
    expect(sent.body).toMatchObject({
      id: 'generated-1',
      content: { text: 'hello' },
      delivery_state: 'pending',
      from_contact: false,
      source: 'chatplugin',
      sender: { id: 'system-token-abcd' },
      channel_id: 'channel-1',
      sent_at: new Date(9000).toISOString(),
    });
    expect(sent.position.topic).toBe('messages');
    expect((await service.list('c1', undefined, 1)).data[0]!.id).toBe('generated-1');
    await expect(service.send({ conversation_id: 'nope', message: {} }, 'u')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('starts a conversation with channel_id + source_recipient_id under the deterministic id (202, then 200 once it exists); unknown channel 404, disconnected 403', async () => {
    t.lookups.channels.set('sms', { ...channel('sms'), source: 'twilio.sms', sourceChannelId: '+15551230000' });
    t.lookups.channels.set('sms-off', { ...channel('sms-off', 'DISCONNECTED'), source: 'twilio.sms' });
    const request = { channel_id: 'sms', source_recipient_id: '+4915112345', message: { Body: 'hi' } };
    expect(sendTarget(request)).toBe(conversationId('sms', '+4915112345'));
    const sent = await service.send(request, 'agent');
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ conversation_id: conversationId('sms', '+4915112345'), channel_id: 'sms', source: 'twilio.sms', delivery_state: 'pending' });
    expect((await service.list(sent.body.conversation_id, undefined, 10)).data).toHaveLength(1);
    expect((await service.send(request, 'agent')).status).toBeUndefined();
    await expect(service.send({ ...request, channel_id: 'missing' }, 'agent')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.send({ ...request, channel_id: 'sms-off' }, 'agent')).rejects.toMatchObject({ status: 403, message: 'channel_id: channel sms-off is disconnected' });
  });

  it("refuses new conversations on sources whose contacts write first (403) and recipients not in the source's address form (400)", async () => {
    t.lookups.channels.set('wa', { ...channel('wa'), source: 'twilio.whatsapp', sourceChannelId: 'whatsapp:+15551230000' });
    t.lookups.channels.set('custom', { ...channel('custom'), source: 'my-telegram', sourceChannelId: 'bot-1' });
    await expect(service.send({ channel_id: 'channel-1', source_recipient_id: 'visitor-1', message: { text: 'hi' } }, 'agent')).rejects.toMatchObject({
      status: 403,
      message: 'channel_id: chatplugin channel channel-1 cannot start conversations; its contacts must write first',
    });
    await expect(service.send({ channel_id: 'wa', source_recipient_id: '+4915112345', message: { Body: 'hi' } }, 'agent')).rejects.toMatchObject({
      status: 400,
      message: 'source_recipient_id: a twilio.whatsapp recipient is written as the provider names it, e.g. whatsapp:+4915112345678',
    });
    expect((await service.send({ channel_id: 'wa', source_recipient_id: 'whatsapp:+4915112345', message: { Body: 'hi' } }, 'agent')).body.conversation_id).toBe(conversationId('wa', 'whatsapp:+4915112345'));
    expect((await service.send({ channel_id: 'custom', source_recipient_id: 'user 7', message: { text: 'hi' } }, 'agent')).status).toBe(202);
  });

  it('resends only FAILED messages, as a newer PENDING version; finds messages by id locally', async () => {
    const sent = await service.send({ conversation_id: 'c1', message: { text: 'x' } }, 'agent');
    await expect(service.resend('c1', sent.body.id)).rejects.toThrow(/only failed messages can be resent/);
    const failed: Message = { ...contactMessage(sent.body.id, 'c1', 1_700_000_000_000), isFromContact: false, deliveryState: 'FAILED', updatedAt: 1_700_000_000_500 };
    await t.messages.pipeInput(failed.id, failed);
    const resent = await service.resend('c1', sent.body.id);
    expect(resent.body.delivery_state).toBe('pending');
    expect(Date.parse(resent.body.updated_at!)).toBeGreaterThan(1_700_000_000_500);
    expect(service.locate(sent.body.id)).toBe('c1');
    expect(service.locate('unknown')).toBeUndefined();
    await expect(service.resend('c1', 'unknown')).rejects.toBeInstanceOf(NotFoundError);
  });
});
