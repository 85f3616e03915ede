import { errorMessage, type Logger } from '@platform/common';
import { header, serializeFrame, StompParser, StompProtocolError, type StompFrame, type StompLimits } from './stomp-frame';

/** What a session needs of its websocket. */
export interface StompTransport {
  send(text: string): void;
  /** Closes after what was sent is flushed. */
  close(code: number, reason: string): void;
  bufferedAmount(): number;
}

export type StompAuthentication<P> = { readonly ok: true; readonly principal: P; readonly name: string } | { readonly ok: false; readonly message: string };

export interface StompServerSessionOptions<P> {
  /** The CONNECTED `session` header and the prefix of every `message-id`. */
  readonly id: string;
  /**
   * Checks the credentials: the CONNECT frame's `Authorization` header, else `handshakeAuthorization`
   * (`undefined` when there is neither). A refusal is answered `ERROR message:401 Unauthorized: …` and
   * the socket is closed (Airy's clients look for `401`).
   */
  readonly authenticate: (authorization: string | undefined) => Promise<StompAuthentication<P>>;
  /** Credentials taken from the websocket handshake, used when CONNECT carries none. */
  readonly handshakeAuthorization?: string;
  readonly limits: StompLimits;
  /** What the server offers for both heart-beat directions (ms); 0 disables heart-beats. */
  readonly heartbeatMs: number;
  readonly maxSubscriptions: number;
  /** The ERROR message answering a SEND (these endpoints only push). */
  readonly sendRefusal: string;
  readonly logger: Logger;
}

export interface StompSubscribeRequest {
  readonly id: string;
  readonly destination: string;
  readonly frame: StompFrame;
}

/** The endpoint-specific part of a session: what CONNECT, SUBSCRIBE and UNSUBSCRIBE mean there. */
export interface StompSessionHandler<P> {
  /** CONNECTED was sent for this principal. */
  connected(principal: P): void;
  /**
   * A SUBSCRIBE that passed the common checks (id present and unused, `ack:auto`, under the limit).
   * Returns an ERROR message to refuse it (the session is closed), or nothing to accept it.
   */
  subscribe(request: StompSubscribeRequest): string | undefined;
  unsubscribe(id: string): void;
  /** The session ended (DISCONNECT, ERROR, socket closed, heart-beat timeout); called once. */
  closed(): void;
}

/** Frames received but not yet handled: past this, a client that floods is closed. */
const maxPendingFrames = 64;
export const maxSubscriptionIdLength = 128;

/**
 * The server side of one STOMP 1.2 connection over a websocket, framework-free: CONNECT/STOMP
 * (1.2 only, authenticated) → CONNECTED with negotiated heart-beats (a beat is sent after `max(sx,cy)`
 * of silence; the socket is closed after 3 × `max(cx,sy)` without data, as Spring's broker), SUBSCRIBE /
 * UNSUBSCRIBE handed to the endpoint's handler, RECEIPT for any frame with `receipt`, DISCONNECT,
 * ACK/NACK/transactions accepted and ignored (subscriptions are `ack:auto`), SEND refused. Frames are
 * handled one at a time in arrival order. Anything malformed, unknown or over a limit is answered
 * with ERROR and the socket is closed (websocket status 1002, as Spring).
 */
