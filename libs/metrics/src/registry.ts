import { Counter, type CounterDefinition } from './counter';
import { MetricsError } from './errors';
import { Gauge, type GaugeDefinition } from './gauge';
import { Histogram, type HistogramDefinition } from './histogram';
import { renderFamilies, type MetricFamily } from './internals/exposition';
import { validateLabelNames, validateMetricName, validatePrefix } from './internals/names';
import type { Metric } from './metric';

/** Content-Type of `MetricsRegistry.metrics()` output, for the `/metrics` HTTP response. */
export const contentType = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsRegistryOptions {
  /** Prepended to every metric name registered here, e.g. `platform_`. Default none. */
  readonly prefix?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMetric = Metric<any, unknown>;

/**
 * Named metrics of one process (or one namespace of it), rendered in registration order.
 * Registering a name again with the same definition returns the existing metric, so
 * independent components may each declare the metrics they use; a different type, help,
 * label set or bucket layout under the same name is a `MetricsError`.
 */
export class MetricsRegistry {
  readonly prefix: string;
  private readonly byName = new Map<string, AnyMetric>();

  constructor(options: MetricsRegistryOptions = {}) {
    this.prefix = options.prefix ?? '';
    validatePrefix(this.prefix);
  }

  /** Renders several registries as one exposition; a name present in two of them is an error. */
  static merge(registries: readonly MetricsRegistry[]): string {
    const families: MetricFamily[] = [];
    const seen = new Set<string>();
    for (const registry of registries) {
      for (const metric of registry.byName.values()) {
        if (seen.has(metric.name)) throw new MetricsError(`metric ${metric.name} is registered in more than one merged registry`);
        seen.add(metric.name);
      }
    }
    for (const registry of registries) families.push(...registry.collect());
    return renderFamilies(families);
  }

  counter<L extends string = never>(definition: CounterDefinition<L>): Counter<L> {
    return this.register(definition, [], (name, labelNames) => new Counter(name, definition.help, labelNames));
  }

  gauge<L extends string = never>(definition: GaugeDefinition<L>): Gauge<L> {
    const gauge = this.register(definition, [], (name, labelNames) => new Gauge(name, definition.help, labelNames));
    if (definition.collect) gauge.onCollect(definition.collect);
    return gauge;
  }

  histogram<L extends string = never>(definition: HistogramDefinition<L>): Histogram<L> {
    return this.register(
      definition,
      ['le'],
      (name, labelNames) => new Histogram(name, definition.help, labelNames, definition.buckets),
    );
  }

  /** The metric registered under `name` (without the prefix), if any. */
  get(name: string): AnyMetric | undefined {
    return this.byName.get(this.prefix + name);
  }

  /** Removes the metric registered under `name` (without the prefix); returns whether it existed. */
  unregister(name: string): boolean {
    return this.byName.delete(this.prefix + name);
  }

  /** Runs collect callbacks and renders every metric in the text exposition format 0.0.4. */
  metrics(): string {
    return renderFamilies(this.collect());
  }

  private collect(): MetricFamily[] {
    return [...this.byName.values()].map((metric) => metric.collect());
  }

  private register<L extends string, M extends AnyMetric>(
    definition: { readonly name: string; readonly labelNames?: readonly L[] },
    reservedLabels: readonly string[],
    create: (name: string, labelNames: readonly L[]) => M,
  ): M {
    const name = this.prefix + definition.name;
    validateMetricName(name);
    const labelNames = [...(definition.labelNames ?? [])];
    validateLabelNames(name, labelNames, reservedLabels);
    const candidate = create(name, labelNames);
    const existing = this.byName.get(name);
    if (existing === undefined) {
      this.byName.set(name, candidate);
      return candidate;
    }
    if (existing.signature() !== candidate.signature()) {
      throw new MetricsError(
        `metric ${name} is already registered as ${existing.signature()}, cannot register it as ${candidate.signature()}`,
      );
    }
    return existing as M;
  }
}
