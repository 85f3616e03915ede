/**
 * Overhead of the MeteredStore layer on the store stack the count topology uses (get + put of a
 * counter per record, SQLite + changelogging, commit every 10k records): records/s bare, metered
 * (sampled timing, the default) — no broker needed. Run: `npm run bench` or
 * `TSX_TSCONFIG_PATH=tsconfig.base.json npx tsx libs/streams/bench/store-metering.bench.ts --ops=300000`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@platform/common';
import { MetricsRegistry } from '@platform/metrics';
import { StreamsMetrics } from '../src/internals/metrics/streams-metrics';
import { meteredStores } from '../src/internals/state/metered-store';
import { TaskState } from '../src/internals/state/task-state';
import type { StoreFactory } from '../src/internals/task/contract';
import type { StoreSpec } from '../src/internals/topology/spec';
import { int64, utf8 } from '../src/internals/runtime/__fixtures__/count-topology';

const ops = Number(process.argv.find((a) => a.startsWith('--ops='))?.split('=')[1] ?? process.env.STORE_BENCH_OPS ?? 300_000);
const spec: StoreSpec = { name: 'counts', keySerde: utf8, valueSerde: int64, changelog: { kind: 'internal' } };

function run(label: string, wrap: (f: StoreFactory) => StoreFactory): Record<string, string | number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-metering-'));
  const state = new TaskState({
    dir,
    taskId: '0_0',
    partition: 0,
    stores: [spec],
    changelogTopic: () => ({ kind: 'internal', topic: 'bench-counts-changelog' }),
    logger: silentLogger,
  });
  const store = wrap(state.storeFactory)(spec, '0_0', 0);
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const key = `k${i % 50_000}`;
    store.put(key, ((store.get(key) as number | undefined) ?? 0) + 1);
    if (i % 10_000 === 9_999) {
      state.drainChangelogs();
      state.commit(() => store.flush(), new Map(), new Map());
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  state.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { store: label, records: ops, ms: Math.round(ms), 'records/s': Math.round((ops / ms) * 1000) };
}

const metrics = new StreamsMetrics(new MetricsRegistry(), 'bench-v1');
run('warm-up', (f) => f);
const rows: Record<string, string | number>[] = [];
// alternate to even out the noise of a shared machine
for (let round = 0; round < 2; round++) {
  rows.push(run('bare', (f) => f), run('metered (sampled 1/16)', (f) => meteredStores(f, metrics)));
}
const best = (label: string) => Math.max(...rows.filter((r) => r.store === label).map((r) => r['records/s'] as number));
const bare = best('bare');
const metered = best('metered (sampled 1/16)');
console.table(rows);
console.log(`metering overhead: ${(((bare - metered) / bare) * 100).toFixed(1)} %`);
