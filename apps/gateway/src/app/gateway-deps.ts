import type { Logger } from '@platform/common';
import type { ManagementListener } from '@platform/nest-platform';
import type { GatewayConfig } from '../config';
import type { GatewayMetrics } from '../gateway-metrics';
import type { HttpProxy } from '../proxy/http-proxy';
import type { WebSocketProxy } from '../proxy/websocket-proxy';
import type { UpstreamProbe } from './upstream-probe';

/** What the gateway's Nest providers share, built once by `startGateway`. */
export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly httpProxy: HttpProxy;
  readonly webSocketProxy: WebSocketProxy;
  readonly probe: UpstreamProbe;
  /** The management port's listener (`MANAGEMENT_PORT`), closed with the gateway. */
  readonly management?: ManagementListener;
}
