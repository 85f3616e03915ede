import * as net from 'node:net';
import * as tls from 'node:tls';
import { FetchError } from './errors';
import { Reader, Writer } from './wire';

export interface SaslOptions {
  mechanism: string;
  username: string;
  password: string;
}

export interface BrokerConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  ssl?: tls.ConnectionOptions | boolean;
  sasl?: SaslOptions;
  requestTimeoutMs: number;
  /**
   * Largest response frame accepted (default 128 MiB): a size prefix above it (a corrupt stream, not
   * a Kafka broker) closes the connection before anything is allocated.
   */
  maxFrameBytes?: number;
}

const DEFAULT_MAX_FRAME_BYTES = 128 * 1024 * 1024;

interface Pending {
  resolve: (body: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const SASL_HANDSHAKE = { key: 17, version: 1 };
const SASL_AUTHENTICATE = { key: 36, version: 1 };

/** Throws (before any connection is made) when the SASL mechanism is not one this reader speaks. */
export function checkSasl(sasl: SaslOptions | undefined): void {
  if (sasl && sasl.mechanism.toLowerCase() !== 'plain') {
    throw new FetchError(`SASL mechanism ${sasl.mechanism} is not supported by the fetch reader (PLAIN only)`, { retriable: false });
  }
}

/**
 * One TCP (or TLS) connection to a broker: 4-byte size framing, request header v1, response header v0,
 * several requests in flight matched by correlation id, a timeout per request, optional SASL PLAIN.
 */
export class BrokerConnection {
  private readonly pending = new Map<number, Pending>();
  private correlationId = 0;
  private closedWith: Error | undefined;
  // Frame assembly: the size prefix (possibly split across chunks), then the frame body.
  private readonly sizeBytes = Buffer.alloc(4);
  private sizeFill = 0;
  private frame: Buffer | undefined;
  private frameFill = 0;

  private constructor(
    private readonly socket: net.Socket,
    private readonly options: BrokerConnectionOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new FetchError(`connection to ${this.address} failed: ${error.message}`, { retriable: true, cause: error })));
    socket.on('close', () => this.fail(new FetchError(`connection to ${this.address} closed`, { retriable: true })));
  }

  /** Connects and, when configured, authenticates with SASL PLAIN. */
  static async connect(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    checkSasl(options.sasl);
    const socket = await openSocket(options);
    const connection = new BrokerConnection(socket, options);
    try {
      if (options.sasl) await connection.authenticate(options.sasl);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /** Sends one request; resolves with the response body (after the correlation id), a view of its frame. */
  request(apiKey: number, apiVersion: number, encodeBody: (writer: Writer) => void): Promise<Buffer> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const correlationId = (this.correlationId = (this.correlationId + 1) & 0x7fffffff);
    const writer = new Writer(512);
    writer.int32(0).int16(apiKey).int16(apiVersion).int32(correlationId).string(this.options.clientId);
    encodeBody(writer);
    writer.int32At(0, writer.length - 4);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The stream can no longer be trusted to line up with what is pending: drop the connection.
        this.fail(new FetchError(`request ${apiKey} to ${this.address} timed out after ${this.options.requestTimeoutMs} ms`, { retriable: true }));
      }, this.options.requestTimeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
      this.socket.write(writer.toBuffer());
    });
  }

  /** Closes the socket; pending requests reject with a retriable FetchError. */
  close(): void {
    this.fail(new FetchError(`connection to ${this.address} closed by the reader`, { retriable: true }));
  }

  private fail(error: Error): void {
    if (!this.closedWith) {
      this.closedWith = error;
      this.socket.destroy();
    }
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
  }

  private onData(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length) {
      if (!this.frame) {
        while (this.sizeFill < 4 && position < chunk.length) this.sizeBytes[this.sizeFill++] = chunk[position++];
        if (this.sizeFill < 4) return;
        const size = this.sizeBytes.readInt32BE(0);
        if (size < 4) return this.fail(new FetchError(`invalid frame size ${size} from ${this.address}`, { retriable: true }));
        const maxFrameBytes = this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
        if (size > maxFrameBytes) return this.fail(new FetchError(`frame of ${size} bytes from ${this.address} is over the limit of ${maxFrameBytes} bytes`, { retriable: true }));
        this.frame = Buffer.allocUnsafe(size);
        this.frameFill = 0;
      }
      const take = Math.min(this.frame.length - this.frameFill, chunk.length - position);
      chunk.copy(this.frame, this.frameFill, position, position + take);
      this.frameFill += take;
      position += take;
      if (this.frameFill === this.frame.length) {
        const frame = this.frame;
        this.frame = undefined;
        this.sizeFill = 0;
        this.dispatch(frame);
      }
    }
  }

  private dispatch(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const pending = this.pending.get(correlationId);
    if (!pending) return; // a request that already timed out
    this.pending.delete(correlationId);
    clearTimeout(pending.timer);
    pending.resolve(frame.subarray(4));
  }

  private async authenticate(sasl: SaslOptions): Promise<void> {
    const handshake = new Reader(await this.request(SASL_HANDSHAKE.key, SASL_HANDSHAKE.version, (w) => w.string('PLAIN')));
    const handshakeError = handshake.int16();
    if (handshakeError !== 0) {
      const count = handshake.int32();
      const mechanisms: string[] = [];
      for (let i = 0; i < count; i++) mechanisms.push(handshake.string());
      throw new FetchError(`broker ${this.address} refused SASL PLAIN (error ${handshakeError}; enabled: ${mechanisms.join(', ')})`, { retriable: false });
    }
    const token = Buffer.from(`\0${sasl.username}\0${sasl.password}`, 'utf8');
    const auth = new Reader(await this.request(SASL_AUTHENTICATE.key, SASL_AUTHENTICATE.version, (w) => w.bytes(token)));
    const errorCode = auth.int16();
    const message = auth.nullableString();
    if (errorCode !== 0) {
      throw new FetchError(`SASL PLAIN authentication to ${this.address} failed (error ${errorCode}): ${message ?? ''}`, { retriable: false });
    }
  }
}

function openSocket(options: BrokerConnectionOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const { host, port, ssl } = options;
    const socket = ssl
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...(typeof ssl === 'object' ? ssl : {}) })
      : net.connect({ host, port });
    const event = ssl ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new FetchError(`connecting to ${host}:${port} timed out`, { retriable: true }));
    }, options.requestTimeoutMs);
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(new FetchError(`connecting to ${host}:${port} failed: ${error.message}`, { retriable: true, cause: error }));
    };
    socket.once('error', onError);
    socket.once(event, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
