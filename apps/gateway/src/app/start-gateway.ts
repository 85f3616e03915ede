import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import { accessLogMiddleware, managementGate, ManagementListener, nestLogger, securityHeadersMiddleware } from '@platform/nest-platform';
import type { GatewayConfig } from '../config';
import { corsMiddleware } from '../cors';
import { GatewayMetrics } from '../gateway-metrics';
import { HttpProxy } from '../proxy/http-proxy';
import { WebSocketProxy } from '../proxy/websocket-proxy';
import { proxyRoute, upgradeHandler } from '../routing/proxy-middleware';
import { frontDoor } from './front-door';
import { GatewayModule } from './gateway.module';
import { gatewayMetricsAccess } from './metrics-access';
import { UpstreamProbe } from './upstream-probe';

export interface StartedGateway {
  readonly app: INestApplication;
  readonly url: string;
  /** Where `/metrics` and the probes are served when `managementPort` is configured. */
  readonly managementUrl?: string;
}

/**
 * Starts the gateway: access log and request id, security headers (set before the proxy, so every answer
 * has them even from an app that did not set them; an app's own values win), the management gate for
 * `/metrics`, CORS, then the proxy (bodies stream through untouched: Nest's body parser is off), all in
 * front of Express (`frontDoor`); other paths go on to the gateway's own routes;
 * websocket upgrades are piped by the server's `upgrade` listener.
 */
export async function startGateway(config: GatewayConfig, logger: Logger, registry: MetricsRegistry): Promise<StartedGateway> {
  const metrics = new GatewayMetrics(registry);
  const httpProxy = new HttpProxy({ metrics, logger, timeoutMs: config.upstreamTimeoutMs });
  const webSocketProxy = new WebSocketProxy({ metrics, logger });
  const probe = new UpstreamProbe(config.upstreams, logger);
  const management = config.managementPort === undefined ? undefined : new ManagementListener();
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot({ config, logger, metrics, httpProxy, webSocketProxy, probe, ...(management ? { management } : {}) }), {
    bodyParser: false,
    abortOnError: false,
    logger: nestLogger(logger),
  });
  try {
    app.disable('x-powered-by');
    // Every request, the gateway's own included, gets a request id and an access-log line first; routed
    // paths are proxied before Express (frontDoor), the rest go on to the gateway's own routes.
    const server = app.getHttpServer() as Server;
    const express = app.getHttpAdapter().getInstance() as RequestListener;
    const handler = frontDoor(
      [
        accessLogMiddleware({ logger }),
        securityHeadersMiddleware,
        managementGate({ ...(management ? { management } : {}), authorizeMetrics: gatewayMetricsAccess(config.systemToken) }),
        corsMiddleware(config.cors),
      ],
      proxyRoute(config.upstreams, httpProxy, metrics),
      express,
      logger,
    );
    server.removeListener('request', express);
    server.on('request', handler);
    server.on('upgrade', upgradeHandler(config.upstreams, webSocketProxy));
    await app.listen(config.port, config.host);
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    if (management === undefined || config.managementPort === undefined) return { app, url };
    const managementUrl = await management.listen(handler, { port: config.managementPort }, config.host);
    return { app, url, managementUrl };
  } catch (error) {
    await management?.close();
    await app.close().catch(() => undefined);
    throw error;
  }
}
