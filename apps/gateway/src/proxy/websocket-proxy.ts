import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@platform/common';
import type { GatewayMetrics } from '../gateway-metrics';
import { securityHeaders } from '@platform/nest-platform';
import type { UpstreamName } from '../routing/path-rules';
import { forwardedHeaders } from './headers';

/**
 * Pipes an upgrade request (websocket) to `target` over a plain TCP connection: the request line and
 * headers are written as received (plus `x-forwarded-*`), followed by any bytes already read, and from
 * then on both sockets are piped into each other, so the upstream answers the handshake itself.
 */
export class WebSocketProxy {
  private readonly open = new Set<Duplex>();

  constructor(private readonly options: { readonly metrics: GatewayMetrics; readonly logger: Logger }) {}

  forward(req: IncomingMessage, client: Duplex, head: Buffer, upstream: UpstreamName, target: URL): void {
    const { metrics, logger } = this.options;
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
      server.write(requestHead(req));
      if (head.length > 0) server.write(head);
      server.pipe(client);
      client.pipe(server);
    });
    server.on('error', (error) => {
      if (!connected) {
        metrics.upstreamErrors.labels({ upstream, kind: 'unreachable' }).inc();
        logger.warn('websocket upstream unreachable', { upstream, error: error.message });
        rejectUpgrade(client, 502, `${upstream} is unavailable`);
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
function requestHead(req: IncomingMessage): string {
  const forwarded = forwardedHeaders(req);
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() in forwarded) continue;
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  for (const [name, value] of Object.entries(forwarded)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Answers an upgrade with a plain HTTP error and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  const reason = status === 404 ? 'Not Found' : status === 502 ? 'Bad Gateway' : 'Error';
  const security = Object.entries(securityHeaders).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${security}Connection: close\r\n\r\n${body}`,
  );
}
