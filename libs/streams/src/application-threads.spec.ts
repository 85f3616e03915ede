import * as path from 'node:path';
import { createTopic, kafkaBrokers, uniqueName, waitFor } from '@platform/testing';
import type { LogFields, Logger } from '@platform/common';
import { MetricsRegistry } from '@platform/metrics';
import { StreamsApplication } from './application';
import type { StreamsApplicationOptions } from './internals/runtime/options';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { countTopology } from './internals/runtime/__fixtures__/count-topology';
import type { CountThreadArgs } from './internals/runtime/__fixtures__/count-thread-topology';
import { TopicReader } from './internals/runtime/__fixtures__/topic-reader';

const KEYS = Array.from({ length: 16 }, (_, i) => `key-${i}`);
const THREAD_MODULE = path.join(__dirname, 'internals/runtime/__fixtures__/count-thread-topology.ts');

function capturingLogger(lines: { level: string; message: string; fields?: LogFields }[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
    child: () => logger,
  };
  return logger;
}

describe('StreamsApplication with stream threads (numStreamThreads) on a real broker', () => {
  const { kafka, admin, producer, tempDir, track } = useBrokerHarness('streams-threads-spec');
  const produceRound = (topic: string, round: number) =>
    producer.send({ topic, messages: KEYS.map((key) => ({ key, value: `${key}-${round}` })) });
  const threaded = (id: string, args: CountThreadArgs, extra: Partial<StreamsApplicationOptions> = {}) =>
    track(
      new StreamsApplication(countTopology(args.input, args.output), {
        app: { id, version: 1 },
        kafka: { clientId: 'threads-spec', brokers: kafkaBrokers() },
        stateDir: tempDir(),
        commitIntervalMs: 200,
        numStreamThreads: 2,
        threadTopology: { module: THREAD_MODULE, args },
        ...extra,
      }),
    );

  it('spreads the tasks over two threads and answers for them as one application', async () => {
    const input = uniqueName('threads-in');
    const output = uniqueName('threads-out');
    await createTopic(admin, input, { partitions: 4 });
    await createTopic(admin, output, { partitions: 4 });
    for (let round = 0; round < 3; round++) await produceRound(input, round);
    const metrics = new MetricsRegistry();
    const commits: number[] = [];
    const app = threaded(uniqueName('threads-app'), { input, output }, { applicationServer: 'host-a:7001', metrics });
    app.on('commit.done', (e) => commits.push(e.records));
    await app.start();
    await waitFor(() => app.state === 'RUNNING' && app.localTasks().length === 4, { timeoutMs: 60_000, description: 'RUNNING with 4 tasks' });

    // two group members, one per thread, two tasks each; metadata() folds them into this process
    await waitFor(() => app.allMetadata().filter((m) => m.tasks.length === 2).length === 2, { timeoutMs: 20_000, description: 'two members with two tasks' });
    expect(app.allMetadata().every((m) => m.endpoint === 'host-a:7001')).toBe(true);
    expect([...(app.metadata()?.tasks ?? [])].sort()).toEqual([...app.localTasks()].sort());
    expect(app.metadata()?.endpoint).toBe('host-a:7001');

    const counts = app.localStore<string, number>('counts');
    await waitFor(() => KEYS.every((k) => counts.get(k) === 3), { timeoutMs: 30_000, description: 'counts of 3 in the threads\' stores' });
    expect([...counts.all()].map((e) => e.key).sort()).toEqual([...KEYS].sort());
    expect(counts.approximateNumEntries()).toBe(16);

    for (const key of KEYS) {
      const meta = app.metadataForKey('counts', key);
      expect(meta).toMatchObject({ local: true, endpoint: 'host-a:7001' });
      await expect(app.query('counts', key)).resolves.toEqual({ ok: true, value: 3, taskId: meta!.taskId });
    }
    await expect(app.query('counts', 'nobody')).resolves.toEqual({ ok: false, reason: 'NOT_FOUND' });
    const all = app.queryAll<string, number>('counts');
    expect(all.ok && all.entries.length).toBe(16);
    expect(all.ok && all.partitions).toEqual([0, 1, 2, 3]);
    const limited = app.queryAll<string, number>('counts', { limit: 5 });
    expect(limited.ok && limited.entries.length).toBe(5);
    expect(() => app.queryAll('nope')).toThrow(/unknown store/);

    // a position read through a thread: waits for the commit of an offset produced after it was asked
    await produceRound(input, 3);
    const [written] = await producer.send({ topic: input, messages: [{ key: 'key-0', value: 'late' }] });
    const positioned = await app.query('counts', 'key-0', { position: { topic: input, partition: written!.partition, offset: written!.baseOffset! }, timeoutMs: 20_000 });
    expect(positioned).toMatchObject({ ok: true, value: 5 });

    // events and metrics of both threads reach the process
    expect(commits.length).toBeGreaterThan(0);
    await waitFor(async () => /streams_records_processed_total\{[^}]*\} /.test(await metrics.metrics()), { timeoutMs: 10_000 });
    const text = await metrics.metrics();
    const processed = [...text.matchAll(/^streams_records_processed_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(processed).toBe(16 * 4 + 1);

    const reader = await TopicReader.start(kafka, output);
    await waitFor(() => reader.records.length >= 16 * 4 + 1, { timeoutMs: 30_000, description: 'every count on the output' });
    await reader.stop();

    await app.close();
    expect(app.state).toBe('NOT_RUNNING');
    expect(app.queryAll('counts')).toEqual({ ok: false, reason: 'NOT_RUNNING', state: 'NOT_RUNNING' });
  }, 180_000);

  it('replaces a thread that dies, with its local state, and counts every record once', async () => {
    const input = uniqueName('threads-die-in');
    await createTopic(admin, input, { partitions: 4 });
    for (let round = 0; round < 2; round++) await produceRound(input, round);
    const lines: { level: string; message: string; fields?: LogFields }[] = [];
    const dieMarker = path.join(tempDir(), 'died');
    const app = threaded(uniqueName('threads-die-app'), { input, dieMarker }, { logger: capturingLogger(lines) });
    const states: string[] = [];
    app.onStateChange((s) => states.push(s));
    await app.start();
    const counts = app.localStore<string, number>('counts');
    await waitFor(() => app.state === 'RUNNING' && KEYS.every((k) => counts.get(k) === 2), { timeoutMs: 60_000, description: 'counts of 2' });

    await producer.send({ topic: input, messages: [{ key: 'die', value: 'x' }] });
    await produceRound(input, 2);
    await waitFor(() => lines.some((l) => l.message === 'stream thread died; replacing it'), { timeoutMs: 30_000, description: 'the death noticed' });
    await waitFor(() => app.state === 'RUNNING' && app.localTasks().length === 4 && KEYS.every((k) => counts.get(k) === 3) && counts.get('die') === 1, {
      timeoutMs: 90_000,
      description: `counts of 3 after the replacement (state ${app.state}, tasks ${app.localTasks()})`,
    });
    expect(states.slice(-2)).toEqual(['REBALANCING', 'RUNNING']);
    expect(lines.find((l) => l.message === 'stream thread died; replacing it')?.fields?.['error']).toMatch(/exited with code 3/);
  }, 180_000);

  it("goes to ERROR when a thread dies under threadFailureHandling 'fail'", async () => {
    const input = uniqueName('threads-fail-in');
    await createTopic(admin, input, { partitions: 2 });
    const dieMarker = path.join(tempDir(), 'died');
    const app = threaded(uniqueName('threads-fail-app'), { input, dieMarker }, { threadFailureHandling: 'fail' });
    await app.start();
    await waitFor(() => app.state === 'RUNNING', { timeoutMs: 60_000 });
    await producer.send({ topic: input, messages: [{ key: 'die', value: 'x' }] });
    await waitFor(() => app.state === 'ERROR', { timeoutMs: 30_000, description: 'ERROR' });
    expect(String(app.cause)).toMatch(/stream thread \d exited with code 3/);
    await expect(app.query('counts', 'die')).resolves.toMatchObject({ ok: false, reason: 'NOT_RUNNING' });
  }, 120_000);

  it('refuses what cannot cross threads', () => {
    const base = { app: { id: 'x', version: 1 }, stateDir: '/tmp/none', numStreamThreads: 2 } as const;
    expect(() => new StreamsApplication(countTopology('in'), { ...base, kafka: { brokers: kafkaBrokers() } })).toThrow(/needs threadTopology/);
    expect(() => new StreamsApplication(countTopology('in'), { ...base, kafka, threadTopology: { module: THREAD_MODULE } })).toThrow(/kafka as a config/);
    expect(
      () =>
        new StreamsApplication(countTopology('in'), {
          ...base,
          kafka: { brokers: kafkaBrokers() },
          threadTopology: { module: THREAD_MODULE },
          processingExceptionHandler: () => 'continue' as never,
        }),
    ).toThrow(/cannot cross threads/);
    expect(() => new StreamsApplication(countTopology('in'), { ...base, numStreamThreads: 0, kafka: { brokers: kafkaBrokers() } })).toThrow(/at least 1/);
  });
});
