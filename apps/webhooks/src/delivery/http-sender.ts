import * as http from 'node:http';
import * as https from 'node:https';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { errorMessage } from '@platform/common';
import { isPrivateAddress } from '../subscriptions/url-policy';
import type { DeliveryPolicy } from './delivery-policy';

/** One POST to a subscriber. */
export interface DeliveryRequest {
  readonly url: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  /** Aborts the request (unsubscribe, shutdown). */
  readonly signal?: AbortSignal;
  /** The connection pool the request uses (the subscription id): one pool per subscription, see {@link HttpSender}. */
  readonly pool?: string;
}

/** What came of it: a 2xx is `ok`; anything else carries the reason recorded in the status and the dead letter. */
export type DeliveryResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly status?: number; readonly reason: string };

export interface HttpSenderOptions {
  /** Sockets per pool (the per-subscription concurrency): a slow subscriber never holds more. */
  readonly maxSocketsPerPool: number;
  /** Answer bytes read so that the connection can be reused; a longer answer costs its socket (destroyed). Default 16 KiB. */
  readonly maxAnswerBytes?: number;
  /** An idle kept-alive socket is closed after this long (below Node's and most servers' 5 s keep-alive). Default 4 s. */
  readonly idleSocketMs?: number;
}

interface Pool {
  readonly http: http.Agent;
  readonly https: https.Agent;
  /** Requests of the pool not settled yet, each with what settles it when the pool is closed. */
  readonly unsettled: Set<() => void>;
}

/**
 * POSTs events with Node's http/https clients over kept-alive connections, one pool of at most
 * `maxSocketsPerPool` sockets per subscription (so a slow subscriber never holds a socket another one needs):
 * a connect timeout, a deadline until the status line (both from the moment the request has its socket), no redirects followed (3xx is a failure). The verdict is
 * the status line; the answer's body is read only to reuse the connection, up to `maxAnswerBytes` and within the
 * deadline — a longer (10 MB, endless) or slower answer gets its socket destroyed, so it costs nothing. Unless
 * private targets are allowed, the address is checked when a connection is made, after DNS (the `lookup` of every
 * new socket), so a name re-pointed to a private address after subscribing is refused too. {@link release} closes a
 * subscription's pool (unsubscribe).
 */
export class HttpSender {
  private readonly lookup: LookupFunction | undefined;
  private readonly pools = new Map<string, Pool>();
  private readonly maxAnswerBytes: number;
  private readonly idleSocketMs: number;

  constructor(
    private readonly policy: Pick<DeliveryPolicy, 'connectTimeoutMs' | 'requestTimeoutMs'>,
    private readonly allowPrivate: boolean,
    private readonly options: HttpSenderOptions = { maxSocketsPerPool: 1 },
  ) {
    this.lookup = allowPrivate ? undefined : guardedLookup;
    this.maxAnswerBytes = options.maxAnswerBytes ?? 16 * 1024;
    this.idleSocketMs = options.idleSocketMs ?? 4000;
  }

  send(request: DeliveryRequest): Promise<DeliveryResult> {
    return new Promise<DeliveryResult>((resolve) => {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        resolve({ ok: false, reason: 'invalid url' });
        return;
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!this.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
        resolve({ ok: false, reason: `refused: ${host} is a private address` });
        return;
      }
      const headers: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [name, value] of request.headers) headers[name] = value;
      headers['content-length'] = String(Buffer.byteLength(request.body, 'utf8'));
      let settled = false;
      let verdict: DeliveryResult | undefined;
      /** Settles once; `reuse`: the answer was read to its end, so the socket goes back to the pool. */
      const finish = (result: DeliveryResult, reuse = false) => {
        if (settled) return;
        settled = true;
        pool?.unsettled.delete(cancel);
        clearTimeout(deadline);
        clearTimeout(connectTimer);
        request.signal?.removeEventListener('abort', onAbort);
        if (!reuse) req.destroy();
        resolve(result);
      };
      const secure = url.protocol === 'https:';
      const pool = request.pool === undefined ? undefined : this.pool(request.pool);
      // Closing the pool settles a request still waiting for one of its sockets too (it has no deadline yet).
      const cancel = () => finish({ ok: false, reason: 'connection pool closed' });
      pool?.unsettled.add(cancel);
      const agent = pool === undefined ? false : secure ? pool.https : pool.http;
      const client = secure ? https : http;
      // Without a pool: a connection of its own, closed after the answer's status line.
      if (agent === false) headers.connection = 'close';
      const req = client.request(url, { method: 'POST', headers, agent, ...(this.lookup ? { lookup: this.lookup } : {}) }, (res) => {
        verdict = result(res.statusCode ?? 0);
        if (agent === false) return finish(verdict);
        // Read (and drop) the answer up to the cap so the kept-alive socket can carry the next request.
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > this.maxAnswerBytes) finish(verdict!);
        });
        res.once('end', () => finish(verdict!, res.complete));
        res.once('error', () => finish(verdict!));
        res.once('aborted', () => finish(verdict!));
      });
      // Both clocks start when the request has its socket: a request queued behind the pool's busy sockets is not
      // charged for the time those take (each of them has its own deadline, so the wait is bounded).
      let deadline: NodeJS.Timeout | undefined;
      let connectTimer: NodeJS.Timeout | undefined;
      req.once('socket', (socket) => {
        if (settled) return;
        deadline = setTimeout(() => finish(verdict ?? { ok: false, reason: `timeout: no answer within ${this.policy.requestTimeoutMs} ms` }), this.policy.requestTimeoutMs);
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => finish({ ok: false, reason: `connect timeout after ${this.policy.connectTimeoutMs} ms` }), this.policy.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connectTimer));
      });
      req.on('error', (error) => finish(verdict ?? { ok: false, reason: `request failed: ${errorMessage(error)}` }));
      const onAbort = () => finish({ ok: false, reason: 'aborted' });
      if (request.signal?.aborted === true) {
        onAbort();
        return;
      }
      request.signal?.addEventListener('abort', onAbort);
      req.end(request.body);
    });
  }

  /** Closes the pool of `pool` (unsubscribed): its sockets are destroyed; requests using one or waiting for one fail. */
  release(pool: string): void {
    const p = this.pools.get(pool);
    if (p === undefined) return;
    this.pools.delete(pool);
    for (const cancel of [...p.unsettled]) cancel();
    p.http.destroy();
    p.https.destroy();
  }

  /** Closes every pool (shutdown). */
  close(): void {
    for (const pool of [...this.pools.keys()]) this.release(pool);
  }

  private pool(name: string): Pool {
    let pool = this.pools.get(name);
    if (pool === undefined) {
      const options: http.AgentOptions = { keepAlive: true, maxSockets: this.options.maxSocketsPerPool, maxFreeSockets: this.options.maxSocketsPerPool, timeout: this.idleSocketMs, scheduling: 'lifo' };
      pool = { http: new http.Agent(options), https: new https.Agent(options), unsettled: new Set() };
      this.pools.set(name, pool);
    }
    return pool;
  }
}

function result(status: number): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true, status };
  return { ok: false, status, reason: `HTTP ${status}` };
}

/** dns.lookup that fails for loopback, private and link-local answers (the connection is never opened). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const refused = list.find((a) => isPrivateAddress(a.address));
    if (refused !== undefined || list.length === 0) return callback(Object.assign(new Error(`refused: ${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '', 0);
    if ((options as LookupOptions).all === true) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0]!;
    callback(null, first.address, first.family);
  });
};
