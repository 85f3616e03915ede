import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigResourceTypes, type Admin, type Kafka, type Producer } from 'kafkajs';
import { createTopic, kafkaBrokers, newKafka, uniqueName, waitFor } from '@platform/testing';
import { StreamsApplication } from './application';
import { countTopology } from './internals/runtime/__fixtures__/count-topology';
import { CommittedReader } from './internals/runtime/eos/__fixtures__/committed-reader';
import { markTopology } from './internals/runtime/eos/__fixtures__/eos-topologies';
import { isFencingError } from './internals/runtime/eos/fencing';
import { TaskTransaction } from './internals/runtime/eos/task-transaction';

const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);
const ROOT = path.resolve(__dirname, '../../..');
const FIXTURE = path.join(__dirname, 'internals/runtime/eos/__fixtures__/eos-app.main.ts');

describe('exactly-once on a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const dirs: string[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    kafka = newKafka('streams-eos-spec');
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-eos-'));
    dirs.push(dir);
    return dir;
  };
  /** Read-committed readers of both outputs, returned once each holds at least one record per key and round. */
  const readCommittedOutputs = async (countOut: string, markOut: string, rounds: number) => {
    const countReader = await CommittedReader.start(kafka, countOut);
    const markReader = await CommittedReader.start(kafka, markOut);
    cleanup.push(() => countReader.stop(), () => markReader.stop());
    await waitFor(() => countReader.records.length >= KEYS.length * rounds && markReader.records.length >= KEYS.length * rounds, {
      timeoutMs: 60_000,
      description: `outputs complete (${countReader.records.length}, ${markReader.records.length} of ${KEYS.length * rounds})`,
    });
    return { countReader, markReader };
  };
  const produceRound = (topic: string, round: number) =>
    producer.send({ topic, messages: KEYS.map((key) => ({ key, value: `${key}-${round}` })) });

  it('a task transaction fenced by a newer producer with the same transactional id commits nothing', async () => {
    const output = uniqueName('fence-out');
    await createTopic(admin, output, { partitions: 1 });
    const id = uniqueName('fence-txn');
    const sink = { kind: 'sink' as const, name: 'sink', topic: { kind: 'external' as const, name: output }, keySerde: utf8, valueSerde: utf8 };
    const partitionCount = () => 1;
    const older = await TaskTransaction.open({ kafka, transactionalId: id, partitionCount });
    cleanup.push(() => older.close());
    older.collector.send(output, { key: 'k', value: 'from-older', timestamp: 1, headers: {} }, sink);
    older.collector.sendBuffered();
    await older.collector.flush(); // the older producer's transaction is open with one record in it

    const newer = await TaskTransaction.open({ kafka, transactionalId: id, partitionCount });
    cleanup.push(() => newer.close());
    const failure = await older.commit([], [], 'unused-group').then(() => undefined, (error: unknown) => error);
    expect(failure).toBeDefined();
    expect(isFencingError(failure)).toBe(true);

    newer.collector.send(output, { key: 'k', value: 'from-newer', timestamp: 2, headers: {} }, sink);
    await newer.commit([], [], 'unused-group');
    const reader = await CommittedReader.start(kafka, output);
    cleanup.push(() => reader.stop());
    await waitFor(() => reader.records.length >= 1, { timeoutMs: 20_000 });
    // a later committed marker proves the reader is past anything the older producer left behind
    newer.collector.send(output, { key: 'k', value: 'end', timestamp: 3, headers: {} }, sink);
    await newer.commit([], [], 'unused-group');
    await waitFor(() => reader.records.some((r) => r.value.toString() === 'end'), { timeoutMs: 20_000 });
    expect(reader.records.map((r) => r.value.toString())).toEqual(['from-newer', 'end']);
  });

  it('an aborted transaction leaves the store as it was: the task reprocesses from its last commit', async () => {
    const input = uniqueName('abort-in');
    const output = uniqueName('abort-out');
    await createTopic(admin, input, { partitions: 3 });
    await createTopic(admin, output, { partitions: 3 });
    const count = new StreamsApplication(countTopology(input, output), {
      app: { id: uniqueName('abort-app'), version: 1 },
      kafka,
      stateDir: tempDir(),
      commitIntervalMs: 100,
      processingGuarantee: 'exactly-once',
    });
    cleanup.push(() => count.close());
    const aborted: string[] = [];
    count.on('transaction.aborted', (e) => aborted.push(e.taskId));
    await count.start();
    // lowered after the start, where the application read the limit (so its size check lets the
    // record through): outputs larger than this fail in the producer (MESSAGE_TOO_LARGE) until the limit is raised
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: output, configEntries: [{ name: 'max.message.bytes', value: '1500' }] }],
    });
    const big = `big-${'x'.repeat(3000)}`;
    const counts = () => [...KEYS, big].map((k) => count.localStore<string, number>('counts').get(k) ?? 0);
    await produceRound(input, 0);
    await produceRound(input, 1);
    await waitFor(() => counts().slice(0, -1).every((n) => n === 2), { timeoutMs: 60_000, description: `counts 2 (${counts()})` });
    await producer.send({ topic: input, messages: [{ key: big, value: 'v' }] });
    await produceRound(input, 2);
    await waitFor(() => aborted.length >= 3, { timeoutMs: 30_000, description: 'repeated aborts' });
    expect(count.state).toBe('RUNNING');
    // Reads see the open transaction's buffered writes (as Kafka Streams' queries do under
    // exactly-once), and the task keeps reprocessing the failing records between aborts, so the big
    // key may be counted in flight here; no key is ever counted beyond its input. That the aborted
    // attempts left nothing behind is proved below: exact counts 4 and 1 once the limit is raised.
    expect(counts().every((n) => n <= 3)).toBe(true);

    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: output, configEntries: [{ name: 'max.message.bytes', value: '1048576' }] }],
    });
    await produceRound(input, 3);
    await waitFor(() => counts().slice(0, -1).every((n) => n === 4) && counts()[KEYS.length] === 1, {
      timeoutMs: 60_000,
      description: `counts 4 and 1 after the limit was raised (${counts()})`,
    });
    const reader = await CommittedReader.start(kafka, output);
    cleanup.push(() => reader.stop());
    await waitFor(() => reader.records.length >= KEYS.length * 4 + 1, { timeoutMs: 30_000 });
    await produceRound(input, 4);
    await waitFor(() => reader.records.length >= KEYS.length * 5 + 1, { timeoutMs: 30_000 });
    for (const key of KEYS) {
      expect(reader.records.filter((r) => r.key === key).map((r) => Number(r.value.readBigInt64BE()))).toEqual([1, 2, 3, 4, 5]);
    }
    expect(reader.records.filter((r) => r.key === big).map((r) => Number(r.value.readBigInt64BE()))).toEqual([1]);
  }, 200_000);

  it.each([1, 2])('outputs each record exactly once and counts exactly after three SIGKILLs mid-stream (%i stream threads)', async (threads) => {
    const input = uniqueName('eos-in');
    const countOut = uniqueName('eos-count-out');
    const markOut = uniqueName('eos-mark-out');
    const countId = uniqueName('eos-count');
    const markId = uniqueName('eos-mark');
    const stateDir = tempDir();
    for (const topic of [input, countOut, markOut]) await createTopic(admin, topic, { partitions: 3 });
    let rounds = 0;
    for (let kill = 0; kill < 3; kill++) {
      const child = startChild([kafkaBrokers().join(','), countId, markId, input, countOut, markOut, stateDir, String(threads)]);
      try {
        await waitFor(() => child.running('count') && child.running('mark'), { timeoutMs: 90_000, description: `child running (${child.output()})` });
        // every stream thread of the child is a member of each group (members of a killed child linger until their session ends)
        const members = async (id: string) => (await admin.describeGroups([`${id}-v1`])).groups[0]!.members.filter((m) => m.clientId.startsWith('eos-app-child')).length;
        await waitFor(async () => (await members(countId)) >= threads && (await members(markId)) >= threads, { timeoutMs: 30_000, description: `${threads} members per group` });
        const committed = () => child.commits();
        const before = committed();
        while (committed() < before + 6 && rounds < 3000) await produceRound(input, rounds++);
        for (let i = 0; i < 10; i++) await produceRound(input, rounds++);
      } finally {
        await child.kill('SIGKILL');
      }
    }
    for (let i = 0; i < 5; i++) await produceRound(input, rounds++);

    const options = { kafka, stateDir, commitIntervalMs: 200, sessionTimeoutMs: 8000, processingGuarantee: 'exactly-once' as const };
    const count = new StreamsApplication(countTopology(input, countOut), { ...options, app: { id: countId, version: 1 } });
    const mark = new StreamsApplication(markTopology(input, markOut), { ...options, app: { id: markId, version: 1 } });
    cleanup.push(() => count.close(), () => mark.close());
    await Promise.all([count.start(), mark.start()]);
    const counts = () => KEYS.map((k) => count.localStore<string, number>('counts').get(k) ?? 0);
    await waitFor(() => counts().every((n) => n === rounds), { timeoutMs: 90_000, description: `store counts ${rounds} (${counts()})` });

    const { countReader, markReader } = await readCommittedOutputs(countOut, markOut, rounds);
    // one more round: anything duplicated before it would have arrived by the time it does
    await produceRound(input, rounds++);
    await waitFor(() => counts().every((n) => n === rounds), { timeoutMs: 30_000 });
    await waitFor(() => markReader.records.filter((r) => r.value.toString().endsWith(`-${rounds - 1}!`)).length === KEYS.length, { timeoutMs: 30_000 });
    await waitFor(() => countReader.records.length >= KEYS.length * rounds, { timeoutMs: 30_000 });

    expect(counts()).toEqual(KEYS.map(() => rounds));
    const expectedCounts = Array.from({ length: rounds }, (_, i) => i + 1);
    for (const key of KEYS) {
      const values = countReader.records.filter((r) => r.key === key).map((r) => Number(r.value.readBigInt64BE()));
      expect(values).toEqual(expectedCounts);
    }
    const marks = markReader.records.map((r) => r.value.toString()).sort();
    const expectedMarks = KEYS.flatMap((key) => Array.from({ length: rounds }, (_, i) => `${key}-${i}!`)).sort();
    expect(marks).toEqual(expectedMarks);
  }, 400_000);

  it('fences a paused zombie whose tasks moved to a new instance: no duplicate output, exact counts', async () => {
    const input = uniqueName('zombie-in');
    const countOut = uniqueName('zombie-count-out');
    const markOut = uniqueName('zombie-mark-out');
    const countId = uniqueName('zombie-count');
    const markId = uniqueName('zombie-mark');
    for (const topic of [input, countOut, markOut]) await createTopic(admin, topic, { partitions: 3 });
    const zombie = startChild([kafkaBrokers().join(','), countId, markId, input, countOut, markOut, tempDir()]);
    await waitFor(() => zombie.running('count') && zombie.running('mark'), { timeoutMs: 90_000, description: `zombie running (${zombie.output()})` });
    let rounds = 0;
    let producing = true;
    const background = (async () => {
      while (producing) {
        await produceRound(input, rounds++);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    cleanup.push(async () => {
      producing = false;
      await background;
    });
    const before = zombie.commits();
    await waitFor(() => zombie.commits() >= before + 5, { timeoutMs: 30_000 });
    // Freeze it mid-stream: it holds every task, with work in its open transactions.
    zombie.signal('SIGSTOP');

    const options = { kafka, stateDir: tempDir(), commitIntervalMs: 100, sessionTimeoutMs: 8000, processingGuarantee: 'exactly-once' as const };
    const count = new StreamsApplication(countTopology(input, countOut), { ...options, app: { id: countId, version: 1 } });
    const mark = new StreamsApplication(markTopology(input, markOut), { ...options, app: { id: markId, version: 1 } });
    cleanup.push(() => count.close(), () => mark.close());
    await Promise.all([count.start(), mark.start()]);
    // the frozen member's session expires; the new instance takes every task and fences its producers
    await waitFor(() => count.localTasks().length === 3 && mark.localTasks().length === 3 && count.state === 'RUNNING', {
      timeoutMs: 60_000,
      description: `new instance owns every task (${count.localTasks()}, ${mark.localTasks()})`,
    });
    const counts = () => KEYS.map((k) => count.localStore<string, number>('counts').get(k) ?? 0);
    const progress = Math.min(...counts());
    await waitFor(() => Math.min(...counts()) > progress, { timeoutMs: 30_000 });

    zombie.signal('SIGCONT');
    await waitFor(() => zombie.fenced().length > 0, { timeoutMs: 30_000, description: `zombie fenced (${zombie.output()})` });
    expect(zombie.output()).not.toMatch(/STATE (count|mark) ERROR/);
    // let the woken instance rejoin and take part of the work, then stop it for good
    await waitFor(() => count.localTasks().length < 3 || mark.localTasks().length < 3, { timeoutMs: 60_000, description: 'zombie rejoined' })
      .catch(() => undefined);
    producing = false;
    await background;
    await zombie.kill('SIGKILL');
    await produceRound(input, rounds++);

    await waitFor(() => count.localTasks().length === 3 && mark.localTasks().length === 3 && counts().every((n) => n === rounds), {
      timeoutMs: 90_000,
      description: `counts ${rounds} on the survivor (${counts()})`,
    });
    const { countReader, markReader } = await readCommittedOutputs(countOut, markOut, rounds);
    await produceRound(input, rounds++);
    await waitFor(() => markReader.records.filter((r) => r.value.toString().endsWith(`-${rounds - 1}!`)).length === KEYS.length, { timeoutMs: 60_000 });
    await waitFor(() => countReader.records.length >= KEYS.length * rounds, { timeoutMs: 30_000 });

    expect(counts()).toEqual(KEYS.map(() => rounds));
    const expectedCounts = Array.from({ length: rounds }, (_, i) => i + 1);
    for (const key of KEYS) {
      expect(countReader.records.filter((r) => r.key === key).map((r) => Number(r.value.readBigInt64BE()))).toEqual(expectedCounts);
    }
    const expectedMarks = KEYS.flatMap((key) => Array.from({ length: rounds }, (_, i) => `${key}-${i}!`)).sort();
    expect(markReader.records.map((r) => r.value.toString()).sort()).toEqual(expectedMarks);
  }, 400_000);

  /** Spawns the EOS fixture under node itself (not the tsx wrapper) so signals reach it. */
  function startChild(args: string[]) {
    const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.base.json') },
    });
    let output = '';
    proc.stdout?.on('data', (d) => (output += String(d)));
    proc.stderr?.on('data', (d) => (output += String(d)));
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    const lines = () => output.split('\n');
    cleanup.push(async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    });
    return {
      output: () => output.slice(-3000),
      running: (app: string) => lines().includes(`STATE ${app} RUNNING`),
      commits: () => lines().filter((l) => l.startsWith('COMMIT') && !l.endsWith(' 0')).length,
      fenced: () => lines().filter((l) => l.startsWith('FENCED')),
      signal: (signal: NodeJS.Signals) => proc.kill(signal),
      kill: async (signal: NodeJS.Signals) => {
        proc.kill(signal);
        await exited;
      },
    };
  }
});

const utf8 = {
  serialize: (_t: string, v: unknown) => Buffer.from(String(v), 'utf8'),
  deserialize: (_t: string, d: Buffer) => d.toString('utf8'),
};
