import { MetricsRegistry } from '@platform/metrics';
import { StreamsMetrics } from '../metrics/streams-metrics';
import type { TaskStore } from '../task/contract';
import { MemoryStore } from './memory-store';
import { MeteredStore, meteredStores } from './metered-store';
import type { SyncSerde } from '../../api/serde';

const utf8: SyncSerde<string> = { serialize: (_t, v) => Buffer.from(v), deserialize: (_t, d) => d.toString() };

describe('MeteredStore', () => {
  const typed = (): TaskStore => new MemoryStore({ name: 'counts', keySerde: utf8, valueSerde: utf8, changelog: { kind: 'none' } });

  it('delegates every operation and times a sample of them into the store latency histogram', async () => {
    const registry = new MetricsRegistry();
    const store = new MeteredStore(typed(), new StreamsMetrics(registry, 'app-v1'));
    for (let i = 0; i < 64; i++) store.put(`k${i}`, `v${i}`);
    for (let i = 0; i < 64; i++) expect(store.get(`k${i}`)).toBe(`v${i}`);
    expect(store.delete('k1')).toBe('v1');
    expect([...store.range('k5', 'k6')].map((kv) => kv.key)).toEqual(['k5', 'k50', 'k51', 'k52', 'k53', 'k54', 'k55', 'k56', 'k57', 'k58', 'k59', 'k6']);
    store.flush();
    const text = await registry.metrics();
    expect(text).toContain('streams_store_operation_seconds_count{application="app-v1",store="counts",operation="put"} 4');
    expect(text).toContain('streams_store_operation_seconds_count{application="app-v1",store="counts",operation="get"} 4');
    expect(text).toContain('streams_store_operation_seconds_count{application="app-v1",store="counts",operation="range"} 1');
    expect(text).toContain('streams_store_operation_seconds_count{application="app-v1",store="counts",operation="flush"} 1');
  });

  it('is not added when metrics are off', () => {
    const store = typed();
    const factory = meteredStores(() => store, new StreamsMetrics(undefined, 'app-v1'));
    expect(factory({ name: 'counts', keySerde: utf8, valueSerde: utf8, changelog: { kind: 'none' } }, '0_0', 0)).toBe(store);
  });
});
