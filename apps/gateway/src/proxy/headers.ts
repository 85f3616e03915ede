import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** Headers that describe one connection, never forwarded as they are (RFC 9110 §7.6.1). */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  return new Set((value ?? '').split(',').map((token) => token.trim().toLowerCase()).filter((token) => token.length > 0));
}

/** Request headers to send upstream: hop-by-hop ones dropped, `x-forwarded-*` added. */
export function upstreamRequestHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const listed = connectionListed(req.headers);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !hopByHop.has(name) && !listed.has(name)) headers[name] = value;
  }
  Object.assign(headers, forwardedHeaders(req));
  return headers;
}

/** `x-forwarded-for` (appended), `x-forwarded-host` and `x-forwarded-proto` of a request. */
export function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const client = req.socket.remoteAddress ?? 'unknown';
  const previous = req.headers['x-forwarded-for'];
  const chain = Array.isArray(previous) ? previous.join(', ') : previous;
  return {
    'x-forwarded-for': chain === undefined || chain === '' ? client : `${chain}, ${client}`,
    'x-forwarded-host': req.headers['x-forwarded-host']?.toString() ?? req.headers.host ?? '',
    'x-forwarded-proto': req.headers['x-forwarded-proto']?.toString() ?? 'http',
  };
}

/**
 * Response headers to send back: hop-by-hop ones dropped, and the upstream's CORS headers too (the
 * gateway is the one origin browsers talk to and sets CORS itself).
 */
export function downstreamResponseHeaders(upstream: IncomingMessage): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.headers);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || hopByHop.has(name) || listed.has(name) || name.startsWith('access-control-')) continue;
    headers[name] = value;
  }
  return headers;
}
