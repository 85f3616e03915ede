import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricsRegistry } from './registry';

export interface ProcessMetricsOptions {
  /**
   * Also sample event-loop delay (a libuv timer at `eventLoopResolutionMs`, default 20) and
   * expose its mean and p99 over the interval since the previous scrape. Default false.
   */
  readonly eventLoopLag?: boolean;
  readonly eventLoopResolutionMs?: number;
}

export interface ProcessMetricsHandle {
  /** Stops updating the process metrics (they stay registered with their last values). */
  stop(): void;
}

/**
 * Registers the cheap process metrics Node gives without native code, read at scrape time:
 * `process_cpu_user_seconds_total`, `process_cpu_system_seconds_total`,
 * `process_cpu_seconds_total`, `process_resident_memory_bytes`,
 * `process_start_time_seconds`, `nodejs_heap_size_used_bytes`, `nodejs_heap_size_total_bytes`
 * and, on request, `nodejs_eventloop_lag_seconds` / `nodejs_eventloop_lag_p99_seconds`.
 * The registry prefix applies; register them on an unprefixed registry and use
 * `MetricsRegistry.merge` to keep the conventional names. Calling it twice is harmless.
 */
export function registerProcessMetrics(registry: MetricsRegistry, options: ProcessMetricsOptions = {}): ProcessMetricsHandle {
  const disposers: Array<() => void> = [];
  const cpu = (name: string, help: string, read: (usage: NodeJS.CpuUsage) => number) => {
    const counter = registry.counter({ name, help });
    // Counters only increase: add the difference to the absolute value Node reports.
    disposers.push(counter.onCollect((c) => c.inc(Math.max(0, read(process.cpuUsage()) / 1e6 - c.value))));
  };
  cpu('process_cpu_user_seconds_total', 'User CPU time spent in seconds.', (u) => u.user);
  cpu('process_cpu_system_seconds_total', 'System CPU time spent in seconds.', (u) => u.system);
  cpu('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (u) => u.user + u.system);

  const gauge = (name: string, help: string, read: () => number) => {
    disposers.push(registry.gauge({ name, help }).onCollect((g) => g.set(read())));
  };
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () =>
    Math.round(Date.now() / 1000 - process.uptime()),
  );
  gauge('nodejs_heap_size_used_bytes', 'V8 heap used in bytes.', () => process.memoryUsage().heapUsed);
  gauge('nodejs_heap_size_total_bytes', 'V8 heap size in bytes.', () => process.memoryUsage().heapTotal);

  let monitor: IntervalHistogram | undefined;
  if (options.eventLoopLag) {
    const histogram = monitorEventLoopDelay({ resolution: options.eventLoopResolutionMs ?? 20 });
    histogram.enable();
    monitor = histogram;
    // Both gauges read the same window; the p99 one (registered last) resets it.
    gauge('nodejs_eventloop_lag_seconds', 'Mean event loop delay since the previous scrape in seconds.', () =>
      histogram.count === 0 ? 0 : histogram.mean / 1e9,
    );
    gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile of event loop delay since the previous scrape in seconds.', () => {
      const p99 = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e9;
      histogram.reset();
      return p99;
    });
  }

  return {
    stop: () => {
      for (const dispose of disposers.splice(0)) dispose();
      monitor?.disable();
    },
  };
}
