import { MetricsRegistry, registerProcessMetrics } from './index';

function valueOf(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} not exposed`);
  return Number(line.slice(name.length + 1));
}

describe('registerProcessMetrics', () => {
  it('exposes CPU, memory and start time read at scrape time', () => {
    const registry = new MetricsRegistry();
    const handle = registerProcessMetrics(registry);
    const first = registry.metrics();
    expect(first).toContain('# TYPE process_cpu_seconds_total counter\n');
    expect(first).toContain('# TYPE process_resident_memory_bytes gauge\n');
    expect(valueOf(first, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(first, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(valueOf(first, 'process_start_time_seconds')).toBeLessThanOrEqual(Date.now() / 1000);
    const cpu = valueOf(first, 'process_cpu_seconds_total');
    expect(cpu).toBeGreaterThan(0);
    expect(valueOf(registry.metrics(), 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(cpu);
    handle.stop();
  });

  it('is harmless to call twice and stops updating after stop()', () => {
    const registry = new MetricsRegistry();
    const a = registerProcessMetrics(registry);
    const b = registerProcessMetrics(registry);
    const text = registry.metrics();
    expect(text.match(/# TYPE process_cpu_seconds_total/g)).toHaveLength(1);
    const usage = process.cpuUsage();
    // Two callbacks must not double-count: the counter tracks the absolute CPU time.
    expect(valueOf(registry.metrics(), 'process_cpu_seconds_total')).toBeLessThanOrEqual((usage.user + usage.system) / 1e6 + 1);
    a.stop();
    b.stop();
    const frozen = valueOf(registry.metrics(), 'process_resident_memory_bytes');
    expect(valueOf(registry.metrics(), 'process_resident_memory_bytes')).toBe(frozen);
  });

  it('optionally samples event-loop lag until stopped', () => {
    const registry = new MetricsRegistry({ prefix: 'platform_' });
    const handle = registerProcessMetrics(registry, { eventLoopLag: true, eventLoopResolutionMs: 10 });
    const text = registry.metrics();
    expect(valueOf(text, 'platform_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(text, 'platform_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    handle.stop();
  });
});
