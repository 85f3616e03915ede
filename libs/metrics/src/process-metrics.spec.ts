import { MetricsRegistry, registerProcessMetrics } from './index';

function valueOf(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} not exposed`);
  return Number(line.slice(name.length + 1));
}

describe('registerProcessMetrics (prom-client default metrics)', () => {
  it('exposes CPU, memory, start time, event-loop lag and GC metrics read at scrape time', async () => {
    const registry = new MetricsRegistry();
    const handle = registerProcessMetrics(registry);
    const first = await registry.metrics();
    expect(first).toContain('# TYPE process_cpu_seconds_total counter\n');
    expect(first).toContain('# TYPE process_resident_memory_bytes gauge\n');
    expect(first).toContain('# TYPE nodejs_gc_duration_seconds histogram\n');
    expect(first).toContain('# TYPE nodejs_eventloop_lag_p99_seconds gauge\n');
    expect(valueOf(first, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(first, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(valueOf(first, 'process_start_time_seconds')).toBeLessThanOrEqual(Date.now() / 1000);
    const cpu = valueOf(first, 'process_cpu_seconds_total');
    expect(cpu).toBeGreaterThan(0);
    expect(valueOf(await registry.metrics(), 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(cpu);
    handle.stop();
    expect((await registry.metrics()).trim()).toBe('');
  });

  it('is harmless to call twice, applies the prefix, and leaves other registries alone', async () => {
    const registry = new MetricsRegistry({ prefix: 'platform_' });
    const a = registerProcessMetrics(registry);
    const b = registerProcessMetrics(registry);
    const text = await registry.metrics();
    expect(text.match(/# TYPE platform_process_cpu_seconds_total/g)).toHaveLength(1);
    expect(valueOf(text, 'platform_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect((await new MetricsRegistry().metrics()).trim()).toBe('');
    b.stop();
    a.stop();
  });
});
