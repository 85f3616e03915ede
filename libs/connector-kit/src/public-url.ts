import { ConnectorError } from './errors';

/** What the ingress knows about an HTTP request to rebuild the URL the provider called. */
export interface CalledRequest {
  /** Request target as received: path and exact query string (`/twilio?x=1`). */
  readonly target: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** True when the connection to this process is TLS. */
  readonly encrypted: boolean;
}

export interface PublicUrlOptions {
  /**
   * The public base URL providers call (`https://chat.example.com`, optionally with a path prefix
   * such as `https://example.com/platform`). When set, it wins over every header.
   */
  readonly publicUrl?: string;
  /** Use `X-Forwarded-Proto` / `X-Forwarded-Host` (first values) when no public URL is set. Default true. */
  readonly trustForwardedHeaders?: boolean;
}

/**
 * The URL the provider called, which is what providers sign (Twilio: scheme, host, port, path and the
 * exact query string). Behind a proxy or the gateway the process sees another scheme and host, so a
 * configured public URL (or, without one, the forwarded headers) names them; path and query are kept
 * byte for byte.
 */
export function calledUrl(request: CalledRequest, options: PublicUrlOptions = {}): string {
  if (!request.target.startsWith('/')) throw new ConnectorError(`request target ${JSON.stringify(request.target.slice(0, 64))} is not a path`);
  if (options.publicUrl !== undefined) return `${trimSlash(options.publicUrl)}${request.target}`;
  const trust = options.trustForwardedHeaders ?? true;
  const proto = (trust ? first(request.headers['x-forwarded-proto']) : undefined) ?? (request.encrypted ? 'https' : 'http');
  const host = (trust ? first(request.headers['x-forwarded-host']) : undefined) ?? first(request.headers.host);
  if (host === undefined || host === '') throw new ConnectorError('request has no Host header');
  return `${proto}://${host}${request.target}`;
}

/** Checks a configured public URL: absolute http(s), no query or fragment. Returns it without a trailing slash. */
export function checkPublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConnectorError(`public URL ${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectorError(`public URL ${JSON.stringify(value)} must be http or https`);
  if (url.search !== '' || url.hash !== '') throw new ConnectorError(`public URL ${JSON.stringify(value)} must have no query or fragment`);
  return trimSlash(value);
}

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const head = text.split(',')[0]!.trim();
  return head === '' ? undefined : head;
}

function trimSlash(base: string): string {
  return base.endsWith('/') ? base.slice(0, -1) : base;
}
