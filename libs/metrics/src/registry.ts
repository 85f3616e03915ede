import { Registry } from 'prom-client';
import { Counter, type CounterDefinition } from './counter';
import { MetricsError } from './errors';
import { Gauge, type GaugeDefinition } from './gauge';
import { defaultLatencyBuckets, Histogram, normalizeBuckets, type HistogramDefinition } from './histogram';
import { validateLabelNames, validateMetricName, validatePrefix } from './internals/names';
import { metricSignature, type Metric, type MetricDefinition } from './metric';

/** Content-Type of `MetricsRegistry.metrics()` output, for the `/metrics` HTTP response. */
export const contentType: string = Registry.PROMETHEUS_CONTENT_TYPE;

export interface MetricsRegistryOptions {
  /** Prepended to every metric name registered here, e.g. `platform_`. Default none. */
  readonly prefix?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMetric = Metric<any, unknown>;

/**
 * Named metrics of one app instance (or one namespace of it), each backed by its own prom-client
 * `Registry` (never prom-client's global one, so apps started in one process never share metrics).
 * Registering a name again with the same definition returns the existing metric, so independent
 * components may each declare the metrics they use; a different type, help, label set or bucket layout
 * under the same name is a `MetricsError`.
 */
export class MetricsRegistry {
  readonly prefix: string;
  /** The prom-client registry behind this one (process metrics are registered straight into it). */
  readonly prom = new Registry();
  private readonly byName = new Map<string, AnyMetric>();

  constructor(options: MetricsRegistryOptions = {}) {
    this.prefix = options.prefix ?? '';
    validatePrefix(this.prefix);
  }

  /** Renders several registries as one exposition; a name present in two of them is an error. */
  static async merge(registries: readonly MetricsRegistry[]): Promise<string> {
    const seen = new Set<string>();
    for (const registry of registries) {
      for (const metric of registry.prom.getMetricsAsArray()) {
        const name = metric.name;
        if (seen.has(name)) throw new MetricsError(`metric ${name} is registered in more than one merged registry`);
        seen.add(name);
      }
    }
    return render(Registry.merge(registries.map((registry) => registry.prom)));
  }

  counter<L extends string = never>(definition: CounterDefinition<L>): Counter<L> {
    return this.register('counter', definition, undefined, (name, labelNames) => new Counter(name, definition.help, labelNames, this.prom));
  }

  gauge<L extends string = never>(definition: GaugeDefinition<L>): Gauge<L> {
    const gauge = this.register('gauge', definition, undefined, (name, labelNames) => new Gauge(name, definition.help, labelNames, this.prom));
    if (definition.collect) gauge.onCollect(definition.collect);
    return gauge;
  }

  histogram<L extends string = never>(definition: HistogramDefinition<L>): Histogram<L> {
    const buckets = normalizeBuckets(this.prefix + definition.name, definition.buckets ?? defaultLatencyBuckets);
    return this.register('histogram', definition, buckets, (name, labelNames) => new Histogram(name, definition.help, labelNames, this.prom, buckets));
  }

  /** The metric registered under `name` (without the prefix), if any. */
  get(name: string): AnyMetric | undefined {
    return this.byName.get(this.prefix + name);
  }

  /** Removes the metric registered under `name` (without the prefix); returns whether it existed. */
  unregister(name: string): boolean {
    const existed = this.byName.delete(this.prefix + name);
    if (existed) this.prom.removeSingleMetric(this.prefix + name);
    return existed;
  }

  /** Runs collect callbacks and renders every metric in the text exposition format 0.0.4 (prom-client's). */
  metrics(): Promise<string> {
    return render(this.prom);
  }

  private register<L extends string, M extends AnyMetric>(
    type: AnyMetric['type'],
    definition: MetricDefinition<L>,
    buckets: readonly number[] | undefined,
    create: (name: string, labelNames: readonly L[]) => M,
  ): M {
    const name = this.prefix + definition.name;
    validateMetricName(name);
    const labelNames = [...(definition.labelNames ?? [])];
    validateLabelNames(name, labelNames, type === 'histogram' ? ['le'] : []);
    const existing = this.byName.get(name);
    if (existing === undefined) {
      if (this.prom.getSingleMetric(name) !== undefined) throw new MetricsError(`metric ${name} is already registered (process metrics)`);
      const metric = create(name, labelNames);
      this.byName.set(name, metric);
      return metric;
    }
    const wanted = metricSignature(type, definition.help, labelNames, buckets);
    if (existing.signature() !== wanted) {
      throw new MetricsError(`metric ${name} is already registered as ${existing.signature()}, cannot register it as ${wanted}`);
    }
    return existing as M;
  }
}

/** Renders a prom-client registry; a failing collect callback rejects with its MetricsError. */
async function render(registry: Registry): Promise<string> {
  try {
    return await registry.metrics();
  } catch (error) {
    throw error instanceof MetricsError ? error : new MetricsError('rendering the metrics failed', { cause: error });
  }
}
