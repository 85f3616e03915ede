import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FORWARDED_HEADER } from './answers';
import type { HttpRequest } from './http';
import { PeerClient } from './peer-client';

/** The owner replica: a local HTTP server recording the headers of each call it gets. */
describe('PeerClient passes the request id on', () => {
  const calls: http.IncomingHttpHeaders[] = [];
  const owner = http.createServer((req, res) => {
    calls.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  let endpoint: string;
  const peers = new PeerClient(() => 'self:1', 5_000);

  beforeAll(async () => {
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    endpoint = `127.0.0.1:${(owner.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    owner.closeAllConnections();
    await new Promise((resolve) => owner.close(resolve));
  });
  beforeEach(() => void calls.splice(0));

  /** A client request as the platform's request-id middleware leaves it (its header replaced by the id). */
  const request = (headers: Record<string, string>): HttpRequest => ({ method: 'POST', originalUrl: '/conversations.info?x=1', headers, body: { conversation_id: 'c-1' } });

  it('forwards a request to the owner with the same x-request-id and the loop-prevention header', async () => {
    const answer = await peers.forward(endpoint, request({ 'x-request-id': 'req-42', authorization: 'Bearer t', host: 'replica-a', 'content-length': '26' }));
    expect(answer).toMatchObject({ status: 200, body: { text: '{"ok":true}' } });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ 'x-request-id': 'req-42', authorization: 'Bearer t', [FORWARDED_HEADER]: 'self:1' });
  });

  it('passes the client request id on internal calls made on its behalf', async () => {
    const reply = await peers.post(endpoint, '/conversations/local', {}, { on: request({ 'x-request-id': 'req-43' }), authorization: 'Bearer system' });
    expect(reply).toEqual({ ok: true, status: 200, body: { ok: true } });
    expect(calls[0]).toMatchObject({ 'x-request-id': 'req-43', authorization: 'Bearer system', [FORWARDED_HEADER]: 'self:1' });
  });

  it('gives up on a peer that does not answer within its deadline, and on one that is not listening', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const quick = new PeerClient(() => 'self:1', 200);
    try {
      const silentEndpoint = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const started = Date.now();
      expect(await quick.post(silentEndpoint, '/internal/x', {})).toEqual({ ok: false, reason: 'unreachable (TimeoutError)' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await quick.forward(silentEndpoint, request({}))).toBeUndefined();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
      expect(await quick.post(silentEndpoint, '/internal/x', {})).toMatchObject({ ok: false, reason: expect.stringMatching(/^unreachable \(/) });
    } finally {
      quick.close();
      silent.closeAllConnections();
      if (silent.listening) silent.close();
    }
  });

  it('reuses one connection for consecutive calls to the same peer', async () => {
    const sockets = new Set<unknown>();
    const counting = http.createServer((req, res) => {
      sockets.add(req.socket);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"n":1}'));
    });
    await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
    const client = new PeerClient(() => 'self:1', 5_000);
    try {
      const at = `127.0.0.1:${(counting.address() as AddressInfo).port}`;
      for (let i = 0; i < 5; i++) expect(await client.post(at, '/internal/x', { i })).toEqual({ ok: true, status: 200, body: { n: 1 } });
      expect(sockets.size).toBe(1);
    } finally {
      client.close();
      counting.closeAllConnections();
      await new Promise((resolve) => counting.close(resolve));
    }
  });
});
