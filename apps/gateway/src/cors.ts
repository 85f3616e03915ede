import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

export type CorsOrigins = '*' | readonly string[];

/**
 * CORS for the one origin browsers use, by the `cors` package: allowed origins get
 * `Access-Control-Allow-Origin` on every answer (proxied ones included, with `Vary: Origin` unless every
 * origin is allowed), and preflights (`OPTIONS`) are answered here with 204 for any path, never
 * forwarded. Other origins get no `Access-Control-Allow-Origin`, so browsers refuse them.
 */
export function corsMiddleware(origins: CorsOrigins | undefined): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  return cors({
    // An empty list (no CORS_ORIGINS) allows no origin but still answers preflights here.
    origin: origins === '*' ? '*' : [...(origins ?? [])],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'x-streams-position', 'x-request-id'],
    exposedHeaders: ['Retry-After', 'x-streams-position', 'x-request-id'],
    maxAge: 600,
    preflightContinue: false,
    optionsSuccessStatus: 204,
  });
}
