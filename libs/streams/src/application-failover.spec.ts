import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createTopic, kafkaBrokers, uniqueName, waitFor } from '@platform/testing';
import { StreamsApplication } from './application';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { countTopology } from './internals/runtime/__fixtures__/count-topology';

const KEYS = Array.from({ length: 16 }, (_, i) => `key-${i}`);
const ROOT = path.resolve(__dirname, '../../..');

describe('StreamsApplication failover on a real broker', () => {
  const { kafka, admin, producer, tempDir, track } = useBrokerHarness('streams-failover-spec');
  const produceRound = (topic: string, round: number) =>
    producer.send({ topic, messages: KEYS.map((key) => ({ key, value: `${key}-${round}` })) });
  const newApp = (id: string, input: string, stateDir: string, applicationServer?: string) => {
    const app = new StreamsApplication(countTopology(input), {
      app: { id, version: 1 },
      kafka,
      stateDir,
      commitIntervalMs: 200,
      applicationServer,
    });
    track(app);
    return app;
  };
  const total = (instances: StreamsApplication[]) => {
    const counts = KEYS.map((k) => instances.reduce((n, a) => n + (a.localStore<string, number>('counts').get(k) ?? 0), 0));
    return counts;
  };

  it('splits tasks between two instances, agrees on metadata, and moves tasks with their state on stop', async () => {
    const input = uniqueName('split-in');
    const id = uniqueName('split-app');
    await createTopic(admin, input, { partitions: 4 });
    for (let round = 0; round < 3; round++) await produceRound(input, round);
    const a = newApp(id, input, tempDir(), 'host-a:7001');
    await a.start();
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().length === 4, { timeoutMs: 30_000 });
    const b = newApp(id, input, tempDir(), 'host-b:7002');
    const restoredOnB = { records: 0 };
    b.onRestore((phase, p) => phase === 'end' && (restoredOnB.records += p.restored));
    await b.start();
    await waitFor(
      () => a.state === 'RUNNING' && b.state === 'RUNNING' && a.localTasks().length === 2 && b.localTasks().length === 2,
      { timeoutMs: 40_000, description: `tasks split (a: ${a.localTasks()}, b: ${b.localTasks()})` },
    );
    const view = (app: StreamsApplication) =>
      JSON.stringify(app.allMetadata().map((m) => [m.endpoint, [...m.tasks].sort()]).sort());
    await waitFor(() => view(a) === view(b) && a.allMetadata().length === 2, { timeoutMs: 20_000 });
    expect(a.metadata()?.endpoint).toBe('host-a:7001');
    expect([...(a.metadata()?.tasks ?? [])].sort()).toEqual([...a.localTasks()].sort());
    expect([...(b.metadata()?.tasks ?? [])].sort()).toEqual([...b.localTasks()].sort());
    expect(restoredOnB.records).toBeGreaterThan(0);

    await produceRound(input, 3);
    await waitFor(() => total([a, b]).every((n) => n === 4), { timeoutMs: 30_000, description: 'counts 4 across a and b' });

    await b.close();
    const restoredOnA = { records: 0 };
    a.onRestore((phase, p) => phase === 'end' && (restoredOnA.records += p.restored));
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().length === 4, { timeoutMs: 40_000 });
    await produceRound(input, 4);
    await waitFor(() => total([a]).every((n) => n === 5), {
      timeoutMs: 30_000,
      description: `a counts 5 for every key (${total([a])})`,
    });
    expect(restoredOnA.records).toBeGreaterThan(0);
    expect(a.allMetadata().map((m) => m.endpoint)).toEqual(['host-a:7001']);
  });

  it('loses nothing and counts nothing twice when the process is killed with SIGKILL mid-stream', async () => {
    const input = uniqueName('kill-in');
    const id = uniqueName('kill-app');
    const stateDir = tempDir();
    await createTopic(admin, input, { partitions: 3 });
    // node itself (not the tsx wrapper, which forks a grandchild) so SIGKILL hits the application
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'internals/runtime/__fixtures__/count-app.main.ts'),
        kafkaBrokers().join(','), id, input, stateDir],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.base.json') } },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let rounds = 0;
    try {
      await waitFor(() => output.includes('STATE RUNNING'), { timeoutMs: 60_000, description: `child running (${output})` });
      // Keep producing while the child processes and commits, then kill it without warning.
      const commits = () => output.split('\n').filter((l) => l.startsWith('COMMIT') && l !== 'COMMIT 0').length;
      while (commits() < 5 && rounds < 2000) await produceRound(input, rounds++);
      for (let i = 0; i < 20; i++) await produceRound(input, rounds++);
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    for (let i = 0; i < 5; i++) await produceRound(input, rounds++);

    const restarted = newApp(id, input, stateDir);
    const restored = { records: 0 };
    restarted.onRestore((phase, p) => phase === 'end' && (restored.records += p.restored));
    await restarted.start();
    await waitFor(() => total([restarted]).every((n) => n >= rounds), {
      timeoutMs: 60_000,
      description: `every key counted ${rounds} times`,
    });
    // Let any replayed duplicates arrive, then require exact counts: the store's input position commits with its data.
    await produceRound(input, rounds++);
    await waitFor(() => total([restarted]).every((n) => n >= rounds), { timeoutMs: 30_000 });
    expect(total([restarted])).toEqual(KEYS.map(() => rounds));
    // Local state survived the kill: at most the tail after the last SQLite commit is replayed.
    expect(restored.records).toBeLessThan(KEYS.length * 3 * 2);
  }, 150_000);
});
