import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { Serdes, StreamsBuilder } from '@platform/streams';
import { InProcessDriver } from './__fixtures__/in-process-driver';
import { runCliForTest } from './__fixtures__/run-cli';

const KEYS = ['a', 'b', 'c'];

/** Re-keys (through a repartition topic), counts into store `counts` (changelog), and writes the counts to `output`. */
function topology(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .selectKey((key) => key.toUpperCase(), { name: 'upper', keySerde: Serdes.string() })
    .groupByKey()
    .count({ name: 'counts' })
    .toStream()
    .to(output, { keySerde: Serdes.string(), valueSerde: Serdes.json() });
  return builder.build();
}

describe('app reset with the driver, on a real broker', () => {
  const kafka = newKafka('cli-reset-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-reset-'));
  let driver: InProcessDriver | undefined;

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await driver?.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses with live members, with --force stops them, resets inputs, deletes internal topics, wipes state, and the restarted app rebuilds state equal to before', async () => {
    const app = uniqueName('cli-reset-app');
    const input = uniqueName('cli-reset-in');
    const output = uniqueName('cli-reset-out');
    await createTopic(admin, input, { partitions: 2 });
    await createTopic(admin, output, { partitions: 2 });
    await producer.send({ topic: input, messages: KEYS.flatMap((key) => [1, 2, 3, 4].map((i) => ({ key, value: `${key}${i}` }))) });
    const d = new InProcessDriver(app, kafka, () => topology(input, output), stateDir);
    driver = d;
    await d.start(app, 1);
    const counts = () => KEYS.map((k) => d.application(1)?.localStore<string, number>('counts').get(k.toUpperCase()) ?? 0);
    await waitFor(() => counts().every((n) => n === 4), { timeoutMs: 30_000, description: `every key counted 4 times (now ${counts().join()})` });
    const before = counts();
    const changelog = `${app}-v1-counts-changelog`;
    const repartition = `${app}-v1-counts-repartition`;
    const appDir = path.join(stateDir, `${app}-v1`);
    expect(fs.existsSync(appDir)).toBe(true);

    const refused = await runCliForTest(['app', 'reset', app, '--yes'], d);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/live member.*--force/);

    const dry = await runCliForTest(['app', 'reset', app, '--dry-run', '--json'], d);
    expect(dry.code).toBe(0);
    const plan = dry.json<{ applied: boolean; plan: { inputs: string[]; deleteTopics: string[]; moves: { topic: string; to: number }[]; members: unknown[] } }>();
    expect(plan.applied).toBe(false);
    expect(plan.plan.inputs).toEqual([input]); // never the output topic, never its own repartition topic
    expect(plan.plan.deleteTopics).toEqual([changelog, repartition]);
    expect(plan.plan.moves.map((m) => [m.topic, m.to])).toEqual([[input, 0], [input, 0]]);
    expect(plan.plan.members.length).toBe(1);
    expect(d.application(1)?.state).toBe('RUNNING'); // the dry run changed nothing

    const outputBefore = await admin.fetchTopicOffsets(output);
    const reset = await runCliForTest(['app', 'reset', app, '--force', '--yes', '--json'], d);
    expect(reset.stderr).toBe(`stopping ${app}-v1 through the in-process driver\nstarting ${app}-v1 again\n`);
    expect(reset.code).toBe(0);
    expect(reset.json()).toMatchObject({ applied: true, deletedTopics: [changelog, repartition], wiped: [appDir] });
    expect(d.wiped).toEqual([appDir]);

    // restarted from the beginning with empty state: it counts each record once more from zero, so equal, not doubled
    await waitFor(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${app}-v1`, topics: [input] });
        const ends = await admin.fetchTopicOffsets(input);
        return d.application(1)?.state === 'RUNNING' && ends.every((e) => committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
      },
      { timeoutMs: 45_000, description: 'the restarted app reprocessed the whole input' },
    );
    await waitFor(() => counts().join() === before.join(), { timeoutMs: 10_000, description: `state rebuilt (now ${counts().join()}, before ${before.join()})` });
    expect(counts()).toEqual(before);

    // the output topic was not touched: still there, nothing removed, the reprocessed counts appended
    const outputAfter = await admin.fetchTopicOffsets(output);
    for (const p of outputBefore) {
      const after = outputAfter.find((q) => q.partition === p.partition);
      expect(after?.low).toBe(p.low);
      expect(Number(after?.high)).toBeGreaterThanOrEqual(Number(p.high));
    }
  });
});
