import 'reflect-metadata';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { silentLogger } from '@platform/common';
import { MetricsRegistry } from '@platform/metrics';
import WebSocket, { WebSocketServer } from 'ws';
import { startGateway } from '../app/start-gateway';
import { parseGatewayConfig } from '../config';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

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

/** Opens a websocket through the gateway and resolves with the handshake answer's headers. */
function upgradeHeaders(url: string, headers: Record<string, string>): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('upgrade', (answer) => resolve(answer.headers));
    socket.once('open', () => socket.close());
    socket.once('error', reject);
  });
}

/** Sends a raw upgrade request and resolves with the raw answer (for refused upgrades). */
function rawUpgrade(url: string, path: string, requestId: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nx-request-id: ${requestId}\r\n\r\n`,
      );
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('gateway request ids', () => {
  /** The upstream (communication stand-in): records the x-request-id of every request it gets. */
  const seen: Array<string | string[] | undefined> = [];
  const upstream = http.createServer((req, res) => {
    seen.push(req.headers['x-request-id']);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'upstream-own-id' }).end('{}'));
  });
  const wsUpstream = http.createServer((_req, res) => res.writeHead(404).end());
  const wsSeen: Array<string | string[] | undefined> = [];
  const sockets = new WebSocketServer({ server: wsUpstream, path: '/ws.chatplugin' });
  sockets.on('connection', (_socket, req) => wsSeen.push(req.headers['x-request-id']));
  let gateway: INestApplication;
  let url: string;

  beforeAll(async () => {
    const routes = { communication: await listen(upstream), chatplugin: await listen(wsUpstream), admin: await closedPortUrl() };
    const config = parseGatewayConfig({ PORT: '0', GATEWAY_ROUTES: JSON.stringify(routes) });
    ({ app: gateway, url } = await startGateway(config, silentLogger, new MetricsRegistry()));
  });

  afterAll(async () => {
    await gateway?.close();
    for (const client of sockets.clients) client.terminate();
    sockets.close();
    upstream.closeAllConnections();
    wsUpstream.closeAllConnections();
    await Promise.all([upstream, wsUpstream].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  beforeEach(() => {
    seen.splice(0);
    wsSeen.splice(0);
  });

  const post = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

  it('passes a sane client id to the upstream and returns the same id', async () => {
    const res = await post('/conversations.list', { 'x-request-id': 'client-trace:42' });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['client-trace:42']);
    expect(res.headers.get('x-request-id')).toBe('client-trace:42');
  });

  it.each([
    ['none', {}],
    ['an id too long', { 'x-request-id': 'x'.repeat(129) }],
    ['an id with spaces', { 'x-request-id': 'a b' }],
    ['an id with a semicolon', { 'x-request-id': 'a;b' }],
  ])('generates an id when the client sent %s, the one the upstream saw', async (_what, headers: Record<string, string>) => {
    const res = await post('/conversations.list', headers);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(uuid);
    expect(seen).toEqual([id]);
  });

  it('returns the id on 502 when the upstream is down', async () => {
    const res = await post('/channels.list', { 'x-request-id': 'down-1' });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-request-id')).toBe('down-1');
    const generated = await post('/channels.list');
    expect(generated.headers.get('x-request-id')).toMatch(uuid);
  });

  it('passes the id of a websocket upgrade to the upstream and adds it to the handshake answer', async () => {
    const wsUrl = `${url.replace('http', 'ws')}/ws.chatplugin`;
    expect((await upgradeHeaders(wsUrl, { 'x-request-id': 'ws-trace.1' }))['x-request-id']).toBe('ws-trace.1');
    expect(wsSeen).toEqual(['ws-trace.1']);
    const generated = (await upgradeHeaders(wsUrl, { 'x-request-id': 'not sane' }))['x-request-id'];
    expect(generated).toMatch(uuid);
    expect(wsSeen).toEqual(['ws-trace.1', generated]);
  });

  it('returns the id on a refused websocket upgrade of an unreachable upstream', async () => {
    const config = parseGatewayConfig({ PORT: '0', GATEWAY_ROUTES: JSON.stringify({ chatplugin: await closedPortUrl() }) });
    const down = await startGateway(config, silentLogger, new MetricsRegistry());
    try {
      const answer = await rawUpgrade(down.url, '/ws.chatplugin', 'ws-down');
      expect(answer).toMatch(/^HTTP\/1\.1 502 /);
      expect(answer).toContain('\r\nx-request-id: ws-down\r\n');
    } finally {
      await down.app.close();
    }
  });
});
