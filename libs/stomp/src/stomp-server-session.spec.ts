import { silentLogger } from '@platform/common';
import { defaultStompLimits, StompParser, type StompFrame } from './stomp-frame';
import { StompServerSession, type StompSessionHandler, type StompSubscribeRequest } from './stomp-server-session';

/** A session on a fake socket: what it sent (parsed back), how it closed, what the handler heard. */
function harness(options: { heartbeatMs?: number; handshakeAuthorization?: string; refuse?: string } = {}) {
  const sent: StompFrame[] = [];
  const parser = new StompParser({ ...defaultStompLimits, maxFrameBytes: 1 << 20 });
  const events: string[] = [];
  let closedWith: number | undefined;
  const handler: StompSessionHandler<string> = {
    connected: (principal) => void events.push(`connected ${principal}`),
    subscribe: (request: StompSubscribeRequest) => {
      events.push(`subscribe ${request.id} ${request.destination}`);
      return request.destination === '/only' ? undefined : (options.refuse ?? 'unknown destination');
    },
    unsubscribe: (id) => void events.push(`unsubscribe ${id}`),
    closed: () => void events.push('closed'),
  };
  const session = new StompServerSession<string>(
    {
      id: 's1',
      limits: defaultStompLimits,
      heartbeatMs: options.heartbeatMs ?? 0,
      maxSubscriptions: 2,
      sendRefusal: 'SEND is not supported here',
      logger: silentLogger,
      ...(options.handshakeAuthorization === undefined ? {} : { handshakeAuthorization: options.handshakeAuthorization }),
      authenticate: async (authorization) => (authorization === 'Bearer good' ? { ok: true, principal: 'visitor-1', name: 'visitor-1' } : { ok: false, message: authorization === undefined ? 'missing token' : 'bad token' }),
    },
    {
      send: (text) => void sent.push(...parser.push(Buffer.from(text))),
      close: (code) => void (closedWith = code),
      bufferedAmount: () => 0,
    },
    handler,
  );
  const feed = async (...texts: string[]) => {
    for (const text of texts) {
      session.onData(Buffer.from(text));
      // Frames are handled on a promise chain: let it run.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const headersOf = (frame: StompFrame | undefined) => Object.fromEntries(frame?.headers ?? []);
  return { session, sent, events, feed, headersOf, closed: () => closedWith };
}

const connect = (authorization = 'Bearer good', beat = '0,0') => `CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:${beat}\nAuthorization:${authorization}\n\n\0`;

describe('StompServerSession', () => {
  it('connects with the CONNECT Authorization header, hands SUBSCRIBE/UNSUBSCRIBE to the handler, answers receipts and sends MESSAGE frames', async () => {
    const h = harness({ heartbeatMs: 30_000 });
    await h.feed(connect('Bearer good', '4000,4000'), 'SUBSCRIBE\nid:sub-0\ndestination:/only\nreceipt:r1\n\n\0');
    expect(h.sent.map((f) => f.command)).toEqual(['CONNECTED', 'RECEIPT']);
    expect(h.headersOf(h.sent[0])).toMatchObject({ version: '1.2', 'heart-beat': '30000,30000', session: 's1', 'user-name': 'visitor-1' });
    expect(h.headersOf(h.sent[1])).toEqual({ 'receipt-id': 'r1' });
    h.session.message('sub-0', '/only', '{"a":1}');
    expect(h.sent[2]!.command).toBe('MESSAGE');
    expect(h.sent[2]!.headers).toEqual([['destination', '/only'], ['subscription', 'sub-0'], ['message-id', 's1-0'], ['content-type', 'application/json'], ['content-length', '7']]);
    expect(h.sent[2]!.body.toString()).toBe('{"a":1}');
    await h.feed('UNSUBSCRIBE\nid:sub-0\n\n\0', 'DISCONNECT\nreceipt:close-1\n\n\0');
    expect(h.events).toEqual(['connected visitor-1', 'subscribe sub-0 /only', 'unsubscribe sub-0', 'closed']);
    expect(h.headersOf(h.sent.at(-1))).toEqual({ 'receipt-id': 'close-1' });
    expect(h.closed()).toBe(1000);
    h.session.message('sub-0', '/only', 'late');
    expect(h.sent.at(-1)!.command).toBe('RECEIPT');
  });

  it.each([
    ['a missing token', 'CONNECT\naccept-version:1.2\n\n\0', '401 Unauthorized: missing token'],
    ['a bad token', connect('Bearer bad'), '401 Unauthorized: bad token'],
    ['a frame before CONNECT', 'SUBSCRIBE\nid:0\ndestination:/only\n\n\0', 'the first frame must be CONNECT'],
    ['STOMP 1.0/1.1 only', 'CONNECT\naccept-version:1.0,1.1\nAuthorization:Bearer good\n\n\0', 'supported protocol versions are 1.2'],
    ['a malformed heart-beat', connect('Bearer good', 'x,1'), 'malformed heart-beat header'],
  ])('answers %s with ERROR and closes', async (_name, text, message) => {
    const h = harness();
    await h.feed(text);
    expect(h.sent.map((f) => f.command)).toEqual(['ERROR']);
    expect(h.headersOf(h.sent[0]).message).toBe(message);
    expect(h.closed()).toBe(1002);
  });

  it.each([
    ['another destination', 'SUBSCRIBE\nid:0\ndestination:/elsewhere\n\n\0', 'SUBSCRIBE: unknown destination'],
    ['a subscription without id', 'SUBSCRIBE\ndestination:/only\n\n\0', 'SUBSCRIBE: id is required (at most 128 characters)'],
    ['ack:client', 'SUBSCRIBE\nid:0\ndestination:/only\nack:client\n\n\0', 'SUBSCRIBE: only ack:auto is supported'],
    ['an id in use', 'SUBSCRIBE\nid:0\ndestination:/only\n\n\0SUBSCRIBE\nid:0\ndestination:/only\n\n\0', 'SUBSCRIBE: id already in use'],
    ['too many subscriptions', [0, 1, 2].map((i) => `SUBSCRIBE\nid:${i}\ndestination:/only\n\n\0`).join(''), 'SUBSCRIBE: at most 2 subscriptions per connection'],
    ['an unknown subscription id', 'UNSUBSCRIBE\nid:9\n\n\0', 'UNSUBSCRIBE: unknown subscription id'],
    ['SEND', 'SEND\ndestination:/only\n\nhi\0', 'SEND is not supported here'],
    ['a second CONNECT', connect(), 'already connected'],
    ['an unknown command', 'HELLO\n\n\0', 'unknown command HELLO'],
    ['a frame over the size limit', 'SEND\n\n' + 'x'.repeat(defaultStompLimits.maxFrameBytes + 1), `frame over ${defaultStompLimits.maxFrameBytes} bytes`],
  ])('after CONNECT, answers %s with ERROR and closes', async (_name, text, message) => {
    const h = harness();
    await h.feed(connect(), text);
    expect(h.sent.map((f) => f.command)).toEqual(['CONNECTED', 'ERROR']);
    expect(h.headersOf(h.sent[1]).message).toBe(message);
    expect(h.closed()).toBe(1002);
    expect(h.events.at(-1)).toBe('closed');
  });

  it('answers bad bytes after the frames before them: CONNECT and an oversize frame in one message get CONNECTED, then ERROR', async () => {
    const h = harness();
    await h.feed(connect() + 'SUBSCRIBE\nid:0\ndestination:/only\n\n' + 'x'.repeat(defaultStompLimits.maxFrameBytes) + '\0');
    expect(h.sent.map((f) => `${f.command} ${h.headersOf(f).message ?? ''}`)).toEqual(['CONNECTED ', `ERROR frame over ${defaultStompLimits.maxFrameBytes} bytes`]);
    expect(h.events).toEqual(['connected visitor-1', 'closed']);
  });

  it('uses the handshake credentials when CONNECT carries none; accepts ACK and transactions silently', async () => {
    const h = harness({ handshakeAuthorization: 'Bearer good' });
    await h.feed('CONNECT\naccept-version:1.2\n\n\0', 'ACK\nid:1\n\n\0BEGIN\ntransaction:t\n\n\0\n\n');
    expect(h.sent.map((f) => f.command)).toEqual(['CONNECTED']);
    expect(h.closed()).toBeUndefined();
  });
});
