import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { errorMessage, type Logger } from '@platform/common';
import { selectStompSubprotocol, type StompLimits } from '@platform/stomp';
import type { VisitorIdentity } from '../visitor/visitor-tokens';
import type { DeliveryService } from './delivery-service';
import type { SocketHub } from './socket-hub';
import { VisitorStompSession } from './visitor-stomp-session';

export const VISITOR_WEBSOCKET_PATH = '/ws.chatplugin';

/**
 * A visitor only sends CONNECT (a token of a few hundred bytes), SUBSCRIBE, UNSUBSCRIBE, DISCONNECT
 * and heart-beats: small frames. Messages go the other way and are not bounded by this.
 */
export const visitorStompLimits: StompLimits = { maxFrameBytes: 8 * 1024, maxHeaders: 16, maxHeaderLineBytes: 4096 };

export interface VisitorWebsocketOptions {
  readonly hub: SocketHub;
  readonly delivery: Pick<DeliveryService, 'onConnect'>;
  /** The visitor of a token on an open channel; throws (ChatpluginError, 401) otherwise. */
  readonly authenticate: (token: string | undefined) => Promise<VisitorIdentity>;
  readonly logger: Logger;
  /** STOMP heart-beat the server offers, both directions (default 30 s, Airy's). */
  readonly heartbeatMs?: number;
  /** Sockets this instance holds at most; past it the upgrade is answered 503 (default 10 000). */
  readonly maxConnections?: number;
  /** Subscriptions per socket (default 4; the widget makes one). */
  readonly maxSubscriptions?: number;
  /** Unsent bytes past which a visitor is too slow and is closed (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  readonly limits?: StompLimits;
  /** Rate limit of connects: a refusal is answered 429 with `Retry-After` before the upgrade. */
  readonly admit?: (req: IncomingMessage) => Promise<{ readonly retryAfterSeconds: number; readonly message: string } | undefined>;
}

/**
 * The visitor websocket at `/ws.chatplugin` on the app's HTTP server, speaking what Airy's chat
 * plugin widget speaks: STOMP 1.2 over WebSocket (subprotocols v12/v11/v10.stomp), the visitor token
 * in the CONNECT frame's `Authorization: Bearer <token>` header, one subscription to
 * `/user/queue/message` (see VisitorStompSession). A bad or missing token is answered
 * `ERROR message:401 Unauthorized: …` and the socket is closed, as any other protocol error.
 */
export class VisitorWebsocket {
  private readonly server: WebSocketServer;
  private readonly limits: StompLimits;

  constructor(private readonly options: VisitorWebsocketOptions) {
    this.limits = options.limits ?? visitorStompLimits;
    this.server = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxFrameBytes * 4, handleProtocols: selectStompSubprotocol });
  }

  attach(http: Server): void {
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((error: unknown) => {
        this.options.logger.error('visitor websocket upgrade failed', { error: errorMessage(error) });
        socket.destroy();
      });
    });
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.server.clients) client.terminate();
  }

  get connections(): number {
    return this.server.clients.size;
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== VISITOR_WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found');
    if (this.server.clients.size >= (this.options.maxConnections ?? 10_000)) return refuse(socket, 503, 'Service Unavailable');
    const refusal = await this.options.admit?.(req);
    if (refusal !== undefined) return refuse(socket, 429, 'Too Many Requests', refusal.message, [`Retry-After: ${refusal.retryAfterSeconds}`]);
    this.server.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  private connected(ws: WebSocket): void {
    const { hub, delivery, authenticate, logger } = this.options;
    const session = new VisitorStompSession(
      {
        id: randomUUID(),
        hub,
        delivery,
        authenticate,
        limits: this.limits,
        heartbeatMs: this.options.heartbeatMs ?? 30_000,
        maxSubscriptions: this.options.maxSubscriptions ?? 4,
        maxBufferedBytes: this.options.maxBufferedBytes ?? 1024 * 1024,
        logger,
      },
      {
        send: (text) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(text);
        },
        close: (code, reason) => ws.close(code, reason),
        bufferedAmount: () => ws.bufferedAmount,
      },
    );
    ws.on('message', (data: RawData) => session.onData(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)));
    ws.on('close', () => session.onClose());
    ws.on('error', () => {
      session.onClose();
      ws.terminate();
    });
  }
}

function refuse(socket: Duplex, status: number, text: string, message = text.toLowerCase(), headers: readonly string[] = []): void {
  const body = JSON.stringify({ message });
  const extra = headers.map((h) => `${h}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
