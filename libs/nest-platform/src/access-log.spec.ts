import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, Req, type INestApplication } from '@nestjs/common';
import { Authenticator, generateSecret } from '@platform/auth';
import { jsonLogger } from '@platform/common';
import { MetricsRegistry } from '@platform/metrics';
import { bootstrapApi } from './bootstrap';
import type { PlatformRequest } from './http';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';
import { isSaneRequestId, requestIdFrom } from './request-id';
import { RetryLaterException } from './retry-later.exception';

type Line = Record<string, unknown>;

/** Log lines as they are written, and a promise for the first line a predicate accepts (no polling, no clock). */
class Lines {
  readonly all: Line[] = [];
  private readonly waiting: { match: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];

  readonly write = (raw: string): void => {
    const line = JSON.parse(raw) as Line;
    this.all.push(line);
    for (const waiter of this.waiting.splice(0)) {
      if (waiter.match(line)) waiter.resolve(line);
      else this.waiting.push(waiter);
    }
  };

  next(match: (line: Line) => boolean): Promise<Line> {
    const seen = this.all.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiting.push({ match, resolve }));
  }

  /** The access log line of the request with this id. */
  access(requestId: string): Promise<Line> {
    return this.next((line) => line.component === 'http' && line.requestId === requestId);
  }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const systemToken = generateSecret();

@Controller()
class RequestIdController {
  /** What the handler (and anything passing the request's headers on, like owner forwarding) sees. */
  @Public()
  @Post('echo')
  @HttpCode(200)
  echo(@Req() req: PlatformRequest, @Body() _body: unknown) {
    return { requestId: req.headers['x-request-id'] };
  }

  @Post('private')
  @HttpCode(200)
  private() {
    return { ok: true };
  }

  @Public()
  @Post('broken')
  broken(): never {
    throw new Error('database exploded');
  }

  @Public()
  @Post('restoring')
  restoring(): never {
    throw new RetryLaterException('store restoring', 2);
  }

  @Public()
  @Get('health/live')
  live() {
    return { status: 'UP' };
  }
}

