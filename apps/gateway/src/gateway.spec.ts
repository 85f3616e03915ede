import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { silentLogger } from '@platform/common';
import { MetricsRegistry } from '@platform/metrics';
import { securityHeaders } from '@platform/nest-platform';
import WebSocket, { WebSocketServer } from 'ws';
import { startGateway } from './app/start-gateway';
import { parseGatewayConfig } from './config';

/** A stand-in app: echoes what it received, serves probes and a one-path OpenAPI document. */
function upstreamApp(name: string, path: string) {
  const seen: Array<{ method: string; url: string }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    if (req.url === '/health/live') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP"}');
    if (req.url === '/openapi.json') {
      const doc = {
        openapi: '3.0.3',
        info: { title: name, version: '1' },
        paths: { [path]: { post: { operationId: path.slice(1) } } },
        components: { schemas: { Error: { type: 'object' }, [`${name}Request`]: { type: 'object' } } },
      };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
    }
    if (req.url?.startsWith('/messages.missing')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"unknown message"}');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(201, 'Created Here', { 'content-type': 'application/json', 'x-upstream': name, 'access-control-allow-origin': '*' });
      res.end(
        JSON.stringify({
          upstream: name,
          method: req.method,
          url: req.url,
          headers: req.headers,
          length: body.length,
          sha256: createHash('sha256').update(body).digest('hex'),
          text: body.length < 1000 ? body.toString('utf8') : undefined,
        }),
      );
    });
  });
  return { server, seen };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking JSON answers
const json = (res: Response): Promise<any> => res.json();

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  const url = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

const systemToken = randomBytes(24).toString('base64url');

function expectSecurityHeaders(res: Response | http.IncomingMessage): void {
  for (const [name, value] of Object.entries(securityHeaders)) {
    const actual = res instanceof Response ? res.headers.get(name) : res.headers[name.toLowerCase()];
    expect({ name, value: actual }).toEqual({ name, value });
  }
}

