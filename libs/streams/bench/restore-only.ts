/**
 * Restore-only run, for profiling and repeated measurement of bench case 5 without the throughput
 * cases before it. Writes a changelog shaped like the one the count topology of the bench leaves
 * (key `k<i>`, 8-byte count, one key per record, produced in chunks of 1000 over 6 partitions,
 * the input-offsets header on the last record of each chunk) straight into the changelog topic of
 * an application, then starts that application on fresh state directories `--runs` times and
 * prints the restore rate of each start (first restore.start → last restore.end).
 *
 * Run: `TSX_TSCONFIG_PATH=tsconfig.base.json npx tsx libs/streams/bench/restore-only.ts --records=1000000 --runs=3`
 * `--app=<id>` reuses the changelog written by an earlier run (its id is printed), skipping the produce.
 * Profile: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx libs/streams/bench/restore-only.ts --app=<id> --runs=1`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { StreamsApplication } from '../src/application';
import { countTopology } from '../src/internals/runtime/__fixtures__/count-topology';
import { INPUT_OFFSETS_HEADER } from '../src/internals/runtime/restorer';
import { internalTopicName } from '../src/internals/topology/names';

const PARTITIONS = 6;
const CHUNK = 1000;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const records = Number(arg('records') ?? 1_000_000);
const runs = Number(arg('runs') ?? 3);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafkaConfig = { clientId: 'streams-restore-bench', brokers, logLevel: logLevel.NOTHING };
const kafka = new Kafka(kafkaConfig);
// `--reader=kafkajs` restores through kafkajs consumers (the application gets a Kafka instance and so
// no connection settings for the engine's own fetch reader); the default gives it the config.
const reader = arg('reader') ?? 'fetch';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time of the main thread alone in ms (Linux: /proc/<pid>/task/<pid>/stat, clock ticks of 10 ms),
 * which the other processes on a busy machine do not inflate the way they inflate wall time; 0 elsewhere.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

async function writeChangelog(topic: string, input: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: input, numPartitions: PARTITIONS },
      { topic, numPartitions: PARTITIONS, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const one = Buffer.alloc(8);
  one.writeBigInt64BE(1n);
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < records; i += CHUNK) {
    const messages: Message[] = [];
    for (let j = i; j < Math.min(i + CHUNK, records); j++) messages.push({ key: `k${j}`, value: one, partition: j % PARTITIONS });
    const offsets = JSON.stringify({ [`${input}|0`]: String(Math.floor(i / PARTITIONS)) });
    for (const m of messages.slice(-PARTITIONS)) m.headers = { [INPUT_OFFSETS_HEADER]: offsets };
    inFlight.push(producer.send({ topic, messages, acks: -1 }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
}

async function restoreOnce(id: string, input: string, stateDir: string): Promise<{ restored: number; firstBatchMs: number; ms: number; cpuMs: number; mainMs: number }> {
  const app = new StreamsApplication(countTopology(input), { app: { id, version: 1 }, kafka: reader === 'kafkajs' ? kafka : kafkaConfig, stateDir, commitIntervalMs: 1000 });
  let restored = 0;
  let start = 0;
  let end = 0;
  let cpuAtStart = process.cpuUsage();
  let cpu = { user: 0, system: 0 };
  let mainAtStart = 0;
  let mainMs = 0;
  let firstBatch = 0;
  app.onRestore((phase, p) => {
    if (phase === 'start' && !start) {
      start = Date.now();
      cpuAtStart = process.cpuUsage();
      mainAtStart = mainThreadCpuMs();
    }
    if (phase === 'batch' && !firstBatch) firstBatch = Date.now();
    if (phase === 'end') {
      restored += p.restored;
      end = Date.now();
      cpu = process.cpuUsage(cpuAtStart);
      mainMs = mainThreadCpuMs() - mainAtStart;
    }
  });
  let running = false;
  app.onStateChange((s) => void (s === 'RUNNING' && (running = true)));
  await app.start();
  while (!running && app.state !== 'ERROR') await sleep(10);
  if (app.state === 'ERROR') throw app.cause;
  await app.close();
  return { restored, firstBatchMs: firstBatch - start, ms: end - start, cpuMs: Math.round((cpu.user + cpu.system) / 1000), mainMs };
}

async function main(): Promise<void> {
  const id = arg('app') ?? `bench-restore-${randomBytes(4).toString('hex')}`;
  const input = `${id}-input`;
  if (!arg('app')) {
    const at = Date.now();
    await writeChangelog(internalTopicName({ id, version: 1 }, 'counts', 'changelog'), input);
    console.log(`[restore bench] app ${id}: wrote ${records} changelog records in ${Date.now() - at} ms`);
  }
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-restore-'));
    try {
      const { restored, firstBatchMs, ms, cpuMs, mainMs } = await restoreOnce(id, input, dir);
      const rate = Math.round((restored / Math.max(ms, 1)) * 1000);
      rates.push(rate);
      console.log(`[restore bench] run ${run + 1}: ${restored} records in ${ms} ms = ${rate} records/s (first batch after ${firstBatchMs} ms; CPU: process ${cpuMs} ms, main thread ${mainMs} ms)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const sorted = [...rates].sort((a, b) => a - b);
  if (sorted.length > 0) console.log(`[restore bench] best ${sorted[sorted.length - 1]} records/s, median ${sorted[Math.floor(sorted.length / 2)]} records/s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
