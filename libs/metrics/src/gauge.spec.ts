import { MetricsError, MetricsRegistry } from './index';

describe('Gauge', () => {
  it('sets, increments and decrements', async () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge({ name: 'in_flight', help: 'Requests in flight.' });
    gauge.inc();
    gauge.inc(5);
    gauge.dec(2);
    expect(await registry.metrics()).toContain('\nin_flight 4\n');
    gauge.set(-1.5);
    expect((await registry.metrics())).toBe('# HELP in_flight Requests in flight.\n# TYPE in_flight gauge\nin_flight -1.5\n');
  });

  it('renders special values as Prometheus expects', async () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge({ name: 'g', help: 'h', labelNames: ['v'] });
    gauge.labels({ v: 'inf' }).set(Infinity);
    gauge.labels({ v: 'ninf' }).set(-Infinity);
    gauge.labels({ v: 'nan' }).set(NaN);
    gauge.labels({ v: 'big' }).set(1e21);
    gauge.labels({ v: 'small' }).set(1.5e-7);
    gauge.labels({ v: 'negzero' }).set(-0);
    expect((await registry.metrics()).split('\n').slice(2)).toEqual([
      'g{v="inf"} +Inf',
      'g{v="ninf"} -Inf',
      'g{v="nan"} Nan', // prom-client's spelling; Prometheus parses NaN case-insensitively
      'g{v="big"} 1e+21',
      'g{v="small"} 1.5e-7',
      'g{v="negzero"} 0',
      '',
    ]);
  });

  it('reads values lazily through a collect callback at every rendering', async () => {
    const lag = new Map<number, number>([[0, 10]]);
    const registry = new MetricsRegistry();
    registry.gauge({
      name: 'consumer_lag',
      help: 'Records behind the end of the partition.',
      labelNames: ['topic', 'partition'],
      collect: (g) => {
        g.reset();
        for (const [partition, value] of lag) g.labels({ topic: 't', partition }).set(value);
      },
    });
    expect((await registry.metrics())).toContain('consumer_lag{topic="t",partition="0"} 10\n');
    lag.set(0, 3).set(1, 7);
    expect((await registry.metrics()).split('\n').slice(2, 4)).toEqual([
      'consumer_lag{topic="t",partition="0"} 3',
      'consumer_lag{topic="t",partition="1"} 7',
    ]);
    lag.delete(0);
    expect((await registry.metrics())).not.toContain('partition="0"');
  });

  it('supports several callbacks and unregistering one', async () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge({ name: 'queue_size', help: 'h', labelNames: ['queue'] });
    const stopA = gauge.onCollect((g) => g.labels({ queue: 'a' }).set(1));
    gauge.onCollect((g) => g.labels({ queue: 'b' }).set(2));
    expect((await registry.metrics())).toContain('queue_size{queue="a"} 1\nqueue_size{queue="b"} 2\n');
    stopA();
    gauge.remove({ queue: 'a' });
    expect((await registry.metrics())).toBe('# HELP queue_size h\n# TYPE queue_size gauge\nqueue_size{queue="b"} 2\n');
  });

  it('reports a failing callback as a MetricsError carrying the cause', async () => {
    const registry = new MetricsRegistry();
    const cause = new Error('store closed');
    registry.gauge({ name: 'g', help: 'h', collect: () => { throw cause; } });
    await expect(registry.metrics()).rejects.toThrow(MetricsError);
    try {
      await registry.metrics();
    } catch (error) {
      expect((error as MetricsError).cause).toBe(cause);
      expect((error as MetricsError).message).toBe('collect callback of g failed');
    }
  });
});
