import 'reflect-metadata';
import { gzipSync } from 'node:zlib';
import { Body, Controller, Get, HttpCode, Inject, Module, Post, Res, type INestApplication } from '@nestjs/common';
import { Authenticator, generateSecret, issueUserToken } from '@platform/auth';
import type { RequestBody } from '@platform/chat-domain';
import { jsonLogger } from '@platform/common';
import { MetricsRegistry } from '@platform/metrics';
import { bootstrapApi } from './bootstrap';
import { ChatBody } from './chat-body.decorator';
import { clientAddress, TrustedProxies } from './client-address';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';
import { RateLimitPolicy, type RateLimitedRequest } from './rate-limit/rate-limit-policy';
import { RateLimit } from './rate-limit/rate-limit.guard';
import { RetryLaterException } from './retry-later.exception';
import { securityHeaders } from './security-headers';

const systemToken = generateSecret();
const jwtSecret = generateSecret();
const trusted = new TrustedProxies(['loopback']);
const REGISTRY = Symbol('registry');

function channelOf(req: RateLimitedRequest): string | undefined {
  const body = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const channel = (body as { channel_id?: unknown }).channel_id;
  return typeof channel === 'string' ? channel : undefined;
}

@Public()
@Controller()
class HardeningController {
  /** Echoes any JSON body back (through JSON.stringify), unvalidated. */
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return { body };
  }

  @Post('chatplugin.send')
  @HttpCode(200)
  send(@ChatBody('chatplugin.send') body: RequestBody<'chatplugin.send'>) {
    return { message: body.message };
  }

  @RateLimit('visitor')
  @Post('chatplugin.authenticate')
  @HttpCode(200)
  authenticate() {
    return { token: 'a-token' };
  }

  @Post('restoring')
  restoring(): never {
    throw new RetryLaterException('store restoring', 3);
  }

  @Get('health/live')
  live() {
    return { status: 'UP' };
  }
}

/** `/metrics` as nest-streams' health controller serves it. */
@Controller()
class MetricsController {
  constructor(@Inject(REGISTRY) private readonly registry: MetricsRegistry) {}

  @Get('metrics')
  async metrics(@Res() res: { send(body: string): unknown }) {
    res.send(await this.registry.metrics());
  }
}

async function start(management: boolean, metrics: MetricsRegistry, now: () => number) {
  @Module({
    imports: [
      PlatformModule.forRoot({
        authenticator: new Authenticator({ systemToken, jwtSecret }),
        metrics,
        logger: jsonLogger({ level: 'error', write: () => undefined }),
        openapi: { title: 'hardening', version: '1', endpoints: [] },
        rateLimits: {
          visitor: new RateLimitPolicy(
            [
              { scope: 'client address', limit: 3, windowMs: 60_000, key: (req) => clientAddress(req, trusted) },
              { scope: 'channel', limit: 5, windowMs: 60_000, key: channelOf },
            ],
            now,
          ),
        },
      }),
    ],
    controllers: [HardeningController, MetricsController],
    providers: [{ provide: REGISTRY, useValue: metrics }],
  })
  class HardeningModule {}
  return bootstrapApi(HardeningModule, {
    port: 0,
    host: '127.0.0.1',
    logger: jsonLogger({ level: 'error', write: () => undefined }),
    bodyLimit: '1mb',
    maxBodyDepth: 32,
    cors: '*',
    ...(management ? { management: { port: 0 } } : {}),
  });
}

