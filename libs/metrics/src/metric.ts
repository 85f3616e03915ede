import type { Metric as PromMetric } from 'prom-client';
import { MetricsError } from './errors';

/** One value per declared label name; numbers (e.g. partitions) are rendered with `String()`. */
export type LabelValues<L extends string> = { readonly [K in L]: string | number };

/** What every metric is registered with. */
export interface MetricDefinition<L extends string> {
  /** Without the registry prefix. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
}

/** Label values as prom-client takes them: strings, in declaration order. */
export type LabelObject = Record<string, string>;

/**
 * What our metric types share on top of a prom-client metric: children keyed by label values (created
 * on first use and cached, so hot paths keep them), removal, and synchronous collect-time callbacks run
 * by prom-client before every rendering. Values and the exposition are prom-client's.
 */
export abstract class Metric<L extends string, C> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  protected abstract readonly prom: PromMetric<string>;
  private readonly children = new Map<string, C>();
  private readonly collectors = new Set<(metric: this) => void>();

  protected constructor(
    /** Full name, registry prefix included. */
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  /** The child for these label values; the same object for the same values. */
  labels(values: LabelValues<L>): C {
    const labels = this.labelObject(values);
    const key = JSON.stringify(Object.values(labels));
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.newChild(labels);
      this.children.set(key, child);
    }
    return child;
  }

  /**
   * Drops the series for these label values (e.g. a partition revoked from this instance); it
   * disappears from the exposition until updated again. Returns whether its child existed.
   */
  remove(values: LabelValues<L>): boolean {
    const labels = this.labelObject(values);
    this.prom.remove(labels);
    return this.children.delete(JSON.stringify(Object.values(labels)));
  }

  /** Drops every series (a metric without labels starts again from 0). */
  reset(): void {
    this.children.clear();
    this.prom.reset();
  }

  /**
   * Runs `callback` before every rendering of this metric, to read values lazily (consumer
   * lag, queue sizes). Returns a function that unregisters the callback.
   */
  onCollect(callback: (metric: this) => void): () => void {
    this.collectors.add(callback);
    return () => {
      this.collectors.delete(callback);
    };
  }

  /** Identity of the definition: re-registering with an equal signature returns this metric. */
  signature(): string {
    return metricSignature(this.type, this.help, this.labelNames);
  }

  /** Given to prom-client as the metric's `collect`. */
  protected runCollectors(): void {
    for (const callback of this.collectors) {
      try {
        callback(this);
      } catch (error) {
        throw new MetricsError(`collect callback of ${this.name} failed`, { cause: error });
      }
    }
  }

  /** The only child of a metric without labels (throws on a labelled one). */
  protected unlabelled(): C {
    return this.labels({} as LabelValues<L>);
  }

  protected abstract newChild(labels: LabelObject): C;

  private labelObject(values: LabelValues<L>): LabelObject {
    for (const name of Object.keys(values)) {
      if (!(this.labelNames as readonly string[]).includes(name)) {
        throw new MetricsError(`unknown label ${JSON.stringify(name)} on ${this.name} (labels: ${this.labelNames.join(', ') || 'none'})`);
      }
    }
    const labels: LabelObject = Object.create(null) as LabelObject;
    for (const name of this.labelNames) {
      const value = values[name];
      if (value === undefined) throw new MetricsError(`missing label ${JSON.stringify(name)} on ${this.name}`);
      labels[name] = String(value);
    }
    return labels;
  }
}

/** Identity of a definition (type, help, label names in order, histogram buckets). */
export function metricSignature(type: string, help: string, labelNames: readonly string[], buckets?: readonly number[]): string {
  return JSON.stringify(buckets === undefined ? { type, help, labelNames } : { type, help, labelNames, buckets });
}
