import * as http from 'node:http';
import type { Logger } from '@platform/common';
import { assignRequestId, REQUEST_ID_HEADER } from '@platform/nest-platform';
import type { GatewayMetrics } from '../gateway-metrics';
import type { UpstreamName } from '../routing/path-rules';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers';

export interface HttpProxyOptions {
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly timeoutMs: number;
}

/**
 * Forwards one request to `target` and streams the answer back: method, path, query, body bytes and
 * headers pass unchanged (minus hop-by-hop headers, plus `x-forwarded-*`); status and headers of the
 * answer are kept. Nothing is parsed or buffered. The request's `x-request-id` (the client's when sane,
 * else a new UUID) is sent upstream and back to the client on every answer, 502/504 included. Unreachable upstream → 502 `{ message }`, no answer
 * within the timeout → 504; a client that goes away aborts the upstream request.
 */
export class HttpProxy {
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(private readonly options: HttpProxyOptions) {}

  forward(req: http.IncomingMessage, res: http.ServerResponse, upstream: UpstreamName, target: URL): void {
    const { metrics } = this.options;
    const requestId = assignRequestId(req, res);
    const stopTimer = metrics.duration.labels({ upstream }).startTimer();
    res.once('close', () => {
      stopTimer();
      metrics.requests.labels({ upstream, method: req.method ?? 'GET', status: res.writableFinished ? String(res.statusCode) : 'aborted' }).inc();
    });

    const outgoing = http.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: upstreamRequestHeaders(req),
      agent: this.agent,
    });
    outgoing.setTimeout(this.options.timeoutMs, () => outgoing.destroy(new UpstreamTimeout()));
    outgoing.on('response', (answer) => {
      const headers = downstreamResponseHeaders(answer);
      headers[REQUEST_ID_HEADER] = requestId;
      const vary = res.getHeader('vary');
      if (vary !== undefined && headers.vary !== undefined) headers.vary = `${String(vary)}, ${String(headers.vary)}`;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    outgoing.on('error', (error) => this.failed(res, upstream, requestId, error));
    res.once('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  }

  /** Closes idle keep-alive connections to the upstreams. */
  close(): void {
    this.agent.destroy();
  }

  private failed(res: http.ServerResponse, upstream: UpstreamName, requestId: string, error: Error): void {
    const timeout = error instanceof UpstreamTimeout;
    if (res.destroyed) return; // the client left first
    this.options.metrics.upstreamErrors.labels({ upstream, kind: timeout ? 'timeout' : 'unreachable' }).inc();
    this.options.logger.warn('upstream request failed', { upstream, requestId, error: error.message });
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    const status = timeout ? 504 : 502;
    const message = timeout ? `${upstream} did not answer in time` : `${upstream} is unavailable`;
    const body = JSON.stringify({ message });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}

class UpstreamTimeout extends Error {
  constructor() {
    super('upstream timeout');
  }
}
