import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpSender } from './http-sender';

/** A subscriber on loopback whose answer each test chooses; counts the connections it accepted and has open. */
function subscriber(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => answer(req, res));
  });
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    connections: () => connections,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const headers = new Map([['content-type', 'application/json']]);
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('HttpSender', () => {
  const servers: { close(): Promise<void> }[] = [];
  const senders: HttpSender[] = [];
  afterEach(async () => {
    for (const sender of senders.splice(0)) sender.close();
    for (const server of servers.splice(0)) await server.close();
  });
  const start = async (answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
    const s = subscriber(answer);
    servers.push(s);
    return { ...s, url: await s.listen() };
  };
  /** A deadline of 2 s unless a test is about deadlines: the others must not depend on the machine's load. */
  const sender = (maxSocketsPerPool: number, allowPrivate = true, requestTimeoutMs = 2000) => {
    const created = new HttpSender({ connectTimeoutMs: 1000, requestTimeoutMs }, allowPrivate, { maxSocketsPerPool, maxAnswerBytes: 16 * 1024 });
    senders.push(created);
    return created;
  };

  it('reuses a kept-alive connection of the pool for the next request, and release closes it', async () => {
    const hook = await start((_req, res) => res.writeHead(204).end());
    const s = sender(4);
    for (let i = 0; i < 5; i++) expect(await s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })).toEqual({ ok: true, status: 204 });
    expect(hook.connections()).toBe(1);
    s.release('sub-1');
    await until(() => hook.open() === 0);
    expect(await s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })).toEqual({ ok: true, status: 204 });
    expect(hook.connections()).toBe(2);
  });

  it('holds at most maxSocketsPerPool connections to a subscriber', async () => {
    const hook = await start((_req, res) => setTimeout(() => res.writeHead(200).end('ok'), 20));
    const s = sender(3);
    const results = await Promise.all(Array.from({ length: 12 }, () => s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(hook.connections()).toBe(3);
  });

  it('starts the deadline when a request has its socket, not while it waits for one of the pool', async () => {
    const hook = await start((_req, res) => setTimeout(() => res.writeHead(200).end('ok'), 600));
    const s = sender(1, true, 1000);
    // One socket, three answers of 600 ms each: the last request waits 1.2 s for the socket, beyond the 1 s deadline.
    const results = await Promise.all(Array.from({ length: 3 }, () => s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })));
    expect(results).toEqual([{ ok: true, status: 200 }, { ok: true, status: 200 }, { ok: true, status: 200 }]);
    expect(hook.connections()).toBe(1);
  });

  it('drops the connection of an answer beyond the cap (10 MB) and still takes its status', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'x');
    const hook = await start((_req, res) => res.writeHead(200, { 'content-length': String(big.length) }).end(big));
    const s = sender(1);
    expect(await s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })).toEqual({ ok: true, status: 200 });
    await until(() => hook.open() === 0);
    expect(await s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })).toEqual({ ok: true, status: 200 });
    expect(hook.connections()).toBe(2);
  });

  it('gives a status line followed by an endless answer its status at the deadline, and drops the connection', async () => {
    const hook = await start((_req, res) => {
      res.writeHead(200);
      res.write('a');
    });
    const s = sender(1, true, 300);
    expect(await s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })).toEqual({ ok: true, status: 200 });
    await until(() => hook.open() === 0);
  });

  it('fails a subscriber that never answers at the deadline, and one that redirects', async () => {
    const silent = await start(() => undefined);
    const redirect = await start((_req, res) => res.writeHead(302, { location: 'http://example.com/' }).end());
    const s = sender(2, true, 300);
    expect(await s.send({ url: silent.url, headers, body: '{}', pool: 'sub-1' })).toEqual({ ok: false, reason: 'timeout: no answer within 300 ms' });
    expect(await s.send({ url: redirect.url, headers, body: '{}', pool: 'sub-2' })).toEqual({ ok: false, status: 302, reason: 'HTTP 302' });
  });

  it('aborts a request in flight', async () => {
    const silent = await start(() => undefined);
    const s = sender(1);
    const controller = new AbortController();
    const sent = s.send({ url: silent.url, headers, body: '{}', pool: 'sub-1', signal: controller.signal });
    await until(() => silent.open() === 1);
    controller.abort();
    expect(await sent).toEqual({ ok: false, reason: 'aborted' });
    await until(() => silent.open() === 0);
  });

  it('fails the requests of a released pool, also one still waiting for a socket', async () => {
    const silent = await start(() => undefined);
    const s = sender(1);
    const first = s.send({ url: silent.url, headers, body: '{}', pool: 'sub-1' });
    const queued = s.send({ url: silent.url, headers, body: '{}', pool: 'sub-1' });
    await until(() => silent.open() === 1);
    s.release('sub-1');
    expect(await Promise.all([first, queued])).toEqual([
      { ok: false, reason: 'connection pool closed' },
      { ok: false, reason: 'connection pool closed' },
    ]);
    await until(() => silent.open() === 0);
  });

  it('refuses private targets when they are not allowed, also behind a name (checked when connecting)', async () => {
    const hook = await start((_req, res) => res.writeHead(204).end());
    const s = sender(1, false);
    expect(await s.send({ url: hook.url, headers, body: '{}', pool: 'sub-1' })).toEqual({ ok: false, reason: 'refused: 127.0.0.1 is a private address' });
    const byName = await s.send({ url: hook.url.replace('127.0.0.1', 'localhost'), headers, body: '{}', pool: 'sub-1' });
    expect(byName).toEqual({ ok: false, reason: 'request failed: refused: localhost resolves to a private address' });
    expect(hook.connections()).toBe(0);
  });
});
