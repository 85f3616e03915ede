import { silentLogger } from '@platform/common';
import type { Message } from '@platform/schemas';
import { DeliveryService } from './delivery-service';
import { SocketHub, VisitorSession, type VisitorFrame } from './socket-hub';

const visitor = { channelId: 'channel-1', conversationId: 'conversation-1' };

const message = (overrides: Partial<Message> = {}): Message => ({
  id: 'reply-1',
  conversationId: 'conversation-1',
  channelId: 'channel-1',
  source: 'chatplugin',
  senderId: 'agent-1',
  isFromContact: false,
  deliveryState: 'PENDING',
  content: JSON.stringify({ text: 'hello' }),
  sentAt: 1_000,
  updatedAt: null,
  sourceRecipientId: null,
  headers: {},
  ...overrides,
});

function setup(history: Message[] = []) {
  const hub = new SocketHub();
  const written: Message[] = [];
  const delivery = new DeliveryService({
    hub,
    history: { read: async () => history },
    writer: { writeMessage: async (m: Message) => (written.push(m), { topic: 'messages', partition: 0, offset: String(written.length) }) },
    logger: silentLogger,
    now: () => 5_000,
  });
  const connect = (identity = visitor) => {
    const frames: VisitorFrame[] = [];
    const session = new VisitorSession(identity, { send: (text) => frames.push(JSON.parse(text) as VisitorFrame) });
    hub.add(session);
    return { session, frames };
  };
  return { hub, delivery, written, connect };
}

describe('DeliveryService', () => {
  it('pushes a pending reply to the connected visitor, then writes it DELIVERED', async () => {
    const { delivery, written, connect } = setup();
    const { frames } = connect();
    await delivery.onMessage(message());
    expect(frames).toEqual([{ channel_id: 'channel-1', conversation_id: 'conversation-1', message: expect.objectContaining({ id: 'reply-1', delivery_state: 'pending', content: { text: 'hello' }, from_contact: false }) }]);
    expect(written).toEqual([{ ...message(), deliveryState: 'DELIVERED', updatedAt: 5_000 }]);
  });

  it('leaves a reply PENDING when its visitor has no socket here', async () => {
    const { delivery, written, connect } = setup();
    const other = connect({ channelId: 'channel-1', conversationId: 'conversation-2' });
    await delivery.onMessage(message());
    expect(written).toEqual([]);
    expect(other.frames).toEqual([]);
  });

  it('pushes each version of a message once per socket, and never FAILED ones', async () => {
    const { delivery, written, connect } = setup();
    const { frames } = connect();
    await delivery.onMessage(message());
    await delivery.onMessage(message());
    await delivery.onMessage({ ...message(), deliveryState: 'DELIVERED', updatedAt: 5_000 });
    await delivery.onMessage({ ...message(), deliveryState: 'DELIVERED', updatedAt: 5_000 });
    await delivery.onMessage(message({ id: 'reply-2', deliveryState: 'FAILED', updatedAt: 6_000 }));
    expect(frames.map((f) => `${f.message.id}:${f.message.delivery_state}`)).toEqual(['reply-1:pending', 'reply-1:delivered']);
    expect(written).toHaveLength(1);
  });

  it('echoes the visitor’s own messages to its sockets without writing anything', async () => {
    const { delivery, written, connect } = setup();
    const { frames } = connect();
    await delivery.onMessage(message({ id: 'visitor-1', isFromContact: true, deliveryState: 'DELIVERED', senderId: 'conversation-1' }));
    expect(frames.map((f) => f.message.id)).toEqual(['visitor-1']);
    expect(written).toEqual([]);
  });

  it('ignores messages of other sources', async () => {
    const { delivery, written, connect } = setup();
    const { frames } = connect();
    await delivery.onMessage(message({ source: 'twilio.sms' }));
    expect(frames).toEqual([]);
    expect(written).toEqual([]);
  });

  it('on connect, pushes the pending replies of the history (and those the store has not applied yet) in order, and marks them DELIVERED', async () => {
    const history = [
      message({ id: 'visitor-1', isFromContact: true, deliveryState: 'DELIVERED', sentAt: 500 }),
      message({ id: 'reply-old', deliveryState: 'DELIVERED', updatedAt: 900, sentAt: 600 }),
      message({ id: 'reply-1', sentAt: 1_000 }),
    ];
    const { delivery, written, connect } = setup(history);
    // Seen by the tail while nobody was connected, not in the store yet.
    await delivery.onMessage(message({ id: 'reply-2', sentAt: 2_000 }));
    expect(written).toEqual([]);
    const { session, frames } = connect();
    await delivery.onConnect(session);
    expect(frames.map((f) => f.message.id)).toEqual(['reply-1', 'reply-2']);
    expect(written.map((m) => [m.id, m.deliveryState])).toEqual([
      ['reply-1', 'DELIVERED'],
      ['reply-2', 'DELIVERED'],
    ]);
  });

  it('does not deliver again what the store already has as DELIVERED', async () => {
    const { delivery, written, connect } = setup([message({ deliveryState: 'DELIVERED', updatedAt: 4_000 })]);
    await delivery.onMessage(message()); // the older PENDING version, seen by the tail
    const { session, frames } = connect();
    await delivery.onConnect(session);
    expect(frames).toEqual([]);
    expect(written).toEqual([]);
  });

  it('keeps a reply PENDING when the socket cannot take it', async () => {
    const { hub, delivery, written } = setup();
    hub.add(
      new VisitorSession(visitor, {
        send: () => {
          throw new Error('closed');
        },
      }),
    );
    await delivery.onMessage(message());
    expect(written).toEqual([]);
  });

  it('closes the sockets of a disconnected channel only', () => {
    const hub = new SocketHub();
    const closed: string[] = [];
    const session = (channelId: string, conversationId: string) =>
      new VisitorSession({ channelId, conversationId }, { send: () => undefined, close: (code) => closed.push(`${conversationId}:${code}`) });
    hub.add(session('channel-1', 'c1'));
    hub.add(session('channel-1', 'c2'));
    hub.add(session('channel-2', 'c3'));
    expect(hub.closeChannel('channel-1', 4403, 'channel disconnected')).toBe(2);
    expect(closed).toEqual(['c1:4403', 'c2:4403']);
  });

  it('forgets sockets that closed', async () => {
    const { hub, delivery, written, connect } = setup();
    const { session, frames } = connect();
    hub.remove(session);
    expect(hub.size).toBe(0);
    await delivery.onMessage(message());
    expect(frames).toEqual([]);
    expect(written).toEqual([]);
  });
});
