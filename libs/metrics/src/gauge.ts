import { Gauge as PromGauge, type Registry } from 'prom-client';
import { Metric, type LabelObject, type MetricDefinition } from './metric';

/** One series of a gauge. */
export class GaugeChild {
  constructor(
    private readonly prom: PromGauge<string>,
    private readonly labels: LabelObject,
  ) {}

  set(value: number): void {
    this.prom.set(this.labels, value);
  }

  inc(by = 1): void {
    this.prom.inc(this.labels, by);
  }

  dec(by = 1): void {
    this.prom.dec(this.labels, by);
  }
}

export interface GaugeDefinition<L extends string> extends MetricDefinition<L> {
  /** Runs before every rendering (e.g. to set values read lazily). */
  readonly collect?: (gauge: Gauge<L>) => void;
}

/** A prom-client gauge with cached children. */
export class Gauge<L extends string = never> extends Metric<L, GaugeChild> {
  readonly type = 'gauge';
  protected readonly prom: PromGauge<string>;

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry) {
    super(name, help, labelNames);
    const collect = () => this.runCollectors();
    this.prom = new PromGauge({ name, help, labelNames: [...labelNames], registers: [registry], collect });
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

  protected newChild(labels: LabelObject): GaugeChild {
    return new GaugeChild(this.prom, labels);
  }
}
