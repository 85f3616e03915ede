import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { errorMessage, type Logger } from '@platform/common';
import { ChatpluginError } from '../errors';
import { bearerToken, type VisitorIdentity } from '../visitor/visitor-tokens';
import type { DeliveryService } from './delivery-service';
import { VisitorSession, type SocketHub } from './socket-hub';

export const VISITOR_WEBSOCKET_PATH = '/ws.chatplugin';

export interface VisitorWebsocketOptions {
  readonly hub: SocketHub;
  readonly delivery: Pick<DeliveryService, 'onConnect'>;
  /** The visitor of a token on an open channel; throws (401) otherwise. */
  readonly authenticate: (token: string | undefined) => Promise<VisitorIdentity>;
  readonly logger: Logger;
  /** Ping interval; a socket that missed a pong by the next ping is closed (default 30 s). */
  readonly heartbeatMs?: number;
  /** Rate limit of connects: a refusal is answered 429 with `Retry-After` before the token is checked. */
  readonly admit?: (req: IncomingMessage) => Promise<{ readonly retryAfterSeconds: number; readonly message: string } | undefined>;
}

/**
 * The visitor websocket at `/ws.chatplugin`, on the app's HTTP server. The visitor token comes as
 * `?token=<token>` (browsers cannot set headers on a websocket) or `Authorization: Bearer <token>`; a
 * bad token is refused with HTTP 401 before the upgrade. Server → client text frames carry one
 * message of the visitor's conversation each: `{ channel_id, conversation_id, message }` (Airy's
 * payload); the same message id may come again with a newer `delivery_state` (upsert by id). Client
 * frames are ignored. If the conversation's pending replies cannot be read right now the socket is
 * closed with 1013 (try again later) and the client reconnects; when the channel is disconnected its
 * sockets are closed with 4403.
 */
export class VisitorWebsocket {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly alive = new WeakSet<WebSocket>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: VisitorWebsocketOptions) {}

  attach(http: Server): void {
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head).catch(() => socket.destroy()));
    this.heartbeat = setInterval(() => this.ping(), this.options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.server.clients) client.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://visitor');
    if (url.pathname !== VISITOR_WEBSOCKET_PATH) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    const refusal = await this.options.admit?.(req);
    if (refusal !== undefined) {
      const body = JSON.stringify({ message: refusal.message });
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: ${refusal.retryAfterSeconds}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    let identity: VisitorIdentity;
    try {
      identity = await this.options.authenticate(url.searchParams.get('token') ?? bearerToken(req.headers.authorization));
    } catch (error) {
      if (!(error instanceof ChatpluginError)) this.options.logger.error('visitor websocket authentication failed', { error: errorMessage(error) });
      refuse(socket, 401, 'Unauthorized');
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => this.connected(ws, identity));
  }

  private connected(ws: WebSocket, identity: VisitorIdentity): void {
    const { hub, delivery, logger } = this.options;
    const session = new VisitorSession(identity, {
      send: (text) => {
        if (ws.readyState !== WebSocket.OPEN) throw new ChatpluginError('visitor socket is not open');
        ws.send(text);
      },
      close: (code, reason) => ws.close(code, reason),
    });
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('close', () => hub.remove(session));
    ws.on('error', () => hub.remove(session));
    hub.add(session);
    delivery.onConnect(session).catch((error: unknown) => {
      logger.warn('could not deliver pending replies to a visitor; closing the socket so it reconnects', { conversationId: identity.conversationId, error: errorMessage(error) });
      ws.close(1013, 'try again later');
    });
  }

  private ping(): void {
    for (const ws of this.server.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ message: text.toLowerCase() })}`);
}
