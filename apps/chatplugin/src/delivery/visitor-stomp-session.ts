import { errorMessage, type Logger } from '@platform/common';
import { StompServerSession, type StompLimits, type StompSessionHandler, type StompSubscribeRequest, type StompTransport } from '@platform/stomp';
import { ChatpluginError } from '../errors';
import { bearerToken, type VisitorIdentity } from '../visitor/visitor-tokens';
import type { DeliveryService } from './delivery-service';
import { VisitorSession, type SocketHub } from './socket-hub';

/** The one destination of the visitor socket: Airy's per-visitor user queue. */
export const VISITOR_DESTINATION = '/user/queue/message';

export interface VisitorStompOptions {
  readonly id: string;
  readonly hub: SocketHub;
  readonly delivery: Pick<DeliveryService, 'onConnect'>;
  /** The visitor of a token on an open channel; throws (ChatpluginError, 401) otherwise. */
  readonly authenticate: (token: string | undefined) => Promise<VisitorIdentity>;
  readonly limits: StompLimits;
  readonly heartbeatMs: number;
  readonly maxSubscriptions: number;
  /** A visitor whose unsent bytes exceed this is too slow: ERROR and close. */
  readonly maxBufferedBytes: number;
  readonly logger: Logger;
}

/**
 * One visitor's STOMP connection on `/ws.chatplugin` (the protocol is `@platform/stomp`): CONNECT
 * with `Authorization: Bearer <visitor token>` (principal = the conversation), SUBSCRIBE
 * `/user/queue/message` only. From the first subscription on, the connection is a VisitorSession in
 * the hub: every message of its conversation that reaches this replica is sent as one MESSAGE per
 * subscription (destination `/user/queue/message`, body `{channel_id, conversation_id, message}`),
 * after the conversation's pending replies.
 */
export class VisitorStompSession implements StompSessionHandler<VisitorIdentity> {
  private readonly stomp: StompServerSession<VisitorIdentity>;
  private readonly subscriptions: string[] = [];
  private identity: VisitorIdentity | undefined;
  private visitor: VisitorSession | undefined;

  constructor(
    private readonly options: VisitorStompOptions,
    private readonly transport: StompTransport,
  ) {
    const { id, limits, heartbeatMs, maxSubscriptions, logger } = options;
    this.stomp = new StompServerSession<VisitorIdentity>(
      {
        id,
        limits,
        heartbeatMs,
        maxSubscriptions,
        logger,
        sendRefusal: 'SEND is not supported: visitors send messages with POST /chatplugin.send',
        authenticate: async (authorization) => {
          try {
            const identity = await options.authenticate(bearerToken(authorization));
            return { ok: true, principal: identity, name: identity.conversationId };
          } catch (error) {
            if (error instanceof ChatpluginError) return { ok: false, message: error.message };
            logger.error('visitor websocket authentication failed', { error: errorMessage(error) });
            return { ok: false, message: 'the visitor token cannot be checked now' };
          }
        },
      },
      transport,
      this,
    );
  }

  onData(data: Buffer): void {
    this.stomp.onData(data);
  }

  onClose(): void {
    this.stomp.onClose();
  }

  connected(identity: VisitorIdentity): void {
    this.identity = identity;
  }

  subscribe({ id, destination }: StompSubscribeRequest): string | undefined {
    if (destination !== VISITOR_DESTINATION) return `unknown destination; the only one is ${VISITOR_DESTINATION}`;
    this.subscriptions.push(id);
    if (this.visitor === undefined && this.identity !== undefined) this.join(this.identity);
    return undefined;
  }

  unsubscribe(id: string): void {
    const index = this.subscriptions.indexOf(id);
    if (index >= 0) this.subscriptions.splice(index, 1);
    if (this.subscriptions.length === 0) this.leave();
  }

  closed(): void {
    this.subscriptions.length = 0;
    this.leave();
  }

  /** Registers with the hub and pushes the conversation's pending replies. */
  private join(identity: VisitorIdentity): void {
    const { hub, delivery, logger } = this.options;
    const visitor = new VisitorSession(identity, {
      send: (body) => this.send(body),
      close: (code, reason) => this.stomp.fail(reason, [], code, reason),
    });
    this.visitor = visitor;
    hub.add(visitor);
    delivery.onConnect(visitor).catch((error: unknown) => {
      logger.warn('could not deliver pending replies to a visitor; closing the socket so it reconnects', { conversationId: identity.conversationId, error: errorMessage(error) });
      this.stomp.fail('503 Service Unavailable: the conversation cannot be read now; reconnect later', [], 1013, 'try again later');
    });
  }

  private leave(): void {
    if (this.visitor !== undefined) this.options.hub.remove(this.visitor);
    this.visitor = undefined;
  }

  /** One MESSAGE per subscription; throws when the socket cannot take it (the hub then does not count it as sent). */
  private send(body: string): void {
    if (!this.stomp.connected || this.subscriptions.length === 0) throw new ChatpluginError('visitor socket is not open');
    if (this.transport.bufferedAmount() > this.options.maxBufferedBytes) {
      this.stomp.fail('client too slow: too many unsent messages');
      throw new ChatpluginError('visitor socket is too slow');
    }
    for (const subscription of this.subscriptions) this.stomp.message(subscription, VISITOR_DESTINATION, body);
  }
}
