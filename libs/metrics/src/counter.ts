import { Counter as PromCounter, type Registry } from 'prom-client';
import { MetricsError } from './errors';
import { Metric, type LabelObject, type MetricDefinition } from './metric';

/** One series of a counter. */
export class CounterChild {
  constructor(
    private readonly metric: string,
    private readonly prom: PromCounter<string>,
    private readonly labels: LabelObject,
  ) {}

  /** Adds `by` (default 1); a negative or NaN increment throws `MetricsError`. */
  inc(by = 1): void {
    if (!(by >= 0)) throw new MetricsError(`counter ${this.metric} can only increase, got ${by}`);
    this.prom.inc(this.labels, by);
  }
}

export type CounterDefinition<L extends string> = MetricDefinition<L>;

/** A prom-client counter with cached children. */
export class Counter<L extends string = never> extends Metric<L, CounterChild> {
  readonly type = 'counter';
  protected readonly prom: PromCounter<string>;

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry) {
    super(name, help, labelNames);
    const collect = () => this.runCollectors();
    this.prom = new PromCounter({ name, help, labelNames: [...labelNames], registers: [registry], collect });
  }

  inc(by = 1): void {
    this.unlabelled().inc(by);
  }

  protected newChild(labels: LabelObject): CounterChild {
    return new CounterChild(this.name, this.prom, labels);
  }
}
