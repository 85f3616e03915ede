import type { Sample } from './internals/exposition';
import { Metric, type MetricDefinition } from './metric';

/** One series of a gauge: a value that goes up and down. */
export class GaugeChild {
  private current = 0;

  set(value: number): void {
    this.current = value;
  }

  inc(by = 1): void {
    this.current += by;
  }

  dec(by = 1): void {
    this.current -= by;
  }

  get value(): number {
    return this.current;
  }
}

export interface GaugeDefinition<L extends string> extends MetricDefinition<L> {
  /**
   * Called before every rendering to set values read lazily, e.g.
   * `g => { g.reset(); for (const p of assigned()) g.labels(p).set(lagOf(p)); }`.
   * Same as calling `onCollect` after registration.
   */
  readonly collect?: (gauge: Gauge<L>) => void;
}

/** Gauge: set, increased or decreased freely, or read at collect time through a callback. */
export class Gauge<L extends string = never> extends Metric<L, GaugeChild> {
  readonly type = 'gauge';

  /** Built by `MetricsRegistry.gauge`. */
  constructor(name: string, help: string, labelNames: readonly L[]) {
    super(name, help, labelNames);
    this.init();
  }

  set(value: number): void {
    this.unlabelled().set(value);
  }

  inc(by = 1): void {
    this.unlabelled().inc(by);
  }

  dec(by = 1): void {
    this.unlabelled().dec(by);
  }

  /** Value of a gauge without labels. */
  get value(): number {
    return this.unlabelled().value;
  }

  protected newChild(): GaugeChild {
    return new GaugeChild();
  }

  protected samples(child: GaugeChild, labels: Sample['labels']): Sample[] {
    return [{ suffix: '', labels, value: child.value }];
  }
}
