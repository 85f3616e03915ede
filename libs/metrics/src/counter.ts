import { MetricsError } from './errors';
import type { Sample } from './internals/exposition';
import { Metric, type MetricDefinition } from './metric';

/** One series of a counter: a value that only goes up (reset by a process restart). */
export class CounterChild {
  private current = 0;

  constructor(private readonly metric: string) {}

  /** Adds `by` (default 1); negative or NaN increments throw. */
  inc(by = 1): void {
    if (!(by >= 0)) throw new MetricsError(`counter ${this.metric} can only increase, got ${by}`);
    this.current += by;
  }

  get value(): number {
    return this.current;
  }
}

export type CounterDefinition<L extends string> = MetricDefinition<L>;

/** Monotonic counter; by convention its name ends in `_total`. */
export class Counter<L extends string = never> extends Metric<L, CounterChild> {
  readonly type = 'counter';

  /** Built by `MetricsRegistry.counter`. */
  constructor(name: string, help: string, labelNames: readonly L[]) {
    super(name, help, labelNames);
    this.init();
  }

  /** Increments a counter without labels. */
  inc(by = 1): void {
    this.unlabelled().inc(by);
  }

  /** Value of a counter without labels. */
  get value(): number {
    return this.unlabelled().value;
  }

  protected newChild(): CounterChild {
    return new CounterChild(this.name);
  }

  protected samples(child: CounterChild, labels: Sample['labels']): Sample[] {
    return [{ suffix: '', labels, value: child.value }];
  }
}
