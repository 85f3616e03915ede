import { header, StompServerSession, type StompLimits, type StompSessionHandler, type StompSubscribeRequest, type StompTransport } from '@platform/stomp';
import type { Logger } from '@platform/common';
import type { EventLog, LiveEvent } from './event-log';
import { formatPosition, parsePosition, type Position } from './position';
import { parseSelector, selects, type Selector } from './selector';

export const EVENTS_DESTINATION = '/events';

export type SessionTransport = StompTransport;

export interface StompSessionOptions {
  readonly id: string;
  readonly log: EventLog;
  /** `{ ok: true, name }` or `{ ok: false, message }` for an `Authorization` value (`Bearer …`). */
  readonly authenticate: (authorization: string) => Promise<{ readonly ok: true; readonly name: string } | { readonly ok: false; readonly message: string }>;
  /** Credentials of the websocket handshake (the `airy_auth_token` cookie or an `Authorization` header), used when CONNECT carries none. */
  readonly handshakeAuthorization: string | undefined;
  readonly limits: StompLimits;
  /** What the server offers for both heart-beat directions (ms). */
  readonly heartbeatMs: number;
  readonly maxSubscriptions: number;
  /** A client whose unsent bytes exceed this is too slow: ERROR and close. */
  readonly maxBufferedBytes: number;
  readonly logger: Logger;
}

interface Subscription {
  readonly id: string;
  readonly selector: Selector;
  readonly next: Position;
  live: boolean;
  cursor: number;
}

/**
 * One STOMP 1.2 connection on `/ws.communication` (the protocol itself is `@platform/stomp`'s
 * StompServerSession): SUBSCRIBE `/events` (optionally resuming from a `position`, optionally narrowed
 * by `conversation-ids` / `channel-ids`), MESSAGE frames with the event envelope and the
 * subscription's position after it. Anything else, or anything over a limit, is answered with ERROR
 * and the socket is closed.
 */
export class StompSession implements StompSessionHandler<string> {
  private readonly stomp: StompServerSession<string>;
  private readonly subscriptions = new Map<string, Subscription>();
  private unlisten: (() => void) | undefined;

  constructor(private readonly options: StompSessionOptions, private readonly transport: SessionTransport) {
    const { id, limits, heartbeatMs, maxSubscriptions, logger, handshakeAuthorization } = options;
    this.stomp = new StompServerSession<string>(
      {
        id,
        limits,
        heartbeatMs,
        maxSubscriptions,
        logger,
        ...(handshakeAuthorization === undefined ? {} : { handshakeAuthorization }),
        sendRefusal: 'SEND is not supported: this endpoint only pushes events',
        authenticate: async (authorization) => {
          if (authorization === undefined) return { ok: false, message: 'missing credentials' };
          const result = await options.authenticate(authorization);
          return result.ok ? { ok: true, principal: result.name, name: result.name } : result;
        },
      },
      transport,
      this,
    );
  }

  onData(data: Buffer): void {
    this.stomp.onData(data);
  }

  /** The socket is gone: stop timers and live delivery. */
  onClose(): void {
    this.stomp.onClose();
  }

  connected(): void {
    this.unlisten = this.options.log.onEvent((event) => this.onLive(event));
  }

  closed(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    this.subscriptions.clear();
  }

  unsubscribe(id: string): void {
    this.subscriptions.delete(id);
  }

  subscribe({ id, destination, frame }: StompSubscribeRequest): string | undefined {
    if (destination !== EVENTS_DESTINATION) return `unknown destination; the only one is ${EVENTS_DESTINATION}`;
    const selector = parseSelector(header(frame, 'conversation-ids'), header(frame, 'channel-ids'));
    if (typeof selector === 'string') return selector;
    const log = this.options.log;
    const positionText = header(frame, 'position');
    let next: Position;
    if (positionText === undefined) next = log.current();
    else {
      const parsed = parsePosition(positionText);
      const position = parsed === undefined ? undefined : log.normalize(parsed);
      if (position === undefined) return 'malformed position';
      if (!log.covers(position)) return 'position expired (older than the replay window); reload and subscribe without a position';
      next = position;
    }
    const subscription: Subscription = { id, selector, next, live: positionText === undefined, cursor: log.firstSeq };
    this.subscriptions.set(id, subscription);
    if (!subscription.live) this.replay(subscription);
    return undefined;
  }

  /** Sends the window's events after the subscription's position, pausing while the socket's buffer is full; then goes live. */
  private replay(subscription: Subscription): void {
    const log = this.options.log;
    while (subscription.cursor < log.endSeq) {
      if (!this.stomp.connected || this.subscriptions.get(subscription.id) !== subscription) return;
      const event = log.at(subscription.cursor);
      if (event === undefined) return this.stomp.fail('position expired while replaying (older than the replay window); reload and subscribe without a position');
      subscription.cursor++;
      this.deliver(subscription, event);
      if (this.transport.bufferedAmount() > this.options.maxBufferedBytes / 4) {
        setTimeout(() => this.replay(subscription), 10).unref();
        return;
      }
    }
    subscription.live = true;
  }

  private onLive(event: LiveEvent): void {
    if (!this.stomp.connected) return;
    for (const subscription of this.subscriptions.values()) if (subscription.live) this.deliver(subscription, event);
    if (this.transport.bufferedAmount() > this.options.maxBufferedBytes) this.stomp.fail('client too slow: too many unsent events');
  }

  private deliver(subscription: Subscription, event: LiveEvent): void {
    if (event.offset < (subscription.next[event.partition] ?? 0n)) return;
    subscription.next[event.partition] = event.offset + 1n;
    if (!selects(subscription.selector, event)) return;
    this.stomp.message(subscription.id, EVENTS_DESTINATION, event.body, [['position', formatPosition(subscription.next)]]);
  }
}
