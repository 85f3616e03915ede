import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@platform/testing';
import { PeerClient } from './peer-client';
import { PeerStamps } from './peer-stamps';
import { answerStampWatch, StampFeed } from './stamp-feed';

/** Starts `server` as the peer on a free loopback port and a PeerStamps watching it. */
async function watchingPeer(server: http.Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const peers = new PeerClient(() => 'self:1', 1_000);
  return { endpoint, peers, stamps: new PeerStamps(peers), route: { path: '/stamp', authorization: 'Bearer system' } };
}

describe('stamp watches', () => {
  it('answers at once when the stamp is not the known one, else when it changes, else when the hold ends', async () => {
    let stamp: string | undefined = 's1';
    const feed = new StampFeed(() => stamp);
    expect(await feed.wait(null, 1_000)).toBe('s1');
    expect(await feed.wait('s0', 1_000)).toBe('s1');
    const held = feed.wait('s1', 1_000);
    stamp = 's2';
    feed.changed();
    expect(await held).toBe('s2');
    const started = Date.now();
    expect(await feed.wait('s2', 30)).toBe('s2');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    // A change nobody signals (a lost readiness) is found by the re-check while someone waits.
    const unsignalled = feed.wait('s2', 1_000);
    stamp = undefined;
    expect(await unsignalled).toBeNull();
    const closing = feed.wait(null, 1_000);
    feed.close();
    expect(await closing).toBeNull();
  });

  it('reads a malformed watch body as "no known stamp, no hold"', async () => {
    const feed = new StampFeed(() => 'now');
    expect(await answerStampWatch(feed, { known_stamp: 'now', hold_ms: 5 })).toEqual({ stamp: 'now' });
    expect(await answerStampWatch(feed, { known_stamp: 'x'.repeat(2_000), hold_ms: 10_000 })).toEqual({ stamp: 'now' });
    expect(await answerStampWatch(feed, { known_stamp: 'now', hold_ms: 'long' })).toEqual({ stamp: 'now' });
    expect(await answerStampWatch(feed, null)).toEqual({ stamp: 'now' });
    feed.close();
  });

  it("keeps a peer's stamp known with one held call, follows its changes, and forgets it when the peer goes", async () => {
    let stamp: string | undefined = 'p/1';
    const feed = new StampFeed(() => stamp);
    const calls: { authorization: string | undefined; body: unknown }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        calls.push({ authorization: req.headers.authorization, body });
        void answerStampWatch(feed, body).then((answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
      });
    });
    const { endpoint, peers, stamps, route } = await watchingPeer(server);
    try {
      expect(stamps.current(endpoint, route)).toBeUndefined();
      await waitFor(async () => stamps.current(endpoint, route) === 'p/1', { timeoutMs: 5_000, description: 'the first stamp known' });
      // Unchanged: one call held at the peer, not one per question.
      const before = calls.length;
      for (let i = 0; i < 50; i++) expect(stamps.current(endpoint, route)).toBe('p/1');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(calls.length).toBe(before);
      expect(calls.at(-1)).toEqual({ authorization: 'Bearer system', body: { known_stamp: 'p/1', hold_ms: 1_000 } });
      stamp = 'p/2';
      feed.changed();
      await waitFor(async () => stamps.current(endpoint, route) === 'p/2', { timeoutMs: 5_000, description: 'the change known' });
      stamp = undefined;
      feed.changed();
      await waitFor(async () => stamps.current(endpoint, route) === undefined, { timeoutMs: 5_000, description: 'no stamp while the peer has none' });
      stamp = 'p/3';
      feed.changed();
      await waitFor(async () => stamps.current(endpoint, route) === 'p/3', { timeoutMs: 5_000, description: 'a stamp again' });
      // The peer goes away: its stamp is no longer known (lists call it, and fail, instead).
      feed.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await waitFor(async () => stamps.current(endpoint, route) === undefined, { timeoutMs: 5_000, description: 'the stamp forgotten' });
    } finally {
      stamps.close();
      peers.close();
      feed.close();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('stops trusting the stamp of a peer that no longer answers its held call (frozen or cut off), before the call times out', async () => {
    let frozen = false;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (frozen) return; // never answers: a frozen event loop, a cut-off network
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stamp: 'p/1' }));
      });
    });
    const { endpoint, peers, stamps, route } = await watchingPeer(server);
    try {
      // This peer answers every watch at once with an unchanged stamp; then it stops answering.
      stamps.current(endpoint, route);
      await waitFor(async () => stamps.current(endpoint, route) === 'p/1', { timeoutMs: 5_000, description: 'the first stamp known' });
      frozen = true;
      const since = Date.now();
      await waitFor(async () => stamps.current(endpoint, route) === undefined, { timeoutMs: 4_500, description: 'the stamp of a silent peer no longer used' });
      // Unknown once its held call is overdue (1 s hold + 250 ms), not only when the call's own 5 s deadline fails it.
      expect(Date.now() - since).toBeLessThan(4_500);
    } finally {
      stamps.close();
      peers.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
