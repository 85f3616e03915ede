import * as net from 'node:net';
import * as tls from 'node:tls';
import { FetchError } from './errors';
import { Writer } from './wire';

export interface BrokerConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  /** TLS towards the broker (true: default options). */
  readonly ssl?: tls.ConnectionOptions | boolean;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

interface Pending {
  readonly resolve: (body: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One connection to a broker: 4-byte size framing, request header v1 (api key, version,
 * correlation id, client id), response header v0, several requests in flight, each with a
 * timeout. A lost connection rejects everything pending with a retriable FetchError.
 */
export class BrokerConnection {
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private closed: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly options: BrokerConnectionOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new FetchError(`connection to ${this.address} failed: ${error.message}`, { retriable: true, cause: error })));
    socket.on('close', () => this.fail(new FetchError(`connection to ${this.address} closed`, { retriable: true })));
  }

  static connect(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    return new Promise((resolve, reject) => {
      const address = `${options.host}:${options.port}`;
      const secure = options.ssl !== undefined && options.ssl !== false;
      const socket = secure
        ? tls.connect({ host: options.host, port: options.port, servername: options.host, ...(options.ssl === true ? {} : (options.ssl as tls.ConnectionOptions)) })
        : net.connect({ host: options.host, port: options.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new FetchError(`connecting to ${address} timed out`, { retriable: true }));
      }, options.connectTimeoutMs ?? 10_000);
      const onError = (error: Error) => {
        clearTimeout(timer);
        reject(new FetchError(`connecting to ${address} failed: ${error.message}`, { retriable: true, cause: error }));
      };
      socket.once('error', onError);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new BrokerConnection(socket, options));
      });
    });
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /** Sends a request (`body` written by `encode` after the header) and resolves with the response body after the correlation id. */
  request(apiKey: number, apiVersion: number, encode: (writer: Writer) => void): Promise<Buffer> {
    if (this.closed) return Promise.reject(this.closed);
    const correlationId = this.nextCorrelationId++;
    const writer = new Writer(512);
    writer.int32(0); // size, set below
    writer.int16(apiKey).int16(apiVersion).int32(correlationId).string(this.options.clientId);
    encode(writer);
    writer.int32At(0, writer.length - 4);
    return new Promise<Buffer>((resolve, reject) => {
      const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new FetchError(`request ${apiKey} v${apiVersion} to ${this.address} timed out after ${timeoutMs} ms`, { retriable: true }));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
      this.socket.write(writer.toBuffer());
    });
  }

  close(): void {
    this.fail(new FetchError(`connection to ${this.address} closed by the reader`, { retriable: true }));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    for (;;) {
      if (this.receivedBytes < 4) return;
      const head = this.received[0]!.length >= 4 ? this.received[0]! : Buffer.concat(this.received);
      const size = head.readInt32BE(0);
      if (this.receivedBytes < 4 + size) return;
      const all = this.received.length === 1 ? this.received[0]! : Buffer.concat(this.received);
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      this.received = rest.length > 0 ? [rest] : [];
      this.receivedBytes = rest.length;
      const correlationId = frame.readInt32BE(0);
      const waiting = this.pending.get(correlationId);
      if (!waiting) continue; // timed out meanwhile
      this.pending.delete(correlationId);
      clearTimeout(waiting.timer);
      waiting.resolve(frame.subarray(4));
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.pending.clear();
  }
}
