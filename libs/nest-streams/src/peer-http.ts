import * as http from 'node:http';

/** What a peer answered: status, headers and the whole body. */
export interface PeerExchange {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The deadline of a peer call passed (the name mirrors the DOM's TimeoutError of fetch). */
export class PeerTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Replica-to-replica HTTP/1.1 on a keep-alive pool, with a deadline covering the whole exchange (connect,
 * send, answer). Node's own `http` client, not `fetch`: a list gathered from two replicas spent about a
 * quarter of the asking replica's CPU in undici's fetch layers (WHATWG streams, AbortSignal.timeout's
 * transferable signal, separate header and body writes); `http.request` writes headers and a known body
 * in one syscall. Idle pooled sockets are closed after `idleMs` (below Node servers' 5 s keep-alive, so a
 * request rarely lands on a socket the peer is closing) and never keep the process alive (Agent unrefs them).
 */
export class PeerHttp {
  private readonly agent: http.Agent;
  private readonly targets = new Map<string, { host: string; port: number }>();

  constructor(idleMs = 4_000) {
    this.agent = new http.Agent({ keepAlive: true, timeout: idleMs, scheduling: 'lifo' });
  }

  request(endpoint: string, method: string, path: string, headers: http.OutgoingHttpHeaders, body: string | undefined, timeoutMs: number): Promise<PeerExchange> {
    const target = this.target(endpoint);
    return new Promise<PeerExchange>((resolve, reject) => {
      const req = http.request({ host: target.host, port: target.port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) }, agent: this.agent });
      const fail = (error: Error) => {
        clearTimeout(deadline);
        reject(error); // a promise settles once: later errors of the same exchange are dropped
      };
      const deadline = setTimeout(() => {
        const error = new PeerTimeoutError(`no answer within ${timeoutMs} ms`);
        fail(error);
        req.destroy(error);
      }, timeoutMs);
      req.on('error', fail);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.once('end', () => {
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        });
      });
      req.end(body);
    });
  }

  /** Closes the pooled sockets. */
  close(): void {
    this.agent.destroy();
  }

  /** `host:port` (or `[v6]:port`) → host and port, parsed once per peer. */
  private target(endpoint: string): { host: string; port: number } {
    let target = this.targets.get(endpoint);
    if (target === undefined) {
      const url = new URL(`http://${endpoint}`);
      target = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 80) };
      if (this.targets.size >= 1024) this.targets.clear();
      this.targets.set(endpoint, target);
    }
    return target;
  }
}
