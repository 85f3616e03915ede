/**
 * Throughput of the production runtime on a real broker (KAFKA_BROKERS), one process, records of
 * about 200 bytes on 6 partitions, printed as one table with the ratio to the raw kafkajs loop:
 * 1. raw kafkajs consume → produce (eachBatch, produce in chunks): the baseline;
 * 2. stateless filter → mapValues → to;
 * 3. count by key into a SQLite store with changelog, at-least-once;
 * 4. the same under exactly-once (when the runtime offers `processingGuarantee`);
 * 5. cold restore of the store of (3) from its changelog (one key per record);
 * 6. restart of (3) with its local state: time from start() to RUNNING.
 * Rows 2L/3L rerun (2) and (3) with `producePath: 'lean'`, 2F/3F/4F with both lean paths (4F: the lean fetch, EOS producers
 * are kafkajs'), 2T and 3T with both lean paths on 2 stream threads (`numStreamThreads: 2`), compared with Kafka Streams on one.
 * Throughput runs are timed from the first group join (`rebalance.assigned`) to the moment every input offset is committed.
 * After each case the Kafka Streams peer (kafka-streams-peer.ts: Kafka Streams at the broker's version, case 1 with the
 * Java clients) runs the same case on the same input topic, with the same commit interval and timing; cases 2 and 3
 * also with 2 stream threads. `ours/KS` is the ratio of the speeds: above 1, ours is faster (case 6: KS ms ÷ ours ms).
 * Run: `npm run bench`, or `TSX_TSCONFIG_PATH=tsconfig.base.json npx tsx libs/streams/bench/streams.bench.ts --records=100000`
 * (or BENCH_RECORDS=100000); default 1 000 000. `--only=2,3` runs a subset (plus the baseline); `--no-peer`
 * (or BENCH_PEER=0) skips the Kafka Streams peer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { StreamsApplication } from '../src/application';
import { countTopology } from '../src/internals/runtime/__fixtures__/count-topology';
import { resolveOptions, type StreamsApplicationOptions } from '../src/internals/runtime/options';
import type { TopologySpec } from '../src/internals/topology/spec';
import { cacheDirFromEnv } from '@platform/infra-kafka';
import { KafkaStreamsPeer, type PeerResult, type PeerRun } from './kafka-streams-peer';
import { statelessTopology } from './bench-topologies';
import { committedAll, createTopic, produceInput, untilCommitted } from './bench-input';

const records = Number(process.argv.find((a) => a.startsWith('--records='))?.split('=')[1] ?? process.env.BENCH_RECORDS ?? 1_000_000);
/** `--only=1,3`: run a subset (the baseline always runs). */
const only = process.argv.find((a) => a.startsWith('--only='))?.split('=')[1]?.split(',').map(Number);
const wanted = (n: number) => !only || only.includes(n);
const peerWanted = !process.argv.includes('--no-peer') && process.env.BENCH_PEER !== '0';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafkaConfig = { clientId: 'streams-bench', brokers, logLevel: logLevel.NOTHING };
const kafka = new Kafka(kafkaConfig);
const name = (p: string) => `bench-${p}-${randomBytes(4).toString('hex')}`;
const rate = (n: number, ms: number) => Math.round((n / Math.max(ms, 1)) * 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `exactly-once` when the runtime supports it (the option resolves), else undefined. */
const exactlyOnce: Partial<StreamsApplicationOptions> | undefined = (() => {
  const candidate = { processingGuarantee: 'exactly-once' } as Partial<StreamsApplicationOptions>;
  const resolved = resolveOptions(candidate as StreamsApplicationOptions) as unknown as Record<string, unknown>;
  return resolved['processingGuarantee'] === 'exactly-once' ? candidate : undefined;
})();

interface Measured {
  ms: number;
  cpuPercent: number;
}

/** (1) kafkajs alone: each fetched batch is produced in chunks of 1000, then its offsets committed. */
async function rawLoop(admin: Admin, input: string): Promise<Measured> {
  const output = name('raw-out');
  await createTopic(admin, output);
  const groupId = name('raw');
  const consumer = kafka.consumer({ groupId });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  let joinedAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => void (joinedAt ||= Date.now()));
  await consumer.subscribe({ topics: [input], fromBeginning: true });
  const cpuBefore = process.cpuUsage();
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (let i = 0; i < batch.messages.length; i += 1000) {
        const chunk = batch.messages.slice(i, i + 1000);
        await producer.send({ topic: output, acks: -1, messages: chunk.map((m) => ({ key: m.key, value: m.value })) });
        resolveOffset(chunk[chunk.length - 1]!.offset);
        await heartbeat();
      }
    },
  });
  const doneAt = await untilCommitted(admin, groupId, input);
  const cpu = process.cpuUsage(cpuBefore);
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return { ms: doneAt - joinedAt, cpuPercent: cpuShare(cpu, doneAt - joinedAt) };
}

