import type { OutgoingHttpHeaders } from 'node:http';
import { FORWARDED_HEADER, POSITION_HEADER } from './answers';
import type { HttpAnswer, HttpRequest } from './http';
import { PeerHttp, type PeerExchange } from './peer-http';

/** Hop-by-hop and length headers that must not be copied onto a forwarded request. */
const DROPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade']);
/** Response headers of a forwarded request passed back to the client. */
const KEPT = ['content-type', 'retry-after', 'location', 'etag', 'cache-control', POSITION_HEADER];
/** Request headers passed on to a peer call (credentials, request correlation). */
const PASSED_ON = ['authorization', 'x-request-id'];

/** A peer's answer to a call, or why there was none. Reasons never name the peer's address. */
export type PeerReply<T> = { readonly ok: true; readonly status: number; readonly body: T } | { readonly ok: false; readonly status?: number; readonly reason: string };

export interface PeerCallOptions {
  /** The client request whose credentials and request id are passed on. */
  readonly on?: HttpRequest;
  /** Authorization header value to use instead (e.g. the system token for internal reads). */
  readonly authorization?: string;
  /** Deadline of this call instead of the client's (a held stamp watch). */
  readonly timeoutMs?: number;
}

/**
 * Calls other replicas of the same application: forwards a client's request to the owner of its key,
 * or POSTs an internal route (a replica's part of a list). Every call carries `FORWARDED_HEADER` (a
 * replica never forwards a forwarded request again) and is bounded by `timeoutMs`.
 */
export class PeerClient {
  private readonly http = new PeerHttp();

  constructor(
    private readonly self: () => string | undefined,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sends `req` to `owner` (`host:port`) with the same method, path, query and headers, and returns the
   * owner's answer; undefined when the owner is unreachable or too slow (the caller answers 503).
   */
  async forward(owner: string, req: HttpRequest): Promise<HttpAnswer | undefined> {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || DROPPED.has(name.toLowerCase())) continue;
      headers[name] = value;
    }
    headers[FORWARDED_HEADER] = this.self() ?? 'unknown';
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined;
    if (hasBody) headers['content-type'] = 'application/json';
    try {
      const response = await this.http.request(owner, req.method, req.originalUrl, headers, hasBody ? JSON.stringify(req.body) : undefined, this.timeoutMs);
      const kept: Record<string, string> = {};
      for (const name of KEPT) {
        const value = response.headers[name];
        if (typeof value === 'string') kept[name] = value;
      }
      return { status: response.status, headers: kept, body: { text: response.body.toString('utf8') } };
    } catch {
      return undefined;
    }
  }

  /** POSTs `body` as JSON to `path` of `endpoint`; a 200 with a JSON body is `ok`, anything else a reason. */
  async post<T>(endpoint: string, path: string, body: unknown, options: PeerCallOptions = {}): Promise<PeerReply<T>> {
    const headers: OutgoingHttpHeaders = { 'content-type': 'application/json', [FORWARDED_HEADER]: this.self() ?? 'unknown' };
    for (const name of PASSED_ON) {
      const value = options.on?.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    let response: PeerExchange;
    try {
      response = await this.http.request(endpoint, 'POST', path.startsWith('/') ? path : `/${path}`, headers, JSON.stringify(body), options.timeoutMs ?? this.timeoutMs);
    } catch (error) {
      // The kind of failure (TimeoutError, Error…), never its text: that names addresses.
      return { ok: false, reason: `unreachable (${error instanceof Error ? error.name : 'error'})` };
    }
    const parsed = parseJson(response.body);
    if (response.status !== 200 || parsed === undefined) {
      const message = (parsed as { message?: unknown } | undefined)?.message;
      return { ok: false, status: response.status, reason: `HTTP ${response.status}${typeof message === 'string' ? ` ${message}` : ''}` };
    }
    return { ok: true, status: response.status, body: parsed as T };
  }

  /** Closes the pooled connections to other replicas. */
  close(): void {
    this.http.close();
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
