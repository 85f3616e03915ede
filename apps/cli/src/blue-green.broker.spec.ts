import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { Serdes, StreamsBuilder } from '@platform/streams';
import { InProcessDriver } from './__fixtures__/in-process-driver';
import { runCliForTest } from './__fixtures__/run-cli';

const KEYS = Array.from({ length: 8 }, (_, i) => `k${i}`);

function topology(input: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .selectKey((key) => key, { name: 'same', keySerde: Serdes.string() })
    .groupByKey()
    .count({ name: 'counts' });
  return builder.build();
}

describe('app reprocess / rollback (blue/green) with a driver, on a real broker', () => {
  const kafka = newKafka('cli-blue-green-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-blue-green-'));
  let driver: InProcessDriver | undefined;

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await driver?.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('switches to a reprocessed v2 while writes and reads go on (no failed read), v2 has everything, v1 is retired after the grace period; rollback returns to a kept version with its state', async () => {
    const app = uniqueName('cli-bg-app');
    const input = uniqueName('cli-bg-in');
    await createTopic(admin, input, { partitions: 3 });
    const d = new InProcessDriver(app, kafka, () => topology(input), path.join(dir, 'state'));
    driver = d;
    const written = new Map<string, number>(KEYS.map((k) => [k, 0]));
    const write = async (n: number) => {
      const messages = Array.from({ length: n }, (_, i) => KEYS[i % KEYS.length] as string).map((key) => {
        written.set(key, (written.get(key) ?? 0) + 1);
        return { key, value: 'visit' };
      });
      await producer.send({ topic: input, messages });
    };
    await write(400);
    await d.start(app, 1);
    const countsOf = async (version?: number) => {
      const v = version ?? (await d.liveVersion(app));
      const store = v === undefined ? undefined : d.application(v)?.localStore<string, number>('counts');
      if (!store) throw new Error(`no running live version (${v})`);
      return KEYS.map((k) => store.get(k) ?? 0);
    };
    const expected = () => KEYS.map((k) => written.get(k) ?? 0);
    await waitFor(async () => (await countsOf(1)).join() === expected().join(), { timeoutMs: 30_000, description: 'v1 counted the history' });

    // load: writes every 20 ms and reads of the live version's store every 10 ms, for the whole operation
    let running = true;
    const failures: string[] = [];
    let reads = 0;
    const writer = (async () => {
      while (running) {
        await write(4);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const reader = (async () => {
      while (running) {
        try {
          await countsOf();
          reads++;
        } catch (error) {
          failures.push((error as Error).message);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const result = await runCliForTest(['app', 'reprocess', app, '--max-lag', '40', '--grace', '1s', '--timeout', '60s', '--yes', '--json'], d);
    running = false;
    await Promise.all([writer, reader]);
    expect(result.stderr).toContain(`starting ${app}-v2 beside ${app}-v1`);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ app, from: 1, to: 2, inputs: [input], retired: true, wiped: [path.join(d.stateDir, `${app}-v1`)] });
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    expect(await d.liveVersion(app)).toBe(2);
    // reads after the switch include everything written before and during it
    await waitFor(async () => (await countsOf(2)).join() === expected().join(), { timeoutMs: 30_000, description: 'v2 counted everything written' });
    // v1's group and internal topics are gone, its state wiped; its dead-letter topic is kept
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).not.toContain(`${app}-v1`);
    const topics = await admin.listTopics();
    expect(topics.filter((t) => t.startsWith(`${app}-v1-`) && !t.endsWith('-dlq'))).toEqual([]);
    expect(topics).toEqual(expect.arrayContaining([`${app}-v2-counts-changelog`, `${app}-v2-counts-repartition`]));
    expect(fs.existsSync(path.join(d.stateDir, `${app}-v1`))).toBe(false);

    // v3 with --keep-old, then rollback to v2 with its state intact
    const v3 = await runCliForTest(['app', 'reprocess', app, '--max-lag', '0', '--keep-old', '--timeout', '60s', '--yes', '--json'], d);
    expect(v3.code).toBe(0);
    expect(v3.json()).toMatchObject({ from: 2, to: 3, retired: false, lagAtSwitch: 0 });
    expect(await d.liveVersion(app)).toBe(3);
    expect((await runCliForTest(['app', 'reprocess', app, '--to-version', '3', '--yes'], d)).code).toBe(5); // v3 exists
    await write(16);
    const back = await runCliForTest(['app', 'rollback', app, '--max-lag', '0', '--timeout', '60s', '--yes', '--json'], d);
    expect(back.code).toBe(0);
    expect(back.json()).toMatchObject({ from: 3, to: 2, restarted: false });
    expect(await d.liveVersion(app)).toBe(2);
    await waitFor(async () => (await countsOf()).join() === expected().join(), { timeoutMs: 30_000, description: 'v2 (rolled back to) has every record' });
  });
});