/** Two stream threads building their topology from `module` (relative to this folder). */
function onThreads(module: string, exportName: string, args: unknown): Partial<StreamsApplicationOptions> {
  return { numStreamThreads: 2, threadTopology: { module: path.join(__dirname, module), exportName, args } };
}

function cpuShare(cpu: NodeJS.CpuUsage, ms: number): number {
  return Math.round(((cpu.user + cpu.system) / 1000 / Math.max(ms, 1)) * 100);
}

interface AppRun extends Measured {
  /** start() → RUNNING. */
  startMs: number;
  restored: number;
  restoreMs: number;
}

async function runApp(
  admin: Admin,
  spec: TopologySpec,
  id: string,
  input: string,
  stateDir: string,
  extra: Partial<StreamsApplicationOptions> = {},
): Promise<AppRun> {
  // the config, not the instance: the application then knows the connection settings of its own restore fetch reader
  const app = new StreamsApplication(spec, { app: { id, version: 1 }, kafka: kafkaConfig, stateDir, commitIntervalMs: 1000, ...extra });
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
  app.onStateChange((s) => void (s === 'RUNNING' && !runningAt && (runningAt = Date.now())));
  // timed from the first group join (of any stream thread), as the peer is
  let joinedAt = 0;
  let cpuAtJoin: NodeJS.CpuUsage | undefined;
  app.on('rebalance.assigned', () => {
    if (joinedAt) return;
    joinedAt = Date.now();
    cpuAtJoin = process.cpuUsage();
  });
  const startedAt = Date.now();
  await app.start();
  while (!runningAt && app.state !== 'ERROR') await sleep(10);
  while (!(await committedAll(admin, `${id}-v1`, input))) {
    if (app.state === 'ERROR') throw app.cause;
    await sleep(100);
  }
  const doneAt = Date.now();
  const cpu = process.cpuUsage(cpuAtJoin);
  await app.close();
  return {
    ms: doneAt - joinedAt,
    cpuPercent: cpuShare(cpu, doneAt - joinedAt),
    startMs: runningAt - startedAt,
    restored,
    restoreMs: restoreEnd - restoreStart,
  };
}


/** The peer, or why there is none (printed once). */
async function preparePeer(): Promise<KafkaStreamsPeer | undefined> {
  if (!peerWanted) return undefined;
  try {
    return await KafkaStreamsPeer.prepare({ cacheDir: cacheDirFromEnv(process.env), brokers, javaHome: process.env.JAVA_HOME });
  } catch (error) {
    console.log(`[streams bench] Kafka Streams peer skipped: ${(error as Error).message}`);
    return undefined;
  }
}

/** A peer run: its result, an Error (printed, the bench goes on), or undefined without a peer. */
type PeerOutcome = PeerResult | Error | undefined;

async function runPeer(peer: KafkaStreamsPeer | undefined, run: PeerRun): Promise<PeerOutcome> {
  if (!peer) return undefined;
  try {
    return await peer.run(run);
  } catch (error) {
    console.log(`[streams bench] ${(error as Error).message}`);
    return error as Error;
  }
}

