import { collectDefaultMetrics } from 'prom-client';
import type { MetricsRegistry } from './registry';

export interface ProcessMetricsOptions {
  /** Resolution of prom-client's event-loop delay sampling in milliseconds (default 10). */
  readonly eventLoopResolutionMs?: number;
}

export interface ProcessMetricsHandle {
  /** Takes the process metrics out of the registry again. */
  stop(): void;
}

const registered = new WeakSet<MetricsRegistry>();

/**
 * prom-client's default metrics in this registry (its prefix applies): process CPU, memory, file
 * descriptors and start time, heap and heap spaces, event-loop lag (`nodejs_eventloop_lag_seconds`,
 * `_p50`/`_p90`/`_p99_seconds`…), active handles and requests, GC durations by kind
 * (`nodejs_gc_duration_seconds`) and `nodejs_version_info`. Read at scrape time. Calling it twice on
 * one registry is harmless (the second call registers nothing).
 */
export function registerProcessMetrics(registry: MetricsRegistry, options: ProcessMetricsOptions = {}): ProcessMetricsHandle {
  if (registered.has(registry)) return { stop: () => undefined };
  const before = new Set(registry.prom.getMetricsAsArray().map((metric) => metric.name));
  collectDefaultMetrics({ register: registry.prom, prefix: registry.prefix, eventLoopMonitoringPrecision: options.eventLoopResolutionMs ?? 10 });
  registered.add(registry);
  const added = registry.prom.getMetricsAsArray().map((metric) => metric.name).filter((name) => !before.has(name));
  return {
    stop: () => {
      for (const name of added) registry.prom.removeSingleMetric(name);
      registered.delete(registry);
    },
  };
}
