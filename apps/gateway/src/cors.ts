import type { IncomingMessage, ServerResponse } from 'node:http';

export type CorsOrigins = '*' | readonly string[];

const allowedMethods = 'GET, POST, OPTIONS';
const allowedHeaders = 'Authorization, Content-Type, x-streams-position';
const exposedHeaders = 'Retry-After, x-streams-position';

/**
 * CORS for the one origin browsers use: allowed origins get `Access-Control-Allow-Origin` on every
 * answer (proxied ones included), and preflights (`OPTIONS` with `Access-Control-Request-Method`) are
 * answered here with 204 for any path, never forwarded. Other origins get no CORS headers, so browsers
 * refuse them.
 */
export function corsMiddleware(origins: CorsOrigins | undefined) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    const allowed = origins !== undefined && origin !== undefined && (origins === '*' || origins.includes(origin));
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origins === '*' ? '*' : origin);
      res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
    }
    if (origins !== '*' && origins !== undefined) res.setHeader('Vary', 'Origin');
    if (!preflight) {
      next();
      return;
    }
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', allowedMethods);
      res.setHeader('Access-Control-Allow-Headers', allowedHeaders);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.statusCode = 204;
    res.setHeader('Content-Length', '0');
    res.end();
  };
}
