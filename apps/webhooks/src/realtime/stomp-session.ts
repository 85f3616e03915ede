import { errorMessage, type Logger } from '@platform/common';
import type { EventLog, LiveEvent } from './event-log';
import { formatPosition, parsePosition, type Position } from './position';
import { parseSelector, selects, type Selector } from './selector';
import { header, serializeFrame, StompParser, StompProtocolError, type StompFrame, type StompLimits } from './stomp-frame';

export const EVENTS_DESTINATION = '/events';

export interface SessionTransport {
  send(text: string): void;
  /** Closes after what was sent is flushed. */
  close(code: number, reason: string): void;
  bufferedAmount(): number;
}

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

const maxPendingFrames = 64;

/**
 * One STOMP 1.2 connection on `/ws.communication`: CONNECT (authenticated) → CONNECTED with negotiated
 * heart-beats, SUBSCRIBE `/events` (optionally resuming from a `position`, optionally narrowed by
 * `conversation-ids` / `channel-ids`), MESSAGE frames with the event envelope and the subscription's
 * position after it, UNSUBSCRIBE, DISCONNECT with RECEIPT. Anything else, or anything over a limit,
 * is answered with ERROR and the socket is closed.
 */
export class StompSession {
  private readonly parser: StompParser;
  private readonly subscriptions = new Map<string, Subscription>();
  private state: 'new' | 'connecting' | 'connected' | 'closed' = 'new';
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private counter = 0;
  private lastSent = Date.now();
  private lastReceived = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => void) | undefined;

  constructor(private readonly options: StompSessionOptions, private readonly transport: SessionTransport) {
    this.parser = new StompParser(options.limits);
  }

  onData(data: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReceived = Date.now();
    let frames: StompFrame[];
    try {
      frames = this.parser.push(data);
    } catch (error) {
      this.fail(error instanceof StompProtocolError ? error.message : 'malformed frame');
      return;
    }
    for (const frame of frames) {
      if (++this.pending > maxPendingFrames) {
        this.fail(`more than ${maxPendingFrames} frames waiting`);
        return;
      }
      this.queue = this.queue.then(async () => {
        this.pending--;
        if (this.state === 'closed') return;
        try {
          await this.handle(frame);
        } catch (error) {
          this.options.logger.error('realtime frame handling failed', { error: errorMessage(error) });
          this.fail('internal error');
        }
      });
    }
  }

  /** The socket is gone: stop timers and live delivery. */
  onClose(): void {
    this.state = 'closed';
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.unlisten?.();
    this.unlisten = undefined;
    this.subscriptions.clear();
  }

  private async handle(frame: StompFrame): Promise<void> {
    if (this.state === 'new') {
      if (frame.command !== 'CONNECT' && frame.command !== 'STOMP') return this.fail('the first frame must be CONNECT');
      return this.connect(frame);
    }
    switch (frame.command) {
      case 'SUBSCRIBE':
        this.subscribe(frame);
        break;
      case 'UNSUBSCRIBE': {
        const id = header(frame, 'id');
        if (id === undefined || !this.subscriptions.delete(id)) return this.fail('UNSUBSCRIBE: unknown subscription id');
        break;
      }
      case 'DISCONNECT':
        this.receipt(frame);
        this.transport.close(1000, 'disconnected');
        this.onClose();
        return;
      case 'ACK':
      case 'NACK':
      case 'BEGIN':
      case 'COMMIT':
      case 'ABORT':
        // Subscriptions are ack:auto and nothing is transactional here: accepted and ignored.
        break;
      case 'SEND':
        return this.fail('SEND is not supported: this endpoint only pushes events');
      default:
        return this.fail(`unknown command ${frame.command}`);
    }
    if (this.state === 'connected') this.receipt(frame);
  }

  private async connect(frame: StompFrame): Promise<void> {
    this.state = 'connecting';
    const versions = (header(frame, 'accept-version') ?? '1.0').split(',').map((v) => v.trim());
    if (!versions.includes('1.2')) return this.fail('supported protocol versions are 1.2', [['version', '1.2']]);
    const beat = (header(frame, 'heart-beat') ?? '0,0').match(/^(\d{1,9}),(\d{1,9})$/);
    if (!beat) return this.fail('malformed heart-beat header');
    const authorization = header(frame, 'Authorization') ?? header(frame, 'authorization') ?? this.options.handshakeAuthorization;
    const result = authorization === undefined ? ({ ok: false, message: 'missing credentials' } as const) : await this.options.authenticate(authorization);
    if (this.state !== 'connecting') return;
    if (!result.ok) return this.fail(`401 Unauthorized: ${result.message}`);
    this.state = 'connected';
    const server = this.options.heartbeatMs;
    const [cx, cy] = [Number(beat[1]), Number(beat[2])];
    const outgoing = server === 0 || cy === 0 ? 0 : Math.max(server, cy);
    const incoming = server === 0 || cx === 0 ? 0 : Math.max(server, cx);
    this.send(serializeFrame('CONNECTED', [['version', '1.2'], ['heart-beat', `${server},${server}`], ['server', 'kafka-chat-platform/1'], ['session', this.options.id], ['user-name', result.name]]));
    if (outgoing > 0) this.timers.push(setInterval(() => {
      if (Date.now() - this.lastSent >= outgoing) this.send('\n');
    }, outgoing));
    if (incoming > 0) this.timers.push(setInterval(() => {
      // Spring drops a session after 3 × the client's interval of silence; so do we.
      if (Date.now() - this.lastReceived > 3 * incoming) {
        this.transport.close(1002, 'heart-beat timeout');
        this.onClose();
      }
    }, incoming));
    this.unlisten = this.options.log.onEvent((event) => this.onLive(event));
  }

  private subscribe(frame: StompFrame): void {
    const id = header(frame, 'id');
    const destination = header(frame, 'destination');
    if (id === undefined || id.length === 0 || id.length > 128) return this.fail('SUBSCRIBE: id is required (at most 128 characters)');
    if (destination !== EVENTS_DESTINATION) return this.fail(`SUBSCRIBE: unknown destination; the only one is ${EVENTS_DESTINATION}`);
    const ack = header(frame, 'ack') ?? 'auto';
    if (ack !== 'auto') return this.fail('SUBSCRIBE: only ack:auto is supported');
    if (this.subscriptions.has(id)) return this.fail('SUBSCRIBE: id already in use');
    if (this.subscriptions.size >= this.options.maxSubscriptions) return this.fail(`SUBSCRIBE: at most ${this.options.maxSubscriptions} subscriptions per connection`);
    const selector = parseSelector(header(frame, 'conversation-ids'), header(frame, 'channel-ids'));
    if (typeof selector === 'string') return this.fail(`SUBSCRIBE: ${selector}`);
    const log = this.options.log;
    const positionText = header(frame, 'position');
    let next: Position;
    if (positionText === undefined) next = log.current();
    else {
      const parsed = parsePosition(positionText);
      const position = parsed === undefined ? undefined : log.normalize(parsed);
      if (position === undefined) return this.fail('SUBSCRIBE: malformed position');
      if (!log.covers(position)) return this.fail('SUBSCRIBE: position expired (older than the replay window); reload and subscribe without a position');
      next = position;
    }
    const subscription: Subscription = { id, selector, next, live: positionText === undefined, cursor: log.firstSeq };
    this.subscriptions.set(id, subscription);
    if (!subscription.live) this.replay(subscription);
  }

  /** Sends the window's events after the subscription's position, pausing while the socket's buffer is full; then goes live. */
  private replay(subscription: Subscription): void {
    const log = this.options.log;
    while (subscription.cursor < log.endSeq) {
      if (this.state !== 'connected' || this.subscriptions.get(subscription.id) !== subscription) return;
      const event = log.at(subscription.cursor);
      if (event === undefined) return this.fail('position expired while replaying (older than the replay window); reload and subscribe without a position');
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
    if (this.state !== 'connected') return;
    for (const subscription of this.subscriptions.values()) if (subscription.live) this.deliver(subscription, event);
    if (this.transport.bufferedAmount() > this.options.maxBufferedBytes) this.fail('client too slow: too many unsent events');
  }

  private deliver(subscription: Subscription, event: LiveEvent): void {
    if (event.offset < (subscription.next[event.partition] ?? 0n)) return;
    subscription.next[event.partition] = event.offset + 1n;
    if (!selects(subscription.selector, event)) return;
    this.send(
      serializeFrame(
        'MESSAGE',
        [
          ['destination', EVENTS_DESTINATION],
          ['subscription', subscription.id],
          ['message-id', `${this.options.id}-${this.counter++}`],
          ['content-type', 'application/json'],
          ['position', formatPosition(subscription.next)],
        ],
        event.body,
      ),
    );
  }

  private receipt(frame: StompFrame): void {
    const receipt = header(frame, 'receipt');
    if (receipt !== undefined) this.send(serializeFrame('RECEIPT', [['receipt-id', receipt]]));
  }

  private send(text: string): void {
    this.lastSent = Date.now();
    this.transport.send(text);
  }

  private fail(message: string, extra: readonly (readonly [string, string])[] = []): void {
    if (this.state === 'closed') return;
    this.send(serializeFrame('ERROR', [['message', message], ...extra]));
    this.transport.close(1002, 'protocol error');
    this.onClose();
  }
}
