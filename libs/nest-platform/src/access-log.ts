import type { Logger } from '@platform/common';
import { clientAddress, TrustedProxies, type AddressedRequest } from './client-address';
import { assignRequestId } from './request-id';

/** Longest path written to the access log; longer ones are cut (a URL can be 16 KB of a client's choosing). */
const maxLoggedPath = 1024;

export interface AccessLogRequest extends AddressedRequest {
  readonly method?: string;
  /** Express keeps the full URL here when `url` is rewritten by a mount. */
  readonly originalUrl?: string;
  readonly url?: string;
}

export interface AccessLogResponse {
  readonly statusCode: number;
  readonly writableFinished?: boolean;
  setHeader(name: string, value: string): unknown;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

export interface AccessLogOptions {
  readonly logger: Logger;
  /** Proxies whose `X-Forwarded-For` names the client (see `clientAddress`). Default: none, the socket's peer. */
  readonly trustedProxies?: TrustedProxies;
}

/**
 * Express/connect middleware, installed first: gives each request its id (`assignRequestId`: the client's
 * sane `x-request-id` or a new UUID, sent back in `x-request-id` on every answer) and writes one info line
 * per request when its answer ends: `{ component: 'http', method, path, status, durationMs, requestId,
 * client }` (`aborted: true` when the client left first). Never the query string, bodies or headers.
 */
export function accessLogMiddleware(options: AccessLogOptions) {
  const log = options.logger.child({ component: 'http' });
  const trusted = options.trustedProxies ?? new TrustedProxies([]);
  return (req: AccessLogRequest, res: AccessLogResponse, next: () => void): void => {
    const start = process.hrtime.bigint();
    const requestId = assignRequestId(req, res);
    const client = clientAddress(req, trusted);
    let written = false;
    const write = (aborted: boolean) => {
      if (written) return;
      written = true;
      const durationMs = Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
      log.info('request', {
        method: req.method ?? 'GET',
        path: pathOf(req.originalUrl ?? req.url),
        status: res.statusCode,
        durationMs,
        requestId,
        client,
        ...(aborted ? { aborted: true } : {}),
      });
    };
    res.once('finish', () => write(false));
    res.once('close', () => write(res.writableFinished !== true));
    next();
  };
}

function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  return path.length > maxLoggedPath ? `${path.slice(0, maxLoggedPath)}…` : path;
}