export class StompServerSession<P> {
  private readonly parser: StompParser;
  private readonly subscriptions = new Set<string>();
  private state: 'new' | 'connecting' | 'connected' | 'closed' = 'new';
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  /** The input broke the grammar or a limit: nothing more is read. */
  private broken = false;
  private counter = 0;
  private lastSent = Date.now();
  private lastReceived = Date.now();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly options: StompServerSessionOptions<P>,
    private readonly transport: StompTransport,
    private readonly handler: StompSessionHandler<P>,
  ) {
    this.parser = new StompParser(options.limits);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  bufferedAmount(): number {
    return this.transport.bufferedAmount();
  }

  /** Whatever one websocket message held. */
  onData(data: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReceived = Date.now();
    if (this.broken) return;
    let parsed: ReturnType<StompParser['pushUntilError']>;
    try {
      parsed = this.parser.pushUntilError(data);
    } catch (error) {
      this.options.logger.error('STOMP frame parsing failed', { error: errorMessage(error) });
      parsed = { frames: [], error: new StompProtocolError('malformed frame') };
    }
    for (const frame of parsed.frames) {
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
          this.options.logger.error('STOMP frame handling failed', { error: errorMessage(error) });
          this.fail('internal error');
        }
      });
    }
    const error = parsed.error;
    if (error !== undefined) {
      // Answered in order: the frames before the bad bytes are handled first (a CONNECT gets its CONNECTED).
      this.broken = true;
      this.queue = this.queue.then(() => this.fail(error.message));
    }
  }

  /** The socket is gone: stop timers, tell the handler. Idempotent. */
  onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.subscriptions.clear();
    this.handler.closed();
  }

  /** A MESSAGE frame to one of this session's subscriptions: `destination`, `subscription`, `message-id`, `content-type`, then `extra`. */
  message(subscriptionId: string, destination: string, body: string, extra: readonly (readonly [string, string])[] = []): void {
    if (this.state !== 'connected') return;
    this.send(
      serializeFrame(
        'MESSAGE',
        [['destination', destination], ['subscription', subscriptionId], ['message-id', `${this.options.id}-${this.counter++}`], ['content-type', 'application/json'], ...extra],
        body,
      ),
    );
  }

  /** ERROR with this message, then close (websocket status `code`, 1002 unless told). */
  fail(message: string, extra: readonly (readonly [string, string])[] = [], code = 1002, reason = 'protocol error'): void {
    if (this.state === 'closed') return;
    this.send(serializeFrame('ERROR', [['message', message], ...extra]));
    this.transport.close(code, reason);
    this.onClose();
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
        this.handler.unsubscribe(id);
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
        return this.fail(this.options.sendRefusal);
      case 'CONNECT':
      case 'STOMP':
        return this.fail('already connected');
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
    const result = await this.options.authenticate(authorization);
    if (this.state !== 'connecting') return;
    if (!result.ok) return this.fail(`401 Unauthorized: ${result.message}`);
    this.state = 'connected';
    const server = this.options.heartbeatMs;
    const [cx, cy] = [Number(beat[1]), Number(beat[2])];
    const outgoing = server === 0 || cy === 0 ? 0 : Math.max(server, cy);
    const incoming = server === 0 || cx === 0 ? 0 : Math.max(server, cx);
    this.send(serializeFrame('CONNECTED', [['version', '1.2'], ['heart-beat', `${server},${server}`], ['server', 'kafka-chat-platform/1'], ['session', this.options.id], ['user-name', result.name]]));
    if (outgoing > 0) {
      this.timers.push(
        setInterval(() => {
          if (Date.now() - this.lastSent >= outgoing) this.send('\n');
        }, outgoing),
      );
    }
    if (incoming > 0) {
      this.timers.push(
        setInterval(() => {
          // Spring drops a session after 3 × the client's interval of silence; so do we.
          if (Date.now() - this.lastReceived > 3 * incoming) {
            this.transport.close(1002, 'heart-beat timeout');
            this.onClose();
          }
        }, incoming),
      );
    }
    this.handler.connected(result.principal);
  }

  private subscribe(frame: StompFrame): void {
    const id = header(frame, 'id');
    const destination = header(frame, 'destination');
    if (id === undefined || id.length === 0 || id.length > maxSubscriptionIdLength) return this.fail(`SUBSCRIBE: id is required (at most ${maxSubscriptionIdLength} characters)`);
    if (destination === undefined) return this.fail('SUBSCRIBE: destination is required');
    const ack = header(frame, 'ack') ?? 'auto';
    if (ack !== 'auto') return this.fail('SUBSCRIBE: only ack:auto is supported');
    if (this.subscriptions.has(id)) return this.fail('SUBSCRIBE: id already in use');
    if (this.subscriptions.size >= this.options.maxSubscriptions) return this.fail(`SUBSCRIBE: at most ${this.options.maxSubscriptions} subscriptions per connection`);
    this.subscriptions.add(id);
    const refusal = this.handler.subscribe({ id, destination, frame });
    if (refusal !== undefined) this.fail(`SUBSCRIBE: ${refusal}`);
  }

  private receipt(frame: StompFrame): void {
    const receipt = header(frame, 'receipt');
    if (receipt !== undefined) this.send(serializeFrame('RECEIPT', [['receipt-id', receipt]]));
  }

  private send(text: string): void {
    this.lastSent = Date.now();
    this.transport.send(text);
  }
}
