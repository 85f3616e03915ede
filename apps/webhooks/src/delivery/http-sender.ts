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
}

/** What came of it: a 2xx is `ok`; anything else carries the reason recorded in the status and the dead letter. */
export type DeliveryResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly status?: number; readonly reason: string };

/**
 * POSTs events with Node's http/https clients: a connect timeout, a deadline until the status line,
 * none of the answer's body read (the socket is dropped once the status is known, so a 10 MB or
 * endless answer costs nothing), no redirects followed (3xx is a failure), no connection reuse (a
 * subscriber's slowness never holds a socket another one needs). Unless private targets are allowed,
 * the address is checked when the connection is made, after DNS, so a name re-pointed to a private
 * address after subscribing is refused too.
 */
export class HttpSender {
  private readonly lookup: LookupFunction | undefined;

  constructor(
    private readonly policy: Pick<DeliveryPolicy, 'connectTimeoutMs' | 'requestTimeoutMs'>,
    private readonly allowPrivate: boolean,
  ) {
    this.lookup = allowPrivate ? undefined : guardedLookup;
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
      headers.connection = 'close';
      let settled = false;
      const finish = (result: DeliveryResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(connectTimer);
        request.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        resolve(result);
      };
      const client = url.protocol === 'https:' ? https : http;
      // The verdict is the status line: the answer's body is never read (a 10 MB or endless answer costs nothing).
      const req = client.request(url, { method: 'POST', headers, agent: false, ...(this.lookup ? { lookup: this.lookup } : {}) }, (res) => finish(result(res.statusCode ?? 0)));
      const deadline = setTimeout(() => finish({ ok: false, reason: `timeout: no answer within ${this.policy.requestTimeoutMs} ms` }), this.policy.requestTimeoutMs);
      const connectTimer = setTimeout(() => finish({ ok: false, reason: `connect timeout after ${this.policy.connectTimeoutMs} ms` }), this.policy.connectTimeoutMs);
      req.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once('connect', () => clearTimeout(connectTimer));
      });
      req.on('error', (error) => finish({ ok: false, reason: `request failed: ${errorMessage(error)}` }));
      const onAbort = () => finish({ ok: false, reason: 'aborted' });
      if (request.signal?.aborted === true) {
        onAbort();
        return;
      }
      request.signal?.addEventListener('abort', onAbort);
      req.end(request.body);
    });
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
