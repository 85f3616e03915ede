import * as fs from 'node:fs';
import * as path from 'node:path';
import { logLevel } from 'kafkajs';
import type { Logger } from '@platform/common';
import { createTopic, kafkaBrokers, uniqueName, waitFor } from '@platform/testing';
import { StreamsApplication } from './application';
import { StateDirectoryLockedError } from './errors';
import { StateDirectoryLock } from './internals/state/state-directory-lock';
import { useBrokerHarness } from './internals/runtime/__fixtures__/broker-harness';
import { CopartitionError } from './internals/assignment/copartition';
import { ProcessingError } from './internals/runtime/errors';
import type { TopologySpec } from './internals/topology/spec';
import { countTopology } from './internals/runtime/__fixtures__/count-topology';

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

describe('StreamsApplication on a real broker', () => {
  const { kafka, admin, producer, tempDir, track } = useBrokerHarness('streams-app-spec');
  const produce = async (topic: string, perKey: number) => {
    const messages = KEYS.flatMap((key) => Array.from({ length: perKey }, (_, i) => ({ key, value: `${key}${i}` })));
    await producer.send({ topic, messages });
  };
  const newApp = (id: string, input: string, stateDir: string, extra: { applicationServer?: string } = {}) => {
    const app = new StreamsApplication(countTopology(input), {
      app: { id, version: 1 },
      kafka,
      stateDir,
      commitIntervalMs: 200,
      ...extra,
    });
    track(app);
    return app;
  };
  const countsOf = (app: StreamsApplication) =>
    Object.fromEntries(KEYS.map((k) => [k, app.localStore<string, number>('counts').get(k) ?? 0]));
  const expectCounts = async (app: StreamsApplication, perKey: number) =>
    waitFor(() => Object.values(countsOf(app)).every((n) => n === perKey), {
      timeoutMs: 30_000,
      description: `every key counted ${perKey} times (now ${JSON.stringify(countsOf(app))})`,
    });
  const restoredBy = (app: StreamsApplication) => {
    const seen = { restored: 0 };
    app.onRestore((phase, p) => {
      if (phase === 'batch') seen.restored += (p as { batchSize?: number }).batchSize ?? 0;
    });
    return seen;
  };

  it('resumes from local state without replaying the changelog, and rebuilds a deleted state dir from it', async () => {
    const input = uniqueName('count-in');
    const id = uniqueName('count-app');
    const stateDir = tempDir();
    await createTopic(admin, input, { partitions: 3 });
    await produce(input, 5);
    const first = newApp(id, input, stateDir);
    await first.start();
    await expectCounts(first, 5);
    await first.close();
    expect(first.state).toBe('NOT_RUNNING');

    const second = newApp(id, input, stateDir);
    const secondRestore = restoredBy(second);
    await second.start();
    await produce(input, 2);
    await expectCounts(second, 7);
    expect(secondRestore.restored).toBe(0);
    await second.close();

    fs.rmSync(stateDir, { recursive: true, force: true });
    const third = newApp(id, input, stateDir);
    const thirdRestore = restoredBy(third);
    await third.start();
    await expectCounts(third, 7);
    expect(thirdRestore.restored).toBeGreaterThanOrEqual(KEYS.length);
    await third.close();

    const corrupted = path.join(stateDir, `${id}-v1`, '0_0', 'state.db');
    fs.writeFileSync(corrupted, Buffer.alloc(4096, 0x5a));
    const fourth = newApp(id, input, stateDir);
    const fourthRestore = restoredBy(fourth);
    const opened: string[] = [];
    fourth.on('task.opened', (e) => opened.push(`${e.taskId}:${e.localState}`));
    await fourth.start();
    await expectCounts(fourth, 7);
    expect(opened.sort()).toEqual(['0_0:rebuilt-corrupt', '0_1:reused', '0_2:reused']);
    expect(fourthRestore.restored).toBeGreaterThan(0);
  });

  it('given a KafkaConfig, restores a deleted state dir through its own fetch reader (no kafkajs fallback)', async () => {
    const input = uniqueName('fetch-in');
    const id = uniqueName('fetch-app');
    const stateDir = tempDir();
    await createTopic(admin, input, { partitions: 3 });
    await produce(input, 6);
    const warnings: string[] = [];
    const readers: unknown[] = [];
    const logger: Logger = { debug: (m, fields) => void (m === 'changelogs restored' && readers.push(fields?.reader)), info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m), child: () => logger };
    const configured = () =>
      track(
        new StreamsApplication(countTopology(input), {
          app: { id, version: 1 },
          kafka: { clientId: 'fetch-app-spec', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING },
          stateDir,
          commitIntervalMs: 200,
          logger,
        }),
      );
    const first = configured();
    await first.start();
    await expectCounts(first, 6);
    await first.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
    const second = configured();
    const restore = restoredBy(second);
    await second.start();
    await expectCounts(second, 6);
    expect(restore.restored).toBeGreaterThanOrEqual(KEYS.length);
    expect(warnings.filter((w) => w.includes('fetch reader'))).toEqual([]);
    expect(readers).toEqual(['fetch']);
  });

  it('refuses a second running instance of the application on its state directory, and hands the directory over once the first one closed', async () => {
    const input = uniqueName('lock-in');
    const id = uniqueName('lock-app');
    const stateDir = tempDir();
    await createTopic(admin, input, { partitions: 1 });
    const first = newApp(id, input, stateDir);
    await first.start();
    const second = newApp(id, input, stateDir);
    await expect(second.start()).rejects.toThrow(StateDirectoryLockedError);
    expect(second.state).toBe('ERROR');
    // another version of the application has a directory of its own
    const nextVersion = track(new StreamsApplication(countTopology(input), { app: { id, version: 2 }, kafka, stateDir, commitIntervalMs: 200 }));
    await nextVersion.start();
    await produce(input, 1);
    await expectCounts(first, 1);
    await first.close();
    const third = newApp(id, input, stateDir);
    await third.start();
    await produce(input, 1);
    await expectCounts(third, 2);
  });

  it('fails fast naming the topics when co-partitioned topics differ in partition count', async () => {
    const left = uniqueName('left');
    const right = uniqueName('right');
    await createTopic(admin, left, { partitions: 3 });
    await createTopic(admin, right, { partitions: 2 });
    const app = new StreamsApplication(countTopology(left, undefined, { copartitionWith: right }), {
      app: { id: uniqueName('copart'), version: 1 },
      kafka,
      stateDir: tempDir(),
    });
    track(app);
    const started = app.start();
    await expect(started).rejects.toThrow(CopartitionError);
    await expect(started).rejects.toThrow(`${left} (3 partitions), ${right} (2 partitions)`);
    expect(app.state).toBe('ERROR');
  });

  it('stops in ERROR with the cause when a processor throws, and reports every state change', async () => {
    const input = uniqueName('boom-in');
    await createTopic(admin, input, { partitions: 1 });
    const base = countTopology(input);
    const count = base.nodes.get('count');
    if (count?.kind !== 'processor') throw new Error('fixture changed');
    const spec: TopologySpec = {
      ...base,
      nodes: new Map([
        ...base.nodes,
        [
          'count',
          {
            ...count,
            supplier: () => ({
              process: (record) => {
                if (record.value === 'boom') throw new Error('cannot count boom');
              },
            }),
          },
        ],
      ]),
    };
    const stateDir = tempDir();
    const id = uniqueName('boom');
    const app = new StreamsApplication(spec, { app: { id, version: 1 }, kafka, stateDir });
    track(app);
    const states: string[] = [];
    const off = app.onStateChange((next) => states.push(next));
    await app.start();
    await producer.send({ topic: input, messages: [{ key: 'a', value: 'fine' }, { key: 'a', value: 'boom' }] });
    await waitFor(() => app.state === 'ERROR', { timeoutMs: 30_000 });
    expect(app.cause).toBeInstanceOf(ProcessingError);
    expect((app.cause as ProcessingError).offset).toBe('1');
    expect(String((app.cause as Error).message)).toContain('cannot count boom');
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'ERROR']);
    // an application in ERROR gives its state directory up (for a replacement in the same process)
    const free = () => {
      try {
        StateDirectoryLock.acquire(stateDir, `${id}-v1`).release();
        return true;
      } catch (error) {
        if (error instanceof StateDirectoryLockedError) return false;
        throw error;
      }
    };
    await waitFor(free, { timeoutMs: 10_000, description: 'state directory released' });
    off();
    await app.close();
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'ERROR']);
  });
});
