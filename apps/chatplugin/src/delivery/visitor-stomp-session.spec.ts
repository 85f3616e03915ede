import { silentLogger } from '@platform/common';
import type { Message } from '@platform/schemas';
import { header, StompParser, type StompFrame } from '@platform/stomp';
import { VisitorAuthError } from '../errors';
import type { VisitorIdentity } from '../visitor/visitor-tokens';
import { SocketHub, type VisitorSession } from './socket-hub';
import { VISITOR_DESTINATION, VisitorStompSession } from './visitor-stomp-session';
import { visitorStompLimits } from './visitor-websocket';

const identity: VisitorIdentity = { channelId: 'ch-1', conversationId: 'conv-1' };
const message = (id: string, conversationId = 'conv-1'): Message => ({
  id,
  conversationId,
  channelId: 'ch-1',
  source: 'chatplugin',
  senderId: conversationId,
  isFromContact: true,
  deliveryState: 'DELIVERED',
  content: JSON.stringify({ text: id }),
  sentAt: 1_700_000_000_000,
  updatedAt: null,
  sourceRecipientId: null,
  headers: {},
});

/** A visitor session on a fake socket, with a real hub and a delivery whose onConnect the test decides. */
function harness(onConnect: (session: VisitorSession) => Promise<void> = async () => undefined) {
  const hub = new SocketHub();
  const sent: StompFrame[] = [];
  const parser = new StompParser({ ...visitorStompLimits, maxFrameBytes: 1 << 20 });
  let closed: { code: number; reason: string } | undefined;
  const session = new VisitorStompSession(
    {
      id: 'v1',
      hub,
      delivery: { onConnect },
      authenticate: async (token) => {
        if (token !== 'good') throw new VisitorAuthError('invalid token');
        return identity;
      },
      limits: visitorStompLimits,
      heartbeatMs: 0,
      maxSubscriptions: 2,
      maxBufferedBytes: 1024,
      logger: silentLogger,
    },
    { send: (text) => void sent.push(...parser.push(Buffer.from(text))), close: (code, reason) => void (closed = { code, reason }), bufferedAmount: () => 0 },
  );
  const feed = async (text: string) => {
    session.onData(Buffer.from(text));
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { hub, session, sent, feed, closed: () => closed };
}

const connect = 'CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:4000,4000\nAuthorization:Bearer good\n\n\0';

describe('VisitorStompSession', () => {
  it('joins the hub on its first subscription to /user/queue/message and sends one MESSAGE per subscription; leaves on the last UNSUBSCRIBE', async () => {
    const h = harness();
    await h.feed(connect);
    expect(h.sent.map((f) => [f.command, header(f, 'user-name')])).toEqual([['CONNECTED', 'conv-1']]);
    expect(h.hub.push(message('before-subscribe'))).toBe(0);
    await h.feed(`SUBSCRIBE\nid:sub-0\ndestination:${VISITOR_DESTINATION}\n\n\0SUBSCRIBE\nid:sub-1\ndestination:${VISITOR_DESTINATION}\n\n\0`);
    expect(h.hub.push(message('m1'))).toBe(1);
    expect(h.hub.push(message('other', 'conv-2'))).toBe(0);
    const pushed = h.sent.slice(1);
    expect(pushed.map((f) => [f.command, header(f, 'destination'), header(f, 'subscription')])).toEqual([
      ['MESSAGE', VISITOR_DESTINATION, 'sub-0'],
      ['MESSAGE', VISITOR_DESTINATION, 'sub-1'],
    ]);
    expect(JSON.parse(pushed[0]!.body.toString())).toMatchObject({ channel_id: 'ch-1', conversation_id: 'conv-1', message: { id: 'm1', content: { text: 'm1' }, from_contact: true } });
    await h.feed('UNSUBSCRIBE\nid:sub-0\n\n\0');
    expect(h.hub.size).toBe(1);
    await h.feed('UNSUBSCRIBE\nid:sub-1\n\n\0');
    expect(h.hub.size).toBe(0);
    expect(h.closed()).toBeUndefined();
  });

  it('closes with 1013 after an ERROR when the pending replies cannot be read, and with 4403 when the channel is disconnected', async () => {
    const unavailable = harness(async () => {
      throw new Error('history restoring');
    });
    await unavailable.feed(connect);
    await unavailable.feed(`SUBSCRIBE\nid:0\ndestination:${VISITOR_DESTINATION}\n\n\0`);
    expect(header(unavailable.sent.at(-1)!, 'message')).toMatch(/^503 Service Unavailable/);
    expect(unavailable.closed()?.code).toBe(1013);
    expect(unavailable.hub.size).toBe(0);

    const h = harness();
    await h.feed(connect);
    await h.feed(`SUBSCRIBE\nid:0\ndestination:${VISITOR_DESTINATION}\n\n\0`);
    expect(h.hub.closeChannel('ch-1', 4403, 'channel disconnected')).toBe(1);
    expect(h.sent.at(-1)!.command).toBe('ERROR');
    expect(h.closed()).toEqual({ code: 4403, reason: 'channel disconnected' });
    expect(h.hub.size).toBe(0);
  });

  it('refuses a bad token, other destinations and SEND with an ERROR naming why', async () => {
    const refused = harness();
    await refused.feed('CONNECT\naccept-version:1.2\nAuthorization:Bearer bad\n\n\0');
    expect(header(refused.sent[0]!, 'message')).toBe('401 Unauthorized: invalid token');
    const refusals: [string, string][] = [
      ['SUBSCRIBE\nid:0\ndestination:/topic/all\n\n\0', 'SUBSCRIBE: unknown destination; the only one is /user/queue/message'],
      ['SEND\ndestination:/app/send\n\nhi\0', 'SEND is not supported: visitors send messages with POST /chatplugin.send'],
    ];
    for (const [frame, why] of refusals) {
      const h = harness();
      await h.feed(connect);
      await h.feed(frame);
      expect(header(h.sent.at(-1)!, 'message')).toBe(why);
      expect(h.closed()?.code).toBe(1002);
    }
  });
});
