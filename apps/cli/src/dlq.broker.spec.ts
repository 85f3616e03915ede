import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { Serdes, StreamsApplication, StreamsBuilder } from '@platform/streams';
import { runCliForTest } from './__fixtures__/run-cli';

/** Counts values per key; while `broken.value`, a value starting with "poison" makes the processor throw (dead-lettered). */
function topology(input: string, broken: { value: boolean }) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .mapValues((value) => {
      if (broken.value && value.startsWith('poison')) throw new Error(`cannot handle ${value}`);
      return value;
    })
    .groupByKey()
    .count({ name: 'counts' });
  return builder.build();
}

describe('dead letters on a real topic: list with reasons, replay after the fix', () => {
  const kafka = newKafka('cli-dlq-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-dlq-'));
  let app: StreamsApplication | undefined;

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('lists the dead-letter topic and the failed record with its reason and source, and replays it to its source partition once fixed', async () => {
    const id = uniqueName('cli-dlq-app');
    const input = uniqueName('cli-dlq-in');
    const dlq = `${id}-v1-dlq`;
    await createTopic(admin, input, { partitions: 2 });
    const broken = { value: true };
    app = new StreamsApplication(topology(input, broken), { app: { id, version: 1 }, kafka, stateDir, commitIntervalMs: 100, processingExceptionHandler: {} });
    await app.start();
    await producer.send({ topic: input, messages: [{ key: 'a', value: 'x' }, { key: 'c', value: 'poison-1' }, { key: 'b', value: 'y' }] });
    const counts = () => ['a', 'b', 'c'].map((k) => (app as StreamsApplication).localStore<string, number>('counts').get(k) ?? 0);
    await waitFor(async () => counts().join() === '1,1,0' && Number((await admin.fetchTopicOffsets(dlq).catch(() => []))[0]?.high ?? 0) === 1, {
      timeoutMs: 30_000,
      description: 'a and b counted, the poison record dead-lettered',
    });

    const topics = await runCliForTest(['dlq', 'list', '--json']);
    expect(topics.code).toBe(0);
    expect(topics.json<{ topics: unknown[] }>().topics).toContainEqual({ topic: dlq, app: id, version: 1, records: 1 });

    const listed = await runCliForTest(['dlq', 'list', dlq, '--json']);
    expect(listed.code).toBe(0);
    const [letter] = listed.json<{ records: Record<string, unknown>[] }>().records;
    expect(letter).toMatchObject({ partition: 0, offset: 0, key: 'c', stage: 'processing', source: { topic: input, partition: expect.any(Number), offset: expect.any(Number) } });
    expect(String(letter?.reason)).toMatch(/processing failed: cannot handle poison-1/);

    expect((await runCliForTest(['dlq', 'replay', dlq, '--records', '0:7', '--yes'])).code).toBe(4);
    expect((await runCliForTest(['dlq', 'replay', dlq, '--records', 'nonsense', '--yes'])).code).toBe(2);

    broken.value = false; // the fix is deployed
    const replayed = await runCliForTest(['dlq', 'replay', dlq, '--records', '0:0', '--yes', '--json']);
    expect(replayed.code).toBe(0);
    const source = letter?.source as { topic: string; partition: number };
    expect(replayed.json()).toMatchObject({ applied: true, replayed: [{ from: { partition: 0, offset: 0 }, to: { topic: input, partition: source.partition } }] });
    await waitFor(() => counts().join() === '1,1,1', { timeoutMs: 30_000, description: `the replayed record counted (now ${counts().join()})` });

    const tail = await runCliForTest(['tail', input, '--key', 'c', '--json']);
    expect(tail.code).toBe(0);
    const records = tail.json<{ records: { value: unknown; headers: Record<string, string> }[] }>().records;
    expect(records.map((r) => r.value)).toEqual(['poison-1', 'poison-1']);
    expect(records[1]?.headers).toEqual({ 'dlq.replayed.from': `${dlq}:0:0` });
  });
});
