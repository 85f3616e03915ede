import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { Serdes, StreamsBuilder } from '@platform/streams';
import { InProcessDriver } from './__fixtures__/in-process-driver';
import { runCliForTest } from './__fixtures__/run-cli';

/** Walk-in counts: visits per store id, counted into store `counts`. */
function topology(input: string) {
  const builder = new StreamsBuilder();
  builder.stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() }).groupByKey().count({ name: 'counts' });
  return builder.build();
}

describe('backfill on a real broker (the walk-in count backfill)', () => {
  const kafka = newKafka('cli-backfill-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-backfill-'));
  let driver: InProcessDriver | undefined;

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await driver?.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes base counts into the store changelog (refused while live, --force stops and restarts), the app restores them and keeps counting from there; a backfill topic feeds the app as input', async () => {
    const app = uniqueName('cli-backfill-app');
    const input = uniqueName('cli-backfill-in');
    await createTopic(admin, input, { partitions: 3 });
    const d = new InProcessDriver(app, kafka, () => topology(input), path.join(dir, 'state'));
    driver = d;
    await d.start(app, 1);
    await producer.send({ topic: input, messages: [{ key: 'store-1', value: 'v' }, { key: 'store-2', value: 'v' }] });
    const count = (key: string) => d.application(1)?.localStore<string, number>('counts').get(key) ?? 0;
    await waitFor(() => count('store-1') === 1 && count('store-2') === 1, { timeoutMs: 30_000, description: 'first visits counted' });

    const base = path.join(dir, 'base.jsonl');
    fs.writeFileSync(base, ['{"key":"store-1","value":100}', '{"key":"store-3","value":40}', ''].join('\n'));
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, '{"key":"store-1","value":100}\n{"key":"store-2","value":"not a number"}\n');

    expect((await runCliForTest(['backfill', app, '--store', 'counts', '--file', base, '--value-format', 'int64', '--yes'], d)).code).toBe(5);
    const rejected = await runCliForTest(['backfill', app, '--store', 'counts', '--file', bad, '--value-format', 'int64', '--force', '--yes'], d);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/bad\.jsonl:2: value does not encode as int64/);
    expect(d.application(1)?.state).toBe('RUNNING'); // nothing was stopped for a bad file

    const done = await runCliForTest(['backfill', app, '--store', 'counts', '--file', base, '--value-format', 'int64', '--force', '--yes', '--json'], d);
    expect(done.code).toBe(0);
    expect(done.json()).toMatchObject({ topic: `${app}-v1-counts-changelog`, records: 2, written: true });
    await waitFor(() => d.application(1)?.state === 'RUNNING' && count('store-1') === 100 && count('store-3') === 40, {
      timeoutMs: 30_000,
      description: `the restarted app restored the base counts (store-1 ${count('store-1')}, store-3 ${count('store-3')})`,
    });
    expect(count('store-2')).toBe(1);

    await producer.send({ topic: input, messages: [{ key: 'store-1', value: 'v' }, { key: 'store-3', value: 'v' }] });
    await waitFor(() => count('store-1') === 101 && count('store-3') === 41, { timeoutMs: 30_000, description: 'counting goes on from the base' });

    // a backfill input topic: here the app's own input, records produced as the app reads them
    const visits = path.join(dir, 'visits.jsonl');
    fs.writeFileSync(visits, ['{"key":"store-2","value":"late visit"}', '{"key":"store-2","value":"late visit"}'].join('\n'));
    const topicRun = await runCliForTest(['backfill', '--topic', input, '--file', visits, '--value-format', 'string', '--yes', '--json'], d);
    expect(topicRun.code).toBe(0);
    await waitFor(() => count('store-2') === 3, { timeoutMs: 30_000, description: 'the backfilled visits counted' });
  });
});
