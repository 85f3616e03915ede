// `npm run bench`: time for `app reprocess` (blue/green, through the CLI's ops and the in-process driver of the
// CLI's specs) to catch a new version up with N input records and switch to it. N = BENCH_REPROCESS_MESSAGES
// (default 1,000,000). The app is a keyed count (stream → repartition → count store with changelog), so the
// new version reads, repartitions and materializes every record.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CompressionTypes } from 'kafkajs';
import { Serdes, StreamsBuilder } from '@platform/streams';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { InProcessDriver } from '../src/__fixtures__/in-process-driver';
import { runCliForTest } from '../src/__fixtures__/run-cli';

const N = Number(process.env.BENCH_REPROCESS_MESSAGES ?? 1_000_000);
const PARTITIONS = 6;
const BATCH = 10_000;

function topology(input: string) {
  const builder = new StreamsBuilder();
  builder.stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() }).selectKey((key) => key, { name: 'same', keySerde: Serdes.string() }).groupByKey().count({ name: 'counts' });
  return builder.build();
}

async function main(): Promise<void> {
  const kafka = newKafka('reprocess-bench');
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprocess-bench-'));
  const app = uniqueName('bench-reprocess');
  const input = uniqueName('bench-reprocess-in');
  await createTopic(admin, input, { partitions: PARTITIONS });
  const driver = new InProcessDriver(app, kafka, () => topology(input), path.join(dir, 'state'));
  try {
    const writeStarted = Date.now();
    const value = 'x'.repeat(100);
    for (let sent = 0; sent < N; sent += BATCH) {
      const count = Math.min(BATCH, N - sent);
      await producer.send({ topic: input, compression: CompressionTypes.None, messages: Array.from({ length: count }, (_, i) => ({ key: `k${(sent + i) % 1000}`, value })) });
    }
    const writeS = (Date.now() - writeStarted) / 1000;
    await driver.start(app, 1);
    const v1Started = Date.now();
    await waitFor(async () => ((await admin.fetchOffsets({ groupId: `${app}-v1`, topics: [input] }))[0]?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) >= N, { timeoutMs: 30 * 60_000, intervalMs: 1000, description: 'v1 caught up' });
    const v1S = (Date.now() - v1Started) / 1000;
    const started = Date.now();
    const result = await runCliForTest(['app', 'reprocess', app, '--max-lag', '0', '--grace', '0s', '--timeout', '30m', '--yes', '--json'], driver);
    if (result.code !== 0) throw new Error(`reprocess failed (${result.code}): ${result.stdout} ${result.stderr}`);
    const r = result.json<{ records: number; catchUpMs: number }>();
    const totalS = (Date.now() - started) / 1000;
    console.log('\nreprocess (keyed count, 6 partitions, in-process driver)');
    console.table([
      { step: 'write N records', N, seconds: writeS.toFixed(1), 'records/s': Math.round(N / writeS) },
      { step: 'v1 first processing', N, seconds: v1S.toFixed(1), 'records/s': Math.round(N / v1S) },
      { step: 'app reprocess: v2 caught up + switch', N: r.records, seconds: (r.catchUpMs / 1000).toFixed(1), 'records/s': Math.round(r.records / (r.catchUpMs / 1000)) },
      { step: 'app reprocess incl. retiring v1', N: r.records, seconds: totalS.toFixed(1), 'records/s': Math.round(r.records / totalS) },
    ]);
  } finally {
    await driver.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
