import { defaultLatencyBuckets, MetricsError, MetricsRegistry } from './index';

describe('Histogram', () => {
  it('renders cumulative buckets, +Inf, sum and count', async () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram({ name: 'commit_seconds', help: 'Commit latency.', buckets: [0.1, 1, 5] });
    for (const value of [0.05, 0.1, 0.5, 3, 7, 1]) histogram.observe(value);
    expect((await registry.metrics())).toBe(
      [
        '# HELP commit_seconds Commit latency.',
        '# TYPE commit_seconds histogram',
        'commit_seconds_bucket{le="0.1"} 2',
        'commit_seconds_bucket{le="1"} 4',
        'commit_seconds_bucket{le="5"} 5',
        'commit_seconds_bucket{le="+Inf"} 6',
        'commit_seconds_sum 11.65',
        'commit_seconds_count 6',
        '',
      ].join('\n'),
    );
  });

  it('puts le first (prom-client), one block per label set', async () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram({ name: 'store_op_seconds', help: 'h', labelNames: ['store', 'op'], buckets: [1] });
    histogram.labels({ store: 's', op: 'get' }).observe(0.5);
    histogram.labels({ store: 's', op: 'put' }).observe(2);
    expect((await registry.metrics()).split('\n').slice(2)).toEqual([
      'store_op_seconds_bucket{le="1",store="s",op="get"} 1',
      'store_op_seconds_bucket{le="+Inf",store="s",op="get"} 1',
      'store_op_seconds_sum{store="s",op="get"} 0.5',
      'store_op_seconds_count{store="s",op="get"} 1',
      'store_op_seconds_bucket{le="1",store="s",op="put"} 0',
      'store_op_seconds_bucket{le="+Inf",store="s",op="put"} 1',
      'store_op_seconds_sum{store="s",op="put"} 2',
      'store_op_seconds_count{store="s",op="put"} 1',
      '',
    ]);
  });

  it('defaults to latency buckets in seconds and exposes an empty unlabelled histogram', async () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram({ name: 'h_seconds', help: 'h' });
    expect(histogram.buckets).toEqual(defaultLatencyBuckets);
    const lines = (await registry.metrics()).split('\n');
    expect(lines.filter((l) => l.startsWith('h_seconds_bucket'))).toHaveLength(defaultLatencyBuckets.length + 1);
    expect(lines).toContain('h_seconds_bucket{le="0.005"} 0');
    expect(lines).toContain('h_seconds_bucket{le="+Inf"} 0');
    expect(lines).toContain('h_seconds_count 0');
  });

  it('startTimer observes the elapsed seconds once', async () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram({ name: 'h_seconds', help: 'h', buckets: [3600] });
    const stop = histogram.startTimer();
    const elapsed = stop();
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(stop()).toBe(elapsed);
    const lines = (await registry.metrics()).split('\n');
    expect(lines).toEqual(expect.arrayContaining(['h_seconds_bucket{le="3600"} 1', 'h_seconds_bucket{le="+Inf"} 1', `h_seconds_sum ${elapsed}`, 'h_seconds_count 1']));
  });

  it('validates buckets and rejects NaN observations', async () => {
    const registry = new MetricsRegistry();
    expect(() => registry.histogram({ name: 'a', help: 'h', buckets: [1, 1] })).toThrow(/strictly increasing/);
    expect(() => registry.histogram({ name: 'b', help: 'h', buckets: [NaN] })).toThrow(/not finite/);
    expect(registry.histogram({ name: 'c', help: 'h', buckets: [1, Infinity] }).buckets).toEqual([1]);
    expect(() => registry.histogram({ name: 'd', help: 'h', labelNames: ['le'] })).toThrow(/reserved/);
    expect(() => registry.histogram({ name: 'e', help: 'h' }).observe(NaN)).toThrow(MetricsError);
  });
});
