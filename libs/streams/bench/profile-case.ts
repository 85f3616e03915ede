/**
 * CPU profile of one throughput case of `streams.bench.ts` on one stream thread, under each record path
 * given: where the main thread's time goes before (kafkajs fetch and produce) and after (the engine's
 * lean fetch and produce). Each path runs a fresh application on the same input; the profiler
 * (`node:inspector`) runs from the first group join until every input offset is committed, the
 * bench's timing rule, and its samples are summed by `cpu-profile-summary.ts`.
 *
 * Run: `TSX_TSCONFIG_PATH=tsconfig.base.json npx tsx libs/streams/bench/profile-case.ts --case=stateless
 * --records=300000 --paths=kafkajs,lean` (`--case=count`, `--eos` for exactly-once; `--out=<dir>` also
 * writes each `.cpuprofile` for Chrome DevTools). KAFKA_BROKERS names the broker (default 127.0.0.1:9092).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { StreamsApplication } from '../src/application';
import type { StreamsApplicationOptions } from '../src/internals/runtime/options';
import { countTopology } from '../src/internals/runtime/__fixtures__/count-topology';
import { statelessTopology } from './bench-topologies';
import { committedAll, createTopic, produceInput } from './bench-input';
import { printSummary, summarizeProfile, type CpuProfile } from './cpu-profile-summary';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const records = Number(arg('records') ?? 300_000);
const which = arg('case') ?? 'stateless';
const paths = (arg('paths') ?? 'kafkajs,lean').split(',') as Array<'kafkajs' | 'lean'>;
const eos = process.argv.includes('--eos');
const outDir = arg('out');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafkaConfig = { clientId: 'streams-profile', brokers, logLevel: logLevel.NOTHING };
const kafka = new Kafka(kafkaConfig);
const name = (p: string) => `profile-${p}-${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
}

async function profileRun(recordPath: 'kafkajs' | 'lean', input: string, stateDir: string): Promise<{ ms: number; profile: CpuProfile }> {
  const admin = kafka.admin();
  await admin.connect();
  const id = name(`${which}-${recordPath}`);
  let spec;
  if (which === 'count') spec = countTopology(input);
  else {
    const output = name('out');
    await createTopic(admin, output);
    spec = statelessTopology(input, output);
  }
  const options: Partial<StreamsApplicationOptions> = { fetchPath: recordPath, producePath: recordPath, ...(eos ? { processingGuarantee: 'exactly-once' } : {}) };
  const app = new StreamsApplication(spec, { app: { id, version: 1 }, kafka: kafkaConfig, stateDir, commitIntervalMs: 1000, ...options });
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 500 });
  let joinedAt = 0;
  app.on('rebalance.assigned', () => {
    if (joinedAt) return;
    joinedAt = Date.now();
    void post(session, 'Profiler.start');
  });
  await app.start();
  while (!(await committedAll(admin, `${id}-v1`, input))) {
    if (app.state === 'ERROR') throw app.cause;
    await sleep(100);
  }
  const ms = Date.now() - joinedAt;
  const { profile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
  session.disconnect();
  await app.close();
  await admin.disconnect();
  return { ms, profile };
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const input = name('input');
  await produceInput(kafka, admin, input, records);
  await admin.disconnect();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-profile-'));
  try {
    for (const recordPath of paths) {
      const { ms, profile } = await profileRun(recordPath, input, path.join(dir, recordPath));
      const title = `${which}${eos ? ' exactly-once' : ''}, fetchPath and producePath '${recordPath}', ${records} records in ${ms} ms (${Math.round((records / ms) * 1000)}/s)`;
      printSummary(title, summarizeProfile(profile));
      if (outDir) {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(path.join(outDir, `${which}-${recordPath}.cpuprofile`), JSON.stringify(profile));
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
