import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Authenticator, generateSecret } from '@platform/auth';
import { silentLogger } from '@platform/common';
import { rateLimitMessage, type RateLimitedRequest } from '@platform/nest-platform';
import WebSocket from 'ws';
import { SocketHub } from '../delivery/socket-hub';
import { VisitorWebsocket } from '../delivery/visitor-websocket';
import { VisitorTokens } from '../visitor/visitor-tokens';
import { visitorRateLimitPolicy } from './visitor-rate-limits';

const systemToken = generateSecret();
const authenticator = new Authenticator({ systemToken, jwtSecret: generateSecret() });
const tokens = new VisitorTokens({ secret: generateSecret() });
const config = { trustedProxies: ['loopback'], visitorRateLimit: { perAddress: 3, perChannel: 4, windowMs: 60_000 } };

const request = (peer: string, options: { forwardedFor?: string; body?: unknown; authorization?: string; url?: string } = {}): RateLimitedRequest & { url?: string } => ({
  socket: { remoteAddress: peer },
  headers: {
    ...(options.forwardedFor !== undefined ? { 'x-forwarded-for': options.forwardedFor } : {}),
    ...(options.authorization !== undefined ? { authorization: options.authorization } : {}),
  },
  body: options.body,
  ...(options.url !== undefined ? { url: options.url } : {}),
});

describe('visitorRateLimitPolicy', () => {
  it('limits per client address, read from X-Forwarded-For only behind a trusted proxy', async () => {
    const policy = visitorRateLimitPolicy({ config, tokens, authenticator, now: () => 0 });
    for (let i = 0; i < 3; i++) expect((await policy.check(request('127.0.0.1', { forwardedFor: '198.51.100.1' }))).allowed).toBe(true);
    expect(await policy.check(request('127.0.0.1', { forwardedFor: '198.51.100.1' }))).toEqual({ allowed: false, retryAfterSeconds: 60, scope: 'client address' });
    expect((await policy.check(request('127.0.0.1', { forwardedFor: '198.51.100.2' }))).allowed).toBe(true);
    // An untrusted peer cannot pick its key with the header.
    for (let i = 0; i < 3; i++) await policy.check(request('203.0.113.9', { forwardedFor: `10.0.0.${i}` }));
    expect((await policy.check(request('203.0.113.9', { forwardedFor: '10.0.0.99' }))).allowed).toBe(false);
  });

  it('limits per channel: the body channel_id, a visitor token or a resume token', async () => {
    const policy = visitorRateLimitPolicy({ config, tokens, authenticator, now: () => 0 });
    const identity = { channelId: 'ch-1', conversationId: 'conv-1' };
    const requests = [
      request('192.0.2.1', { body: { channel_id: 'ch-1' } }),
      request('192.0.2.2', { authorization: `Bearer ${await tokens.issueVisitorToken(identity)}`, body: { message: { text: 'hi' } } }),
      request('192.0.2.3', { body: { resume_token: await tokens.issueResumeToken(identity) } }),
      request('192.0.2.4', { authorization: `Bearer ${await tokens.issueVisitorToken(identity)}` }),
    ];
    for (const req of requests) expect((await policy.check(req)).allowed).toBe(true);
    expect(await policy.check(request('192.0.2.5', { body: { channel_id: 'ch-1' } }))).toMatchObject({ allowed: false, scope: 'channel' });
    expect((await policy.check(request('192.0.2.6', { body: { channel_id: 'ch-2' } }))).allowed).toBe(true);
    // A forged token names no channel: counted per address only.
    for (let i = 0; i < 3; i++) expect((await policy.check(request('192.0.2.7', { authorization: 'Bearer forged.token.here' }))).allowed).toBe(true);
    // Bodies of any shape are keyed safely.
    const shapes = [[], 'text', 5, null, { channel_id: 7 }, { __proto__: { channel_id: 'ch-1' } }, JSON.parse('{"__proto__":{"channel_id":"ch-1"}}')];
    for (const [i, body] of shapes.entries()) expect((await policy.check(request(`192.0.2.${100 + i}`, { body }))).allowed).toBe(true);
  });

  it('does not limit callers with the system token (the Airy form of chatplugin.resumeToken)', async () => {
    const policy = visitorRateLimitPolicy({ config, tokens, authenticator, now: () => 0 });
    for (let i = 0; i < 10; i++) {
      expect((await policy.check(request('192.0.2.9', { authorization: `Bearer ${systemToken}`, body: { channel_id: 'ch-9', conversation_id: 'c' } }))).allowed).toBe(true);
    }
  });
});

describe('VisitorWebsocket admission', () => {
  const server = http.createServer();
  const policy = visitorRateLimitPolicy({ config: { ...config, visitorRateLimit: { perAddress: 2, perChannel: 100, windowMs: 60_000 } }, tokens, authenticator, now: () => 0 });
  const websocket = new VisitorWebsocket({
    hub: new SocketHub(),
    delivery: { onConnect: async () => undefined },
    authenticate: (token) => tokens.verifyVisitorToken(token ?? ''),
    admit: async (req) => {
      const verdict = await policy.check(req);
      return verdict.allowed ? undefined : { retryAfterSeconds: verdict.retryAfterSeconds, message: rateLimitMessage(verdict.scope) };
    },
    logger: silentLogger,
  });
  let url: string;

  beforeAll(async () => {
    websocket.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws.chatplugin`;
  });

  afterAll(async () => {
    await websocket.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const connect = () =>
    new Promise<{ status: number; retryAfter?: string; body?: string }>((resolve, reject) => {
      const socket = new WebSocket(url, ['v12.stomp']);
      socket.once('open', () => {
        socket.close();
        resolve({ status: 101 });
      });
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
      });
      socket.once('error', reject);
    });

  it('answers 429 with Retry-After past the limit, before the upgrade', async () => {
    expect((await connect()).status).toBe(101);
    expect((await connect()).status).toBe(101);
    const refused = await connect();
    expect(refused).toEqual({ status: 429, retryAfter: '60', body: JSON.stringify({ message: 'too many requests for this client address, retry later' }) });
  });
});
