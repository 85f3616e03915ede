import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '@platform/common';
import { errorMessage } from '@platform/common';

/** A Connect-style step: calls `next()` to go on, or answers `res` itself. */
export type FrontStep = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The gateway's request listener: every request goes through `steps` (access log, security headers,
 * management gate, CORS, in this order), then to `route`, which proxies a path of the route table and
 * gives any other to `rest` (the Nest/Express app serving the gateway's own routes). Proxied requests,
 * nearly all of them, never enter Express's router and Nest's pipeline (profiled: about a fifth of the
 * gateway's time per proxied request).
 */
export function frontDoor(steps: readonly FrontStep[], route: (req: IncomingMessage, res: ServerResponse, rest: () => void) => void, rest: RequestListener, logger: Logger): RequestListener {
  return (req, res) => {
    let index = 0;
    const next = (error?: unknown): void => {
      if (error !== undefined) {
        failed(res, error, logger);
        return;
      }
      const step = steps[index++];
      if (step === undefined) route(req, res, () => rest(req, res));
      else step(req, res, next);
    };
    next();
  };
}

function failed(res: ServerResponse, error: unknown, logger: Logger): void {
  logger.error('gateway request failed before routing', { error: errorMessage(error) });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message: 'internal error' });
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
