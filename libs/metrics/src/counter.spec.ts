import { MetricsError, MetricsRegistry } from './index';

describe('Counter', () => {
  it('renders an unlabelled counter, exposed as 0 before its first increment', async () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: 'records_processed_total', help: 'Records processed.' });
    expect(await registry.metrics()).toBe('# HELP records_processed_total Records processed.\n# TYPE records_processed_total counter\nrecords_processed_total 0\n');
    counter.inc();
    counter.inc(2.5);
    expect(await registry.metrics()).toContain('\nrecords_processed_total 3.5\n');
  });

  it('renders one line per label set, labels in declaration order, numbers as strings', async () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: 'dlq_total', help: 'Records sent to the DLQ.', labelNames: ['topic', 'partition'] });
    counter.labels({ partition: 1, topic: 'a' }).inc(3);
    counter.labels({ topic: 'b', partition: '0' }).inc();
    expect((await registry.metrics()).split('\n').slice(2)).toEqual(['dlq_total{topic="a",partition="1"} 3', 'dlq_total{topic="b",partition="0"} 1', '']);
  });

  it('caches children by label values', () => {
    const counter = new MetricsRegistry().counter({ name: 'c_total', help: 'h', labelNames: ['partition'] });
    expect(counter.labels({ partition: 0 })).toBe(counter.labels({ partition: '0' }));
    expect(counter.labels({ partition: 0 })).not.toBe(counter.labels({ partition: 1 }));
  });

  it('rejects negative and NaN increments', async () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: 'c_total', help: 'h' });
    expect(() => counter.inc(-1)).toThrow(MetricsError);
    expect(() => counter.inc(NaN)).toThrow(/can only increase/);
    expect(await registry.metrics()).toContain('\nc_total 0\n');
  });

  it('rejects missing, unknown and absent label sets', () => {
    const labelled = new MetricsRegistry().counter({ name: 'c_total', help: 'h', labelNames: ['topic', 'partition'] });
    expect(() => labelled.labels({ topic: 'a' } as never)).toThrow(/missing label "partition"/);
    expect(() => labelled.labels({ topic: 'a', partition: 0, extra: 1 } as never)).toThrow(/unknown label "extra"/);
    expect(() => labelled.inc()).toThrow(MetricsError);
  });

  it('removes a label set from the exposition', async () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: 'c_total', help: 'h', labelNames: ['partition'] });
    counter.labels({ partition: 0 }).inc();
    counter.labels({ partition: 1 }).inc(2);
    expect(counter.remove({ partition: 0 })).toBe(true);
    expect(counter.remove({ partition: 0 })).toBe(false);
    expect(await registry.metrics()).toBe('# HELP c_total h\n# TYPE c_total counter\nc_total{partition="1"} 2\n');
    counter.remove({ partition: 1 });
    expect(await registry.metrics()).toBe('# HELP c_total h\n# TYPE c_total counter\n');
  });
});
