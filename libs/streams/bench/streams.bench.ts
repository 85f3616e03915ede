/**
 * Throughput of the production runtime on a real broker (KAFKA_BROKERS), 6 partitions:
 * - records/s of a stateless topology (mapValues → sink) and of a count-into-store topology;
 * - records replayed on restart with and without local state; restore rate (records/s).
 * Run: `npm run bench`, or `TSX_TSCONFIG_PATH=tsconfig.base.json npx tsx libs/streams/bench/streams.bench.ts --records=200000`.
 * Each measurement starts after the group joined (state RUNNING) and ends when every input offset is committed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { StreamsApplication } from '../src/application';
import { StreamsBuilder } from '../src/dsl/streams-builder';
import { Serdes } from '../src/serdes/serdes';
import { countTopology } from '../src/internals/runtime/__fixtures__/count-topology';
import type { TopologySpec } from '../src/internals/topology/spec';

const PARTITIONS = 6;
const records = Number(process.argv.find((a) => a.startsWith('--records='))?.split('=')[1] ?? 200_000);
const distinctKeys = Math.min(records, 50_000);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'streams-bench', brokers, logLevel: logLevel.NOTHING });
const name = (p: string) => `bench-${p}-${randomBytes(4).toString('hex')}`;
const rows: Record<string, string | number>[] = [];

async function produce(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.from('v'.repeat(40));
  for (let i = 0; i < records; i += 10_000) {
    const messages = Array.from({ length: Math.min(10_000, records - i) }, (_, j) => ({ key: `k${(i + j) % distinctKeys}`, value }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

async function committedAll(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return ends.every((e) => committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
}

interface RunResult {
  processMs: number;
  /** CPU time of this process while processing, as a share of the elapsed time. */
  cpuPercent: number;
  restored: number;
  restoreMs: number;
}

async function run(admin: Admin, spec: TopologySpec, id: string, input: string, stateDir: string): Promise<RunResult> {
  const app = new StreamsApplication(spec, { app: { id, version: 1 }, kafka, stateDir, commitIntervalMs: 1000 });
  let restored = 0;
  let restoreStart = 0;
  let restoreEnd = 0;
  app.onRestore((phase, p) => {
    if (phase === 'start' && !restoreStart) restoreStart = Date.now();
    if (phase === 'end') {
      restored += p.restored;
      restoreEnd = Date.now();
    }
  });
  let runningAt = 0;
  app.onStateChange((s) => s === 'RUNNING' && !runningAt && (runningAt = Date.now()));
  await app.start();
  const cpuBefore = process.cpuUsage();
  while (!(await committedAll(admin, `${id}-v1`, input))) await new Promise((r) => setTimeout(r, 100));
  const doneAt = Date.now();
  const cpu = process.cpuUsage(cpuBefore);
  await app.close();
  const processMs = doneAt - runningAt;
  return { processMs, cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(processMs, 1)) * 100), restored, restoreMs: restoreEnd - restoreStart };
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const input = name('input');
  await produce(admin, input);
  const stateless = new StreamsBuilder();
  stateless
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .mapValues((v) => v.toUpperCase())
    .to(name('upper'), { keySerde: Serdes.string(), valueSerde: Serdes.string() });
  const output = [...stateless.build().nodes.values()].find((n) => n.kind === 'sink');
  if (output?.kind === 'sink') await admin.createTopics({ topics: [{ topic: output.topic.name, numPartitions: PARTITIONS }], waitForLeaders: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-bench-'));
  const rate = (n: number, ms: number) => Math.round((n / Math.max(ms, 1)) * 1000);

  const s = await run(admin, stateless.build(), name('stateless'), input, path.join(dir, 'stateless'));
  rows.push({ measurement: 'stateless mapValues → sink', records, ms: s.processMs, 'records/s': rate(records, s.processMs), 'cpu %': s.cpuPercent });

  const countId = name('count');
  const countDir = path.join(dir, 'count');
  const c = await run(admin, countTopology(input), countId, input, countDir);
  rows.push({ measurement: `count into store (${distinctKeys} keys)`, records, ms: c.processMs, 'records/s': rate(records, c.processMs), 'cpu %': c.cpuPercent });

  const warm = await run(admin, countTopology(input), countId, input, countDir);
  rows.push({ measurement: 'restart with local state: changelog records replayed', records: warm.restored, ms: warm.restoreMs, 'records/s': '' });

  fs.rmSync(countDir, { recursive: true, force: true });
  const cold = await run(admin, countTopology(input), countId, input, countDir);
  rows.push({ measurement: 'restart without local state: changelog records replayed', records: cold.restored, ms: cold.restoreMs, 'records/s': rate(cold.restored, cold.restoreMs) });

  console.table(rows);
  await admin.disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
