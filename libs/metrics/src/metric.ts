import { MetricsError } from './errors';
import type { MetricFamily, MetricType, Sample } from './internals/exposition';

/** One value per declared label name; numbers (e.g. partitions) are rendered with `String()`. */
export type LabelValues<L extends string> = { readonly [K in L]: string | number };

/** What every metric is registered with. */
export interface MetricDefinition<L extends string> {
  /** Without the registry prefix. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
}

type LabelPairs = ReadonlyArray<readonly [string, string]>;

/**
 * Shared machinery of every metric type: children keyed by label values (created on first
 * use, cached, removable) and collect-time callbacks. A metric without labels has exactly one
 * child, created eagerly so it is exposed (as 0) before its first update.
 */
export abstract class Metric<L extends string, C> {
  abstract readonly type: MetricType;
  private readonly children = new Map<string, { labels: LabelPairs; child: C }>();
  private readonly collectors = new Set<(metric: this) => void>();

  protected constructor(
    /** Full name, registry prefix included. */
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  /** The child for these label values; the same object for the same values. */
  labels(values: LabelValues<L>): C {
    const labels = this.pairs(values);
    const key = JSON.stringify(labels.map(([, value]) => value));
    const existing = this.children.get(key);
    if (existing) return existing.child;
    const child = this.newChild();
    this.children.set(key, { labels, child });
    return child;
  }

  /**
   * Drops the child for these label values (e.g. a partition revoked from this instance);
   * it disappears from the exposition. Returns whether it existed. A reference kept to the
   * removed child still works but is no longer exposed.
   */
  remove(values: LabelValues<L>): boolean {
    const key = JSON.stringify(this.pairs(values).map(([, value]) => value));
    return this.children.delete(key);
  }

  /** Drops every child (a metric without labels starts again from its initial value). */
  reset(): void {
    this.children.clear();
    this.init();
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

  /** Runs the collect callbacks, then snapshots every child. */
  collect(): MetricFamily {
    for (const callback of this.collectors) {
      try {
        callback(this);
      } catch (error) {
        throw new MetricsError(`collect callback of ${this.name} failed`, { cause: error });
      }
    }
    const samples: Sample[] = [];
    for (const { labels, child } of this.children.values()) samples.push(...this.samples(child, labels));
    return { name: this.name, help: this.help, type: this.type, samples };
  }

  /** Identity of the definition: re-registering with an equal signature returns this metric. */
  signature(): string {
    return JSON.stringify({ type: this.type, help: this.help, labelNames: this.labelNames });
  }

  /** The only child of a metric without labels (throws on a labelled one). */
  protected unlabelled(): C {
    return this.labels({} as LabelValues<L>);
  }

  /** Subclasses call this at the end of their constructor. */
  protected init(): void {
    if (this.labelNames.length === 0) this.unlabelled();
  }

  protected abstract newChild(): C;

  protected abstract samples(child: C, labels: LabelPairs): Sample[];

  private pairs(values: LabelValues<L>): LabelPairs {
    const given = Object.keys(values);
    for (const name of given) {
      if (!(this.labelNames as readonly string[]).includes(name)) {
        throw new MetricsError(`unknown label ${JSON.stringify(name)} on ${this.name} (labels: ${this.labelNames.join(', ') || 'none'})`);
      }
    }
    return this.labelNames.map((name) => {
      const value = values[name];
      if (value === undefined) throw new MetricsError(`missing label ${JSON.stringify(name)} on ${this.name}`);
      return [name, String(value)] as const;
    });
  }
}
