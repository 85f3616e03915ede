import type { Counter, Gauge, Histogram, MetricsRegistry } from '@platform/metrics';

/** What the gateway measures per upstream app (`upstream` is an app name, `none` for unrouted paths). */
export class GatewayMetrics {
  readonly requests: Counter<'upstream' | 'method' | 'status'>;
  readonly duration: Histogram<'upstream'>;
  readonly upstreamErrors: Counter<'upstream' | 'kind'>;
  readonly websockets: Gauge<'upstream'>;

  constructor(readonly registry: MetricsRegistry) {
    this.requests = registry.counter({
      name: 'gateway_requests_total',
      help: 'HTTP requests through the gateway, by upstream app, method and status.',
      labelNames: ['upstream', 'method', 'status'],
    });
    this.duration = registry.histogram({
      name: 'gateway_request_duration_seconds',
      help: 'Time from receiving a request to the end of its answer, by upstream app.',
      labelNames: ['upstream'],
    });
    this.upstreamErrors = registry.counter({
      name: 'gateway_upstream_errors_total',
      help: 'Requests or websocket upgrades an upstream app could not answer (unreachable, timeout, reset).',
      labelNames: ['upstream', 'kind'],
    });
    this.websockets = registry.gauge({
      name: 'gateway_websocket_connections',
      help: 'Open websocket connections piped to an upstream app.',
      labelNames: ['upstream'],
    });
  }
}
