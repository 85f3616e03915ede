import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@platform/common';
import type { GatewayMetrics } from '../gateway-metrics';
import { REQUEST_ID_HEADER, requestIdFrom, securityHeaders } from '@platform/nest-platform';
import type { UpstreamName } from '../routing/path-rules';
import { forwardedHeaders } from './headers';

/** Longest answer head (status line and headers) of an upstream that gets the request id added. */
const maxAnswerHeadBytes = 16 * 1024;

/**
 * Pipes an upgrade request (websocket) to `target` over a plain TCP connection: the request line and
 * headers are written as received (plus `x-forwarded-*` and the request's `x-request-id`: the client's
 * when sane, else a new UUID), followed by any bytes already read, and from then on both sockets are
 * piped into each other, so the upstream answers the handshake itself. The upstream's answer head gets
 * the `x-request-id` header when it has none; a refused upgrade (502) carries it too.
 */
export class WebSocketProxy {
  private readonly open = new Set<Duplex>();

  constructor(private readonly options: { readonly metrics: GatewayMetrics; readonly logger: Logger }) {}

  forward(req: IncomingMessage, client: Duplex, head: Buffer, upstream: UpstreamName, target: URL): void {
    const { metrics, logger } = this.options;
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const server = net.connect({ host: target.hostname, port: Number(target.port || 80) });
    let connected = false;
    this.open.add(client);
    const gauge = metrics.websockets.labels({ upstream });
    gauge.inc();
    let closed = false;
    const close = (destroyClient = true) => {
      if (closed) return;
      closed = true;
      this.open.delete(client);
      gauge.dec();
      if (destroyClient) client.destroy();
      server.destroy();
    };
    server.once('connect', () => {
      connected = true;
      server.setNoDelay(true);
      server.write(requestHead(req, requestId));
      if (head.length > 0) server.write(head);
      passAnswerHead(server, client, requestId);
      client.pipe(server);
    });
    server.on('error', (error) => {
      if (!connected) {
        metrics.upstreamErrors.labels({ upstream, kind: 'unreachable' }).inc();
        logger.warn('websocket upstream unreachable', { upstream, requestId, error: error.message });
        rejectUpgrade(client, 502, `${upstream} is unavailable`, requestId);
        close(false);
        return;
      }
      close();
    });
    server.on('close', () => close());
    client.on('error', () => close());
    client.on('close', () => close());
  }

  /** Ends every piped connection (gateway shutdown). */
  closeAll(): void {
    for (const socket of this.open) socket.destroy();
  }
}

/** The request line and headers of an upgrade request, as raw HTTP/1.1 bytes. */
function requestHead(req: IncomingMessage, requestId: string): string {
  const forwarded: Record<string, string> = { ...forwardedHeaders(req), [REQUEST_ID_HEADER]: requestId };
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() in forwarded) continue;
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  for (const [name, value] of Object.entries(forwarded)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Copies the upstream's answer head to the client with `x-request-id: <id>` added (unless the upstream
 * sent one, or the head is not complete within `maxAnswerHeadBytes`: then it passes as it is), then pipes
 * the rest of the upstream's bytes through untouched.
 */
function passAnswerHead(server: Duplex, client: Duplex, requestId: string): void {
  let buffered: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0 && buffered.length <= maxAnswerHeadBytes) return;
    server.off('data', onData);
    server.pause();
    const hasId = end >= 0 && /\r\nx-request-id:/i.test(buffered.subarray(0, end + 2).toString('latin1'));
    client.write(end < 0 || hasId ? buffered : Buffer.concat([buffered.subarray(0, end), Buffer.from(`\r\n${REQUEST_ID_HEADER}: ${requestId}`, 'latin1'), buffered.subarray(end)]));
    server.pipe(client);
  };
  server.on('data', onData);
}

/** Answers an upgrade with a plain HTTP error (with `x-request-id` when given) and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, message: string, requestId?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  const reason = status === 404 ? 'Not Found' : status === 502 ? 'Bad Gateway' : 'Error';
  const extra = requestId === undefined ? securityHeaders : { ...securityHeaders, [REQUEST_ID_HEADER]: requestId };
  const security = Object.entries(extra).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${security}Connection: close\r\n\r\n${body}`,
  );
}
