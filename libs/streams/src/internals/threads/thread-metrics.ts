import { AggregatorRegistry, type Metric, type MetricObjectWithValues, type MetricValue, type Registry, type RegistryContentType } from 'prom-client';
import { MetricsRegistry } from '@platform/metrics';
import { StreamsMetrics } from '../metrics/streams-metrics';
import type { StreamThread } from './stream-thread';

/**
 * Shows the stream threads' metrics in the process's registry as one application's: every streams
 * metric is registered there as a bridge that, on a scrape, asks each live thread for its values
 * (one round per scrape, shared by all metrics) and sums them per label set, as prom-client's
 * cluster aggregation does. Threads own disjoint tasks and partitions, so sums are exact.
 */
export function bridgeThreadMetrics(registry: MetricsRegistry, application: string, threads: () => readonly StreamThread[]): void {
  // the names, help and types, learned from the metrics a thread registers
  const scratch = new MetricsRegistry({ prefix: registry.prefix });
  new StreamsMetrics(scratch, application);
  let round: Promise<Registry<RegistryContentType>> | undefined;
  const collect = () =>
    (round ??= Promise.all(
      threads()
        .filter((t) => t.alive)
        .map((t) => t.request('metrics', []).then((json) => json as MetricObjectWithValues<MetricValue<string>>[], () => [])),
    )
      .then((arrays) => AggregatorRegistry.aggregate(arrays))
      .finally(() => (round = undefined)));
  for (const template of scratch.prom.getMetricsAsArray()) {
    const { name, help, type } = template as unknown as { name: string; help: string; type: string };
    const bridge = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => {
        const metric = (await collect()).getSingleMetric(name);
        return metric ? metric.get() : { name, help, type, aggregator: 'sum', values: [] };
      },
      reset: () => undefined,
    };
    registry.prom.registerMetric(bridge as unknown as Metric);
  }
}
