import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayMetrics } from '../gateway-metrics';
import type { HttpProxy } from '../proxy/http-proxy';
import { rejectUpgrade, type WebSocketProxy } from '../proxy/websocket-proxy';
import { pathOf, ruleFor, type PathRule, type UpstreamName } from './path-rules';

export type Upstreams = Readonly<Partial<Record<UpstreamName, URL>>>;

/**
 * The gateway's routing, in front of Express (no body parser runs before it): a path of the route table
 * goes to its app, an app missing from the table answers 502, every other path continues (`rest`) to
 * the gateway's own routes (health, metrics, OpenAPI) and else its JSON 404.
 */
export function proxyRoute(upstreams: Upstreams, proxy: HttpProxy, metrics: GatewayMetrics) {
  return (req: IncomingMessage, res: ServerResponse, rest: () => void): void => {
    const path = pathOf(req.url);
    const rule = path === undefined ? undefined : ruleFor(path);
    if (rule === undefined) {
      const stopTimer = metrics.duration.labels({ upstream: 'gateway' }).startTimer();
      res.once('close', () => {
        stopTimer();
        metrics.requests.labels({ upstream: 'gateway', method: req.method ?? 'GET', status: String(res.statusCode) }).inc();
      });
      rest();
      return;
    }
    const target = upstreams[rule.upstream];
    if (target === undefined) {
      notConfigured(res, rule);
      metrics.requests.labels({ upstream: rule.upstream, method: req.method ?? 'GET', status: '502' }).inc();
      return;
    }
    proxy.forward(req, res, rule.upstream, target);
  };
}

/** `server.on('upgrade', …)`: websocket paths of the route table are piped to their app, others get 404. */
export function upgradeHandler(upstreams: Upstreams, proxy: WebSocketProxy) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = pathOf(req.url);
    const rule = path === undefined ? undefined : ruleFor(path);
    if (rule === undefined || rule.websocket !== true) {
      rejectUpgrade(socket, 404, `no websocket at ${path ?? req.url ?? ''}`);
      return;
    }
    const target = upstreams[rule.upstream];
    if (target === undefined) {
      rejectUpgrade(socket, 502, `${rule.upstream} is not configured`);
      return;
    }
    proxy.forward(req, socket, head, rule.upstream, target);
  };
}

function notConfigured(res: ServerResponse, rule: PathRule): void {
  const body = JSON.stringify({ message: `${rule.upstream} is not configured in GATEWAY_ROUTES` });
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