type Row = Record<string, string | number>;

interface PeerCells {
  /** The 2-thread run (cases 2 and 3). */
  two?: PeerOutcome;
  /** The case is a time (case 6): the ratio is KS ms ÷ ours ms. */
  inMs?: boolean;
  /** Show the peer's CPU share (throughput cases). */
  cpu?: boolean;
}

/** The peer's columns of a row (none without a peer): its speed (`speed` of a result), ours/KS, its CPU and its 2-thread speed. */
function peerColumns(ours: number, one: PeerOutcome, speed: (r: PeerResult) => number, { two, inMs = false, cpu = true }: PeerCells = {}): Row {
  if (one === undefined && two === undefined) return {};
  const ok = (o: PeerOutcome): o is PeerResult => o !== undefined && !(o instanceof Error);
  const cell = (o: PeerOutcome) => (o === undefined ? '' : !ok(o) ? 'failed' : inMs ? `${speed(o)} ms` : speed(o));
  const theirs = ok(one) ? speed(one) : 0;
  const ratio = ours > 0 && theirs > 0 ? (inMs ? theirs / ours : ours / theirs).toFixed(2) : '';
  return { 'Kafka Streams': cell(one), 'ours/KS': ratio, 'KS cpu %': cpu && ok(one) ? (one.cpuPercent ?? '') : '', 'KS 2 threads': cell(two) };
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-bench-'));
  const rows: Row[] = [];
  const ratioOf = (r: number, base: number) => (base > 0 ? (r / base).toFixed(2) : '');
  const throughput = (r: PeerResult) => rate(records, r.ms);
  try {
    const input = name('input');
    const peerReady = preparePeer();
    const producedAt = Date.now();
    await produceInput(kafka, admin, input, records);
    console.log(`[streams bench] produced ${records} records of ~200 bytes in ${Date.now() - producedAt} ms`);
    const peer = await peerReady;
    /** What the peer runs, in a measurement's label, when there is a peer. */
    const peerLabel = (what: string) => (peer ? ` (${what})` : '');
    /** The peer on the same input, with a fresh output topic when the case writes one. */
    const peerCase = async (run: Omit<PeerRun, 'input' | 'output'>, writes: boolean): Promise<PeerOutcome> => {
      const output = name(`ks-${run.case}-out`);
      if (peer && writes) await createTopic(admin, output);
      return runPeer(peer, { ...run, input, output });
    };

    const raw = await rawLoop(admin, input);
    const base = rate(records, raw.ms);
    const ksRaw = await peerCase({ case: 'raw', applicationId: name('ks-raw'), stateDir: dir }, true);
    rows.push({ measurement: `1 raw kafkajs consume→produce${peerLabel('KS: Java clients')}`, records, ms: raw.ms, 'records/s': base, 'ratio to 1': '1.00', target: 'baseline', 'cpu %': raw.cpuPercent, ...peerColumns(base, ksRaw, throughput) });

    if (wanted(2)) {
      const output = name('stateless-out');
      await createTopic(admin, output);
      const s = await runApp(admin, statelessTopology(input, output), name('stateless'), input, path.join(dir, 'stateless'));
      const sRate = rate(records, s.ms);
      const ks = await peerCase({ case: 'stateless', applicationId: name('ks-stateless'), stateDir: path.join(dir, 'ks-stateless') }, true);
      const ks2 = await peerCase({ case: 'stateless', applicationId: name('ks-stateless2'), stateDir: path.join(dir, 'ks-stateless2'), threads: 2 }, true);
      rows.push({ measurement: '2 stateless filter→mapValues→to', records, ms: s.ms, 'records/s': sRate, 'ratio to 1': ratioOf(sRate, base), target: '≥ 0.80', 'cpu %': s.cpuPercent, ...peerColumns(sRate, ks, throughput, { two: ks2 }) });
      const leanOutput = name('stateless-lean-out');
      await createTopic(admin, leanOutput);
      const l = await runApp(admin, statelessTopology(input, leanOutput), name('stateless-lean'), input, path.join(dir, 'stateless-lean'), { producePath: 'lean' });
      const lRate = rate(records, l.ms);
      rows.push({ measurement: "2L the same, producePath 'lean'", records, ms: l.ms, 'records/s': lRate, 'ratio to 1': ratioOf(lRate, base), target: '≥ 0.80', 'cpu %': l.cpuPercent, ...peerColumns(lRate, ks, throughput) });
      const fullOutput = name('stateless-full-lean-out');
      await createTopic(admin, fullOutput);
      const f = await runApp(admin, statelessTopology(input, fullOutput), name('stateless-full-lean'), input, path.join(dir, 'stateless-full-lean'), { producePath: 'lean', fetchPath: 'lean' });
      const fRate = rate(records, f.ms);
      rows.push({ measurement: "2F the same, producePath and fetchPath 'lean'", records, ms: f.ms, 'records/s': fRate, 'ratio to 1': ratioOf(fRate, base), target: '≥ 0.80', 'cpu %': f.cpuPercent, ...peerColumns(fRate, ks, throughput) });
      const threadsOutput = name('stateless-threads-out');
      await createTopic(admin, threadsOutput);
      const t = await runApp(admin, statelessTopology(input, threadsOutput), name('stateless-threads'), input, path.join(dir, 'stateless-threads'), {
        producePath: 'lean',
        fetchPath: 'lean',
        ...onThreads('bench-topologies.ts', 'statelessThreads', { input, output: threadsOutput }),
      });
      const tRate = rate(records, t.ms);
      rows.push({ measurement: "2T the same on 2 stream threads, both paths 'lean' (ours/KS: KS on 1 thread)", records, ms: t.ms, 'records/s': tRate, 'ratio to 1': ratioOf(tRate, base), target: '≥ 1.0 of KS', 'cpu %': t.cpuPercent, ...peerColumns(tRate, ks, throughput) });
    }

    const countId = name('count');
    const countDir = path.join(dir, 'count');
    const ksCount = { case: 'count' as const, applicationId: name('ks-count'), stateDir: path.join(dir, 'ks-count') };
    if (wanted(3) || wanted(5) || wanted(6)) {
      const c = await runApp(admin, countTopology(input), countId, input, countDir);
      const cRate = rate(records, c.ms);
      const ks = await peerCase(ksCount, false);
      const ks2 = wanted(3) ? await peerCase({ case: 'count', applicationId: name('ks-count2'), stateDir: path.join(dir, 'ks-count2'), threads: 2 }, false) : undefined;
      rows.push({ measurement: `3 count into SQLite + changelog, at-least-once${peerLabel('KS: RocksDB')}`, records, ms: c.ms, 'records/s': cRate, 'ratio to 1': ratioOf(cRate, base), target: '≥ 0.50', 'cpu %': c.cpuPercent, ...peerColumns(cRate, ks, throughput, { two: ks2 }) });
      if (wanted(3)) {
        const l = await runApp(admin, countTopology(input), name('count-lean'), input, path.join(dir, 'count-lean'), { producePath: 'lean' });
        const lRate = rate(records, l.ms);
        rows.push({ measurement: "3L the same, producePath 'lean'", records, ms: l.ms, 'records/s': lRate, 'ratio to 1': ratioOf(lRate, base), target: '≥ 0.50', 'cpu %': l.cpuPercent, ...peerColumns(lRate, ks, throughput) });
        const f = await runApp(admin, countTopology(input), name('count-full-lean'), input, path.join(dir, 'count-full-lean'), { producePath: 'lean', fetchPath: 'lean' });
        const fRate = rate(records, f.ms);
        rows.push({ measurement: "3F the same, producePath and fetchPath 'lean'", records, ms: f.ms, 'records/s': fRate, 'ratio to 1': ratioOf(fRate, base), target: '≥ 0.50', 'cpu %': f.cpuPercent, ...peerColumns(fRate, ks, throughput) });
        const t = await runApp(admin, countTopology(input), name('count-threads'), input, path.join(dir, 'count-threads'), {
          producePath: 'lean',
          fetchPath: 'lean',
          ...onThreads('../src/internals/runtime/__fixtures__/count-thread-topology.ts', 'topology', { input }),
        });
        const tRate = rate(records, t.ms);
        rows.push({ measurement: "3T the same on 2 stream threads, both paths 'lean' (ours/KS: KS on 1 thread)", records, ms: t.ms, 'records/s': tRate, 'ratio to 1': ratioOf(tRate, base), target: '≥ 0.8 of KS', 'cpu %': t.cpuPercent, ...peerColumns(tRate, ks, throughput) });
      }
    }

    if (!wanted(4)) {
      // skipped
    } else if (exactlyOnce) {
      const e = await runApp(admin, countTopology(input), name('count-eos'), input, path.join(dir, 'count-eos'), exactlyOnce);
      const eRate = rate(records, e.ms);
      const ks = await peerCase({ case: 'count', applicationId: name('ks-count-eos'), stateDir: path.join(dir, 'ks-count-eos'), exactlyOnce: true }, false);
      rows.push({ measurement: `4 count, exactly-once${peerLabel('KS: exactly_once_v2')}`, records, ms: e.ms, 'records/s': eRate, 'ratio to 1': ratioOf(eRate, base), target: '≥ 0.35', 'cpu %': e.cpuPercent, ...peerColumns(eRate, ks, throughput) });
      const ef = await runApp(admin, countTopology(input), name('count-eos-lean'), input, path.join(dir, 'count-eos-lean'), { ...exactlyOnce, fetchPath: 'lean' });
      const efRate = rate(records, ef.ms);
      rows.push({ measurement: "4F the same, fetchPath 'lean'", records, ms: ef.ms, 'records/s': efRate, 'ratio to 1': ratioOf(efRate, base), target: '≥ 0.35', 'cpu %': ef.cpuPercent, ...peerColumns(efRate, ks, throughput) });
    } else {
      rows.push({ measurement: '4 count, exactly-once', records: 'n/a (EOS not available)', ms: '', 'records/s': '', 'ratio to 1': '', target: '≥ 0.35', 'cpu %': '' });
    }

    if (!wanted(5) && !wanted(6)) {
      console.table(rows);
      return;
    }
    fs.rmSync(countDir, { recursive: true, force: true });
    const cold = await runApp(admin, countTopology(input), countId, input, countDir);
    const restoreRate = rate(cold.restored, cold.restoreMs);
    fs.rmSync(ksCount.stateDir, { recursive: true, force: true });
    const ksCold = await peerCase({ ...ksCount, case: 'restore' }, false);
    const restoreSpeed = (r: PeerResult) => rate(r.restored ?? 0, r.restoreMs ?? 0);
    if (ksCold && !(ksCold instanceof Error)) console.log(`[streams bench] Kafka Streams restored ${ksCold.restored} records in ${ksCold.restoreMs} ms`);
    rows.push({ measurement: `5 cold restore of a ${cold.restored}-key store`, records: cold.restored, ms: cold.restoreMs, 'records/s': restoreRate, 'ratio to 1': ratioOf(restoreRate, base), target: '≥ 200000/s', 'cpu %': '', ...peerColumns(restoreRate, ksCold, restoreSpeed, { cpu: false }) });

    const warm = await runApp(admin, countTopology(input), countId, input, countDir);
    const ksWarm = await peerCase({ ...ksCount, case: 'restart' }, false);
    rows.push({ measurement: '6 restart with local state: start() → RUNNING', records: warm.restored, ms: warm.startMs, 'records/s': '', 'ratio to 1': '', target: '≤ 2000 ms', 'cpu %': '', ...peerColumns(warm.startMs, ksWarm, (r) => r.startMs ?? 0, { inMs: true, cpu: false }) });

    console.table(rows);
  } finally {
    await admin.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
