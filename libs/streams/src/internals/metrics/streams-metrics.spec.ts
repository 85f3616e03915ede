import { MetricsRegistry } from '@platform/metrics';
import { EventHub, type RestoreProgress } from '../runtime/events';
import { StreamsMetrics } from './streams-metrics';

describe('StreamsMetrics', () => {
  const progress = (restored: number): RestoreProgress => ({
    taskId: '0_1',
    store: 'counts',
    topic: 'app-v1-counts-changelog',
    partition: 1,
    startOffset: '100',
    endOffset: '1100',
    restored,
  });

  it('follows restoration: records restored and remaining', async () => {
    const registry = new MetricsRegistry();
    const events = new EventHub();
    new StreamsMetrics(registry, 'app-v1').observeRestore(events);
    const labels = 'application="app-v1",store="counts",partition="1"';
    events.emit('restore.start', progress(0));
    expect(await registry.metrics()).toContain(`streams_restore_remaining_records{${labels}} 1000`);
    events.emit('restore.batch', { ...progress(400), batchSize: 400 });
    events.emit('restore.batch', { ...progress(700), batchSize: 300 });
    expect(await registry.metrics()).toContain(`streams_restore_records_total{${labels}} 700`);
    expect(await registry.metrics()).toContain(`streams_restore_remaining_records{${labels}} 300`);
    events.emit('restore.end', progress(1000));
    expect(await registry.metrics()).toContain(`streams_restore_records_total{${labels}} 1000`);
    expect(await registry.metrics()).toContain(`streams_restore_remaining_records{${labels}} 0`);
  });

  it('computes lag at scrape time and forgets partitions no longer assigned', async () => {
    const registry = new MetricsRegistry();
    const metrics = new StreamsMetrics(registry, 'app-v1');
    metrics.position('in', 0, '40', '100');
    metrics.position('in', 1, '7', '7');
    metrics.recordsProcessed('0_0', 'in', 40);
    metrics.recordsProcessed('0_0', 'in', 2);
    metrics.punctuations(3);
    metrics.commitTimer()();
    let text = await registry.metrics();
    expect(text).toContain('streams_consumer_lag{application="app-v1",topic="in",partition="0"} 60');
    expect(text).toContain('streams_consumer_lag{application="app-v1",topic="in",partition="1"} 0');
    expect(text).toContain('streams_records_processed_total{application="app-v1",task="0_0",topic="in"} 42');
    expect(text).toContain('streams_punctuations_total{application="app-v1"} 3');
    expect(text).toContain('streams_commit_latency_seconds_count{application="app-v1"} 1');
    metrics.retainPartitions(new Set(['in|1']));
    metrics.position('in', 1, '9', '12');
    text = await registry.metrics();
    expect(text).toContain('streams_consumer_lag{application="app-v1",topic="in",partition="1"} 3');
  });

  it('is a no-op without a registry', () => {
    const metrics = new StreamsMetrics(undefined, 'app-v1');
    expect(metrics.enabled).toBe(false);
    metrics.recordsProcessed('0_0', 'in', 1);
    metrics.position('in', 0, '1', '2');
    metrics.deadLettered('processing', 'dlq');
    expect(metrics.storeOperation('counts', 'get')).toBeUndefined();
  });
});