describe('request ids', () => {
  it('accepts 1–128 characters of [A-Za-z0-9._:-] and nothing else', () => {
    for (const good of ['a', 'req-1', '0f8fad5b-d9cb-469f-a165-70867728950e', 'trace:span.1_2', 'x'.repeat(128)]) {
      expect(isSaneRequestId(good)).toBe(true);
      expect(requestIdFrom(good)).toBe(good);
    }
    for (const bad of ['', 'x'.repeat(129), 'a b', 'a,b', 'a, b', 'line\nbreak', '"quoted"', '<script>', 'ünï', 'a/b']) {
      expect(isSaneRequestId(bad)).toBe(false);
      expect(requestIdFrom(bad)).toMatch(uuid);
    }
    expect(isSaneRequestId(['a', 'b'])).toBe(false);
    expect(requestIdFrom(undefined)).toMatch(uuid);
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('access log and x-request-id through bootstrapApi', () => {
  const lines = new Lines();
  let app: INestApplication;
  let url: string;
  let managementUrl: string;

  beforeAll(async () => {
    @Module({
      imports: [
        PlatformModule.forRoot({
          authenticator: new Authenticator({ systemToken, jwtSecret: generateSecret() }),
          metrics: new MetricsRegistry(),
          logger: jsonLogger({ level: 'info', write: lines.write }).child({ component: 'platform' }),
          openapi: { title: 'request ids', version: '1', endpoints: [] },
        }),
      ],
      controllers: [RequestIdController],
    })
    class RequestIdModule {}
    const started = await bootstrapApi(RequestIdModule, {
      port: 0,
      host: '127.0.0.1',
      logger: jsonLogger({ level: 'info', write: lines.write }),
      bodyLimit: 64,
      cors: '*',
      trustedProxies: ['loopback'],
      management: { port: 0 },
    });
    app = started.app;
    url = started.url;
    managementUrl = started.managementUrl!;
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('echoes a sane incoming id, hands it to the handler and logs one access line with it', async () => {
    const response = await post('/echo?secret=query-value', '{"password":"body-secret"}', {
      'x-request-id': 'client-id.1:2_3',
      authorization: 'Bearer header-secret',
      'x-forwarded-for': '203.0.113.9',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('client-id.1:2_3');
    expect(await response.json()).toEqual({ requestId: 'client-id.1:2_3' });
    const line = await lines.access('client-id.1:2_3');
    expect(line).toEqual({
      level: 'info',
      time: expect.any(String),
      component: 'http',
      method: 'POST',
      path: '/echo',
      status: 200,
      durationMs: expect.any(Number),
      requestId: 'client-id.1:2_3',
      client: '203.0.113.9',
      msg: 'request',
    });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    const written = JSON.stringify(lines.all);
    for (const secret of ['query-value', 'body-secret', 'header-secret']) expect(written).not.toContain(secret);
    expect(lines.all.filter((l) => l.requestId === 'client-id.1:2_3')).toHaveLength(1);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with a comma', 'a,b'],
    ['with a quote', 'a"b'],
    ['empty', ''],
  ])('replaces an id %s with a new UUID, the same one for the handler, the answer and the log', async (_what, sent) => {
    const response = await post('/echo', '{}', { 'x-request-id': sent });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(uuid);
    expect(await response.json()).toEqual({ requestId: id });
    expect(await lines.access(id!)).toMatchObject({ path: '/echo', status: 200 });
  });

  it('gives a request without an id a new UUID each time', async () => {
    const [a, b] = await Promise.all([post('/echo', '{}'), post('/echo', '{}')]);
    expect(a.headers.get('x-request-id')).toMatch(uuid);
    expect(b.headers.get('x-request-id')).toMatch(uuid);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it.each<[string, () => Promise<Response>, number]>([
    ['a 500 of a handler', () => post('/broken', '{}', { 'x-request-id': 'err-500' }), 500],
    ['a 503 with Retry-After', () => post('/restoring', '{}', { 'x-request-id': 'err-503' }), 503],
    ['a 401 of the auth guard', () => post('/private', '{}', { 'x-request-id': 'err-401' }), 401],
    ['a 400 for invalid JSON (body parser)', () => post('/echo', '{not json', { 'x-request-id': 'err-400' }), 400],
    ['a 413 for a body over the limit', () => post('/echo', JSON.stringify({ pad: 'x'.repeat(100) }), { 'x-request-id': 'err-413' }), 413],
    ['a 404 for an unknown route', () => post('/nowhere', '{}', { 'x-request-id': 'err-404' }), 404],
    ['a 404 for /metrics on the public port (there is a management port)', () => fetch(`${url}/metrics`, { headers: { 'x-request-id': 'err-metrics' } }), 404],
    ['a 404 of the management port', () => fetch(`${managementUrl}/echo`, { headers: { 'x-request-id': 'err-mgmt' } }), 404],
    ['a preflight', () => fetch(`${url}/echo`, { method: 'OPTIONS', headers: { origin: 'https://x.example', 'access-control-request-method': 'POST', 'x-request-id': 'preflight' } }), 204],
  ])('returns the id on %s and logs it', async (_what, send, status) => {
    const response = await send();
    expect(response.status).toBe(status);
    const id = response.headers.get('x-request-id')!;
    expect(id).toMatch(/^(err-|preflight)/);
    await response.arrayBuffer();
    expect(await lines.access(id)).toMatchObject({ status, requestId: id });
  });

  it('logs an unexpected error with the request id', async () => {
    await post('/broken', '{}', { 'x-request-id': 'logged-500' });
    expect(await lines.next((line) => line.msg === 'request failed' && line.requestId === 'logged-500')).toMatchObject({
      level: 'error',
      component: 'platform',
      status: 500,
      error: 'database exploded',
    });
  });

  it('exposes x-request-id to browsers', async () => {
    const response = await fetch(`${url}/health/live`, { headers: { origin: 'https://x.example' } });
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});
