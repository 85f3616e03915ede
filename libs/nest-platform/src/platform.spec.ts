import 'reflect-metadata';
import { Controller, Get, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { Authenticator, generateSecret, issueUserToken, type Principal } from '@platform/auth';
import type { RequestBody } from '@platform/chat-domain';
import { jsonLogger, type LogFields } from '@platform/common';
import { MetricsRegistry } from '@platform/metrics';
import { bootstrapApi } from './bootstrap';
import { ChatBody } from './chat-body.decorator';
import { ChatEndpoint } from './chat-endpoint.decorator';
import { PlatformModule } from './platform.module';
import { CurrentPrincipal } from './principal.decorator';
import { Public } from './public.decorator';
import { RetryLaterException } from './retry-later.exception';

const systemToken = generateSecret();
const jwtSecret = generateSecret();

@Controller()
class ChatController {
  @ChatEndpoint('conversations.list')
  list(@ChatBody('conversations.list') body: RequestBody<'conversations.list'>, @CurrentPrincipal() principal: Principal) {
    return { data: [], body, principal };
  }

  @Post('tags.list')
  @HttpCode(200)
  tags(@ChatBody('tags.list') body: RequestBody<'tags.list'>) {
    return { data: [], body };
  }

  @Public()
  @Post('chatplugin.send')
  @HttpCode(200)
  send(@ChatBody('chatplugin.send') body: RequestBody<'chatplugin.send'>, @CurrentPrincipal() principal: Principal | undefined) {
    return { echoed: body.message, principal: principal ?? null };
  }

  @Post('conversations.info')
  restoring(): never {
    throw new RetryLaterException('store conversations is restoring', 2);
  }

  @Post('messages.resend')
  broken(): never {
    throw new Error('database exploded');
  }

  /** Public by path (as nest-streams' health controller is), without the decorator. */
  @Get('health/live')
  live() {
    return { status: 'UP' };
  }
}

describe('PlatformModule with bootstrapApi', () => {
  const logs: Array<LogFields & { level: string; msg: string }> = [];
  const metrics = new MetricsRegistry();
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    @Module({
      imports: [
        PlatformModule.forRoot({
          authenticator: new Authenticator({ systemToken, jwtSecret }),
          metrics,
          logger: jsonLogger({ level: 'info', write: (line) => logs.push(JSON.parse(line)) }),
          openapi: {
            title: 'Test API',
            version: '1.2.3',
            endpoints: ['conversations.list', 'tags.create', { name: 'chatplugin.send', public: true, errors: [409] }],
          },
        }),
      ],
      controllers: [ChatController],
    })
    class TestModule {}
    const started = await bootstrapApi(TestModule, {
      port: 0,
      host: '127.0.0.1',
      logger: jsonLogger({ level: 'warn', write: (line) => logs.push(JSON.parse(line)) }),
      bodyLimit: 1024,
      cors: ['https://agent.example'],
    });
    app = started.app;
    url = started.url;
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('listens on the URL it reports', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 401 { message } without a token and with a bad one', async () => {
    const missing = await post('/conversations.list', {});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: 'missing Authorization header' });
    const bad = await post('/conversations.list', {}, bearer('not-the-token'));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ message: 'invalid token' });
    const forged = await post('/conversations.list', {}, bearer(await issueUserToken(generateSecret(), 'mallory')));
    expect(forged.status).toBe(401);
  });

  it('answers 200 with the system token and with a user JWT, passing the principal', async () => {
    const system = await post('/conversations.list', { page_size: 5 }, bearer(systemToken));
    expect(system.status).toBe(200);
    expect(await system.json()).toEqual({ data: [], body: { page_size: 5 }, principal: { kind: 'system' } });
    const user = await post('/conversations.list', {}, bearer(await issueUserToken(jwtSecret, 'agent-1', 'Ada', 60)));
    expect(user.status).toBe(200);
    expect(((await user.json()) as { principal: unknown }).principal).toEqual({ kind: 'user', userId: 'agent-1', name: 'Ada' });
  });

  it('lets @Public() routes and public paths through without a token', async () => {
    const send = await post('/chatplugin.send', { message: { text: 'hi' } });
    expect(send.status).toBe(200);
    expect(await send.json()).toEqual({ echoed: { text: 'hi' }, principal: null });
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
  });

  it('answers 400 naming the field for a bad body', async () => {
    const res = await post('/conversations.list', { page_size: 0 }, bearer(systemToken));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'page_size must be at least 1' });
    const missing = await post('/chatplugin.send', {});
    expect(await missing.json()).toEqual({ message: 'message is required' });
    const array = await post('/conversations.list', [1], bearer(systemToken));
    expect(array.status).toBe(400);
  });

  it('treats a request without a body as {} and refuses a non-JSON body with 415', async () => {
    const empty = await fetch(`${url}/tags.list`, { method: 'POST', headers: bearer(systemToken) });
    expect(empty.status).toBe(200);
    const required = await fetch(`${url}/chatplugin.send`, { method: 'POST' });
    expect(await required.json()).toEqual({ message: 'message is required' });
    const text = await fetch(`${url}/tags.list`, {
      method: 'POST',
      headers: { ...bearer(systemToken), 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({ message: 'Content-Type must be application/json' });
  });

  it('answers 400 for malformed JSON and 413 over the body limit', async () => {
    const malformed = await post('/conversations.list', '{"page_size": ', bearer(systemToken));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ message: 'body is not valid JSON' });
    const large = await post('/conversations.list', { filters: 'x'.repeat(2000) }, bearer(systemToken));
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ message: 'body too large (limit 1024 bytes)' });
  });

  it('answers 404 JSON for an unknown route', async () => {
    const res = await post('/nothing.here', {}, bearer(systemToken));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ message: 'Cannot POST /nothing.here' });
    // No ETag: bodies are not hashed for revalidation a POST API never uses.
    expect(res.headers.get('etag')).toBeNull();
    const get = await fetch(`${url}/nope`);
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual({ message: 'Cannot GET /nope' });
  });

  it('answers 503 with Retry-After, and 500 internal error logged with its stack', async () => {
    const restoring = await post('/conversations.info', { conversation_id: 'c' }, bearer(systemToken));
    expect(restoring.status).toBe(503);
    expect(restoring.headers.get('retry-after')).toBe('2');
    expect(await restoring.json()).toEqual({ message: 'store conversations is restoring' });
    const broken = await post('/messages.resend', { message_id: 'm' }, bearer(systemToken));
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ message: 'internal error' });
    const logged = logs.find((line) => line.msg === 'request failed' && line.error === 'database exploded');
    expect(logged).toMatchObject({ level: 'error', method: 'POST', path: '/messages.resend', status: 500 });
    expect(String(logged?.stack)).toContain('database exploded');
  });

  it('answers CORS preflights for configured origins only', async () => {
    const allowed = await fetch(`${url}/conversations.list`, {
      method: 'OPTIONS',
      headers: { origin: 'https://agent.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://agent.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Authorization');
    const other = await fetch(`${url}/conversations.list`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the OpenAPI document of the listed endpoints without a token', async () => {
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a JSON document
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info).toEqual({ title: 'Test API', version: '1.2.3' });
    expect(Object.keys(doc.paths)).toEqual(['/conversations.list', '/tags.create', '/chatplugin.send']);
    const list = doc.paths['/conversations.list'].post;
    expect(list.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(list.responses)).toEqual(['200', '400', '401', '404', '503']);
    expect(list.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.paths['/chatplugin.send'].post.security).toEqual([]);
    expect(Object.keys(doc.paths['/chatplugin.send'].post.responses)).toContain('409');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.TagsCreateRequest).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        color: { type: 'string', enum: expect.arrayContaining(['tag-red']) },
      },
      required: ['name', 'color'],
    });
    expect(doc.components.schemas.ConversationsListRequest.properties.page_size).toEqual({ type: 'integer', minimum: 1, maximum: 1000 });
  });

  it('counts requests by method, matched route and status', async () => {
    const text = await metrics.metrics();
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/conversations\.list",status="200"\} [1-9]/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/conversations\.list",status="401"\} 3/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/conversations\.list",status="400"\} [1-9]/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="unmatched",status="404"\} 1/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/conversations\.list"\} [1-9]/);
  });
});