describe('gateway', () => {
  const communication = upstreamApp('communication', '/conversations.list');
  const chatplugin = upstreamApp('chatplugin', '/chatplugin.send');
  const visitorSockets = new WebSocketServer({ server: chatplugin.server, path: '/ws.chatplugin' });
  const upgrades: http.IncomingMessage[] = [];
  visitorSockets.on('connection', (socket, req) => {
    upgrades.push(req);
    socket.on('message', (data) => socket.send(`echo:${data.toString()}`));
  });
  const registry = new MetricsRegistry();
  let gateway: INestApplication;
  let url: string;

  beforeAll(async () => {
    const routes = {
      communication: await listen(communication.server),
      chatplugin: await listen(chatplugin.server),
      admin: await closedPortUrl(),
    };
    const config = parseGatewayConfig({ PORT: '0', GATEWAY_ROUTES: JSON.stringify(routes), CORS_ORIGINS: 'https://agent.example', AUTH_SYSTEM_TOKEN: systemToken });
    ({ app: gateway, url } = await startGateway(config, silentLogger, registry));
  });

  afterAll(async () => {
    await gateway?.close();
    for (const client of visitorSockets.clients) client.terminate();
    visitorSockets.close();
    communication.server.closeAllConnections();
    chatplugin.server.closeAllConnections();
    await Promise.all([communication.server, chatplugin.server].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('routes by path and passes method, query, body, status and headers through', async () => {
    const res = await fetch(`${url}/conversations.list?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc', 'x-forwarded-for': '10.0.0.9' },
      body: '{"filters":"unread_count:[1 TO *]"}',
    });
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Created Here');
    expect(res.headers.get('x-upstream')).toBe('communication');
    const echo = await json(res);
    expect(echo).toMatchObject({ upstream: 'communication', method: 'POST', url: '/conversations.list?x=1', text: '{"filters":"unread_count:[1 TO *]"}' });
    expect(echo.headers).toMatchObject({ authorization: 'Bearer abc', 'content-type': 'application/json', 'x-forwarded-proto': 'http' });
    expect(echo.headers['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1');
    expect(echo.headers['x-forwarded-host']).toBe(new URL(url).host);

    const plugin = await fetch(`${url}/chatplugin.send`, { method: 'POST', body: '{}' });
    expect((await json(plugin)).upstream).toBe('chatplugin');
    const ui = await fetch(`${url}/chatplugin/ui/s.js`);
    expect((await json(ui)).url).toBe('/chatplugin/ui/s.js');
  });

  it('streams a large binary body through byte for byte', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const res = await fetch(`${url}/messages.send`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    const echo = await json(res);
    expect(echo.length).toBe(body.length);
    expect(echo.sha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('keeps upstream error answers as they are', async () => {
    const res = await fetch(`${url}/messages.missing`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ message: 'unknown message' });
  });

  it('answers 502 { message } when the upstream is down', async () => {
    const res = await fetch(`${url}/tags.list`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(502);
    expect(await json(res)).toEqual({ message: 'admin is unavailable' });
  });

  it('answers 404 { message } for paths no app serves', async () => {
    const post = await fetch(`${url}/contacts.list`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual({ message: 'Cannot POST /contacts.list' });
    const get = await fetch(`${url}/nothing`);
    expect(get.status).toBe(404);
    expect(get.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('answers CORS preflights itself and sets CORS on proxied answers for allowed origins only', async () => {
    const before = communication.seen.length;
    const preflight = await fetch(`${url}/conversations.list`, {
      method: 'OPTIONS',
      headers: { origin: 'https://agent.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://agent.example');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(communication.seen.length).toBe(before);

    const refused = await fetch(`${url}/conversations.list`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const actual = await fetch(`${url}/conversations.info`, { method: 'POST', headers: { origin: 'https://agent.example' } });
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://agent.example');
    expect(actual.headers.get('vary')).toBe('Origin');
    const other = await fetch(`${url}/conversations.info`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('merges the OpenAPI documents of the apps that answer', async () => {
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(Object.keys(doc.paths).sort()).toEqual(['/chatplugin.send', '/conversations.list']);
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['Error', 'chatpluginRequest', 'communicationRequest']);
    expect(doc['x-unavailable-apps']).toEqual(['admin']);
  });

  it('is live, and ready only when every upstream is', async () => {
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'DOWN', upstreams: { communication: 'UP', chatplugin: 'UP', admin: 'DOWN' } });
  });

  it('pipes the visitor websocket to the chatplugin app both ways', async () => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws.chatplugin?v=1`, { headers: { authorization: 'Bearer visitor' } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send('hello');
    expect(await reply).toBe('echo:hello');
    expect(upgrades.at(-1)?.headers).toMatchObject({ authorization: 'Bearer visitor', 'x-forwarded-for': '127.0.0.1' });
    expect(upgrades.at(-1)?.url).toBe('/ws.chatplugin?v=1');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.close(1000);
    expect(await closed).toBe(1000);
  });

  it('refuses websocket upgrades on other paths with 404', async () => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws.elsewhere`);
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });

  it('sets the security headers on proxied answers, its own answers, errors and refused upgrades', async () => {
    const answers = [
      await fetch(`${url}/conversations.list`, { method: 'POST', body: '{}' }),
      await fetch(`${url}/messages.missing`, { method: 'POST' }),
      await fetch(`${url}/tags.list`, { method: 'POST', body: '{}' }),
      await fetch(`${url}/contacts.list`, { method: 'POST' }),
      await fetch(`${url}/conversations.list`, { method: 'OPTIONS', headers: { origin: 'https://agent.example', 'access-control-request-method': 'POST' } }),
      await fetch(`${url}/health/live`),
      await fetch(`${url}/openapi.json`),
      await fetch(`${url}/metrics`),
    ];
    expect(answers.map((r) => r.status)).toEqual([201, 404, 502, 404, 204, 200, 200, 401]);
    for (const res of answers) expectSecurityHeaders(res);
    const refused = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/ws.elsewhere`);
      socket.once('unexpected-response', (_req, res) => resolve(res));
      socket.once('error', reject);
    });
    expect(refused.statusCode).toBe(404);
    expectSecurityHeaders(refused);
  });

  it('serves /metrics on the public port only with the system token', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } })).status).toBe(200);
  });

  it('counts requests per upstream and upstream errors', async () => {
    const text = (await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } })).text()) as string;
    expect(text).toMatch(/gateway_requests_total\{upstream="communication",method="POST",status="201"\} [1-9]/);
    expect(text).toMatch(/gateway_requests_total\{upstream="admin",method="POST",status="502"\} [1-9]/);
    expect(text).toMatch(/gateway_upstream_errors_total\{upstream="admin",kind="unreachable"\} [1-9]/);
    expect(text).toMatch(/gateway_request_duration_seconds_count\{upstream="communication"\} [1-9]/);
  });
});

describe('gateway with a management port', () => {
  let gateway: INestApplication;
  let url: string;
  let managementUrl: string;

  beforeAll(async () => {
    const config = parseGatewayConfig({ PORT: '0', MANAGEMENT_PORT: '0', GATEWAY_ROUTES: JSON.stringify({ admin: await closedPortUrl() }), AUTH_SYSTEM_TOKEN: systemToken });
    const started = await startGateway(config, silentLogger, new MetricsRegistry());
    gateway = started.app;
    url = started.url;
    managementUrl = started.managementUrl!;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('serves /metrics and the probes there, and /metrics no longer on the public port', async () => {
    expect(managementUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await fetch(`${managementUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('gateway_request_duration_seconds');
    expectSecurityHeaders(metrics);
    expect((await fetch(`${managementUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } })).status).toBe(404);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });

  it('proxies nothing on the management port', async () => {
    const res = await fetch(`${managementUrl}/tags.list`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Cannot POST /tags.list' });
    expect((await fetch(`${managementUrl}/openapi.json`)).status).toBe(404);
  });
});
