import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Authenticator } from '@platform/auth';
import { errorMessage, type Logger } from '@platform/common';
import { defaultStompLimits, selectStompSubprotocol, type StompLimits } from '@platform/stomp';
import type { EventLog } from './event-log';
import { StompSession } from './stomp-session';

export const REALTIME_WEBSOCKET_PATH = '/ws.communication';
export const AUTH_COOKIE = 'airy_auth_token';

export interface RealtimeSettings {
  readonly heartbeatMs: number;
  readonly maxSubscriptions: number;
  readonly maxConnections: number;
  readonly maxBufferedBytes: number;
  readonly limits?: StompLimits;
  /**
   * Origins whose pages may authenticate with the `airy_auth_token` cookie. A browser sends the cookie
   * with any page's handshake, so a cookie from another origin (cross-site websocket hijacking) is
   * ignored: it counts only without an Origin header (not a browser), from a listed origin, or from the
   * origin whose host is the handshake's own Host. Tokens in headers are not affected.
   */
  readonly cookieOrigins?: readonly string[];
}

export interface RealtimeWebsocketOptions extends RealtimeSettings {
  readonly log: EventLog;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
}

/**
 * The agent UIs' socket at `/ws.communication` on the app's HTTP server: STOMP 1.2 over WebSocket
 * (subprotocols v12/v11/v10.stomp, as Spring and stompjs), one StompSession per connection, all fed
 * by this replica's EventLog.
 */
export class RealtimeWebsocket {
  private readonly server: WebSocketServer;

  constructor(private readonly options: RealtimeWebsocketOptions) {
    const limits = options.limits ?? defaultStompLimits;
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: limits.maxFrameBytes * 4,
      handleProtocols: selectStompSubprotocol,
    });
  }

  attach(http: Server): void {
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        this.upgrade(req, socket, head);
      } catch (error) {
        this.options.logger.error('realtime upgrade failed', { error: errorMessage(error) });
        socket.destroy();
      }
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

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== REALTIME_WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found');
    if (this.server.clients.size >= this.options.maxConnections) return refuse(socket, 503, 'Service Unavailable');
    const cookie = this.cookieAllowed(req) ? cookieValue(req.headers.cookie, AUTH_COOKIE) : undefined;
    const handshakeAuthorization = req.headers.authorization ?? (cookie === undefined ? undefined : `Bearer ${cookie}`);
    this.server.handleUpgrade(req, socket, head, (ws) => this.connected(ws, handshakeAuthorization));
  }

  private cookieAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.options.cookieOrigins?.includes(origin) === true) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private connected(ws: WebSocket, handshakeAuthorization: string | undefined): void {
    const { log, authenticator, logger } = this.options;
    const session = new StompSession(
      {
        id: randomUUID(),
        log,
        authenticate: async (authorization) => {
          const result = await authenticator.authenticate(authorization);
          if (!result.ok) return { ok: false, message: result.message };
          return { ok: true, name: result.principal.kind === 'system' ? 'system' : result.principal.userId };
        },
        handshakeAuthorization,
        limits: this.options.limits ?? defaultStompLimits,
        heartbeatMs: this.options.heartbeatMs,
        maxSubscriptions: this.options.maxSubscriptions,
        maxBufferedBytes: this.options.maxBufferedBytes,
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

/** The first cookie of that name in a Cookie header (bounded by Node's header size limit). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 8192 ? value : undefined;
    }
  }
  return undefined;
}

function refuse(socket: Duplex, status: number, text: string): void {
  const body = JSON.stringify({ message: text.toLowerCase() });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
