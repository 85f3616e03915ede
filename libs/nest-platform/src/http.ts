import type { Principal } from '@platform/auth';

/**
 * The request/response members this lib uses. Express's objects (Nest's default platform) satisfy them;
 * declaring them here keeps the lib free of @types/express.
 */
export interface PlatformRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly originalUrl: string;
  /** Path without the query (Express). */
  readonly path?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: unknown;
  /** Express's matched route, set once routing found a handler. */
  readonly route?: { readonly path?: unknown };
  /** Set by the auth guard on authenticated requests. */
  principal?: Principal;
}

export interface PlatformResponse {
  statusCode: number;
  readonly headersSent: boolean;
  status(code: number): PlatformResponse;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
  send(body?: unknown): unknown;
  end(chunk: string): unknown;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

export function headerValue(req: PlatformRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The request path without its query string. */
export function requestPath(req: PlatformRequest): string {
  if (typeof req.path === 'string') return req.path;
  const query = req.originalUrl.indexOf('?');
  return query < 0 ? req.originalUrl : req.originalUrl.slice(0, query);
}