describe('bootstrapApi hardening', () => {
  let clock = 0;
  const metrics = new MetricsRegistry();
  let app: INestApplication;
  let url: string;
  let managed: INestApplication;
  let managedUrl: string;
  let managementUrl: string;

  beforeAll(async () => {
    ({ app, url } = await start(false, metrics, () => clock));
    const second = await start(true, new MetricsRegistry(), () => clock);
    managed = second.app;
    managedUrl = second.url;
    managementUrl = second.managementUrl!;
  });

  afterAll(async () => {
    await app?.close();
    await managed?.close();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const deep = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

  describe('body nesting depth', () => {
    it('accepts a body exactly at the limit and refuses one level deeper with 400 naming it', async () => {
      const atLimit = await post('/echo', deep(32));
      expect(atLimit.status).toBe(200);
      expect(JSON.stringify(((await atLimit.json()) as { body: unknown }).body)).toBe(deep(32));
      const over = await post('/echo', deep(33));
      expect(over.status).toBe(400);
      expect(await over.json()).toEqual({ message: 'body nesting deeper than 32 levels' });
    });

    it('refuses 10,000 levels with 400 on validated and unvalidated routes (arrays and objects)', async () => {
      for (const path of ['/echo', '/chatplugin.send']) {
        for (const body of [deep(10_000), `{"message":{"text":"x","content":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`]) {
          const res = await post(path, body);
          expect({ path, status: res.status }).toEqual({ path, status: 400 });
          expect(await res.json()).toEqual({ message: 'body nesting deeper than 32 levels' });
        }
      }
    });

    it('does not count brackets inside strings', async () => {
      const res = await post('/chatplugin.send', JSON.stringify({ message: { text: '['.repeat(5000) + '{'.repeat(5000) } }));
      expect(res.status).toBe(200);
    });
  });

  describe('no 5xx for any body shape', () => {
    const shapes: Array<[string, string | Buffer, Record<string, string>, number]> = [
      ['array', '[1,2,3]', {}, 400],
      ['number', '5', {}, 400],
      ['string', '"text"', {}, 400],
      ['null', 'null', {}, 400],
      ['true', 'true', {}, 400],
      ['huge number', `{"message":{"text":"x"},"n":1${'0'.repeat(5000)}}`, {}, 200],
      ['unicode', JSON.stringify({ message: { text: '日本語 😀 \u0000 \u202e' } }), {}, 200],
      ['lone surrogate escape', '{"message":{"text":"\\ud800"}}', {}, 200],
      ['duplicate keys', '{"message":{"text":"a"},"message":{"text":"b"}}', {}, 200],
      ['__proto__ key', '{"__proto__":{"polluted":1},"message":{"text":"x"}}', {}, 200],
      ['constructor key', '{"constructor":{"prototype":{"polluted":1}},"message":{"text":"x"}}', {}, 200],
      ['no message', '{"text":"x"}', {}, 400],
      ['empty body', '', {}, 400],
      ['whitespace body', '   ', {}, 400],
      ['truncated', '{"message":', {}, 400],
      ['trailing garbage', '{"message":{"text":"x"}} x', {}, 400],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), {}, 400],
      ['text/plain', '{"message":{"text":"x"}}', { 'content-type': 'text/plain' }, 415],
      ['form', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
      ['UTF-16 charset', '{"message":{"text":"x"}}', { 'content-type': 'application/json; charset=utf-16le' }, 415],
      ['unknown charset', '{}', { 'content-type': 'application/json; charset=klingon' }, 415],
      ['unknown encoding', '{}', { 'content-encoding': 'br2' }, 415],
      ['broken gzip', Buffer.from('not gzip'), { 'content-encoding': 'gzip' }, 400],
      ['gzip over the limit once inflated', gzipSync(Buffer.from(`{"message":{"text":"${'x'.repeat(2 * 1024 * 1024)}"}}`)), { 'content-encoding': 'gzip' }, 413],
      ['gzip deep', gzipSync(Buffer.from(deep(10_000))), { 'content-encoding': 'gzip' }, 400],
    ];

    it.each(shapes)('%s answers %i with a JSON message, never 5xx', async (_name, body, headers, status) => {
      const res = await post('/chatplugin.send', body, headers);
      expect(res.status).toBe(status);
      if (status !== 200) expect(await res.json()).toEqual({ message: expect.any(String) });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (res: Response) => {
      for (const [name, value] of Object.entries(securityHeaders)) expect({ name, value: res.headers.get(name) }).toEqual({ name, value });
    };

    it('are on every answer: 200, 4xx, 413, 404, 503, preflight and probes', async () => {
      const answers = [
        await post('/chatplugin.authenticate', '{}', { 'x-forwarded-for': '192.0.2.200' }),
        await post('/chatplugin.send', '{}'),
        await post('/chatplugin.send', `{"message":{"text":"${'x'.repeat(1024 * 1024)}"}}`),
        await post('/nowhere', '{}'),
        await post('/restoring', '{}'),
        await fetch(`${url}/echo`, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } }),
        await fetch(`${url}/health/live`),
        await fetch(`${url}/metrics`),
        await fetch(`${url}/openapi.json`),
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 400, 413, 404, 503, 204, 200, 401, 200]);
      for (const res of answers) expectSecurityHeaders(res);
      expect(answers[0]!.headers.get('cache-control')).toBe('no-store');
    });

    it('are on answers of the management port too', async () => {
      expectSecurityHeaders(await fetch(`${managementUrl}/metrics`));
    });
  });

  describe('/metrics', () => {
    it('without a management port: only with the system token on the public port', async () => {
      const anonymous = await fetch(`${url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ message: expect.stringContaining('/metrics needs the system token') });
      const user = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${await issueUserToken(jwtSecret, 'agent-1')}` } });
      expect(user.status).toBe(403);
      const system = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } });
      expect(system.status).toBe(200);
      expect(await system.text()).toContain('http_requests_total');
    });

    it('with a management port: served there without a token, 404 on the public port', async () => {
      expect(managementUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(managementUrl).not.toBe(managedUrl);
      const scraped = await fetch(`${managementUrl}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('http_requests_total');
      expect((await fetch(`${managementUrl}/health/live`)).status).toBe(200);
      const publicMetrics = await fetch(`${managedUrl}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } });
      expect(publicMetrics.status).toBe(404);
      expect(await publicMetrics.json()).toEqual({ message: 'Cannot GET /metrics' });
      expect((await fetch(`${managedUrl}/health/live`)).status).toBe(200);
    });

    it('the management port serves nothing else', async () => {
      const api = await fetch(`${managementUrl}/chatplugin.send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":{"text":"x"}}' });
      expect(api.status).toBe(404);
      expect(await api.json()).toEqual({ message: 'Cannot POST /chatplugin.send' });
      expect((await fetch(`${managementUrl}/openapi.json`)).status).toBe(404);
    });
  });

  describe('rate limits', () => {
    beforeEach(() => {
      clock += 3_600_000; // a fresh window for every test
    });
    const authenticate = (ip: string, channel = 'c-1') => post('/chatplugin.authenticate', JSON.stringify({ channel_id: channel }), { 'x-forwarded-for': ip });

    it('answers 429 with Retry-After and a JSON message past the per-address limit', async () => {
      for (let i = 0; i < 3; i++) expect((await authenticate('198.51.100.1')).status).toBe(200);
      clock += 20_000;
      const refused = await authenticate('198.51.100.1');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('40');
      expect(await refused.json()).toEqual({ message: 'too many requests for this client address, retry later' });
      // Another client (the trusted proxy forwards its address) is not affected.
      expect((await authenticate('198.51.100.2')).status).toBe(200);
      clock += 40_000;
      expect((await authenticate('198.51.100.1')).status).toBe(200);
    });

    it('limits a channel across client addresses', async () => {
      for (let i = 0; i < 5; i++) expect((await authenticate(`203.0.113.${i}`, 'busy')).status).toBe(200);
      const refused = await authenticate('203.0.113.50', 'busy');
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ message: 'too many requests for this channel, retry later' });
      expect(refused.headers.get('retry-after')).toBe('60');
      expect((await authenticate('203.0.113.51', 'quiet')).status).toBe(200);
    });

    it('leaves routes without @RateLimit alone', async () => {
      for (let i = 0; i < 10; i++) expect((await post('/chatplugin.send', '{"message":{"text":"x"}}', { 'x-forwarded-for': '198.51.100.9' })).status).toBe(200);
    });
  });
});
