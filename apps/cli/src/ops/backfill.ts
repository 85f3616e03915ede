import { ConfigResourceTypes, type Admin, type Kafka, type Message } from 'kafkajs';
import { partitionForKey, Serdes } from '@platform/streams';
import { recordSerde, schemaNames, type SchemaName, type SchemaRegistryClient } from '@platform/schemas';
import { notFound, usageError } from '../exit-codes';
import type { Progress } from '../output/output';
import { readBackfillFile, type BackfillLine } from './backfill-file';

/** How values of the backfill file are encoded for the topic: the engine's serdes, or an Avro record of @platform/schemas. */
export type ValueFormat = 'string' | 'json' | 'int64' | 'int32' | 'number' | `avro:${SchemaName}`;

export function parseValueFormat(raw: string): ValueFormat {
  if (['string', 'json', 'int64', 'int32', 'number'].includes(raw)) return raw as ValueFormat;
  const avro = /^avro:(\w+)$/.exec(raw);
  if (avro && (schemaNames as readonly string[]).includes(avro[1] as string)) return raw as ValueFormat;
  throw usageError(`--value-format must be string, json, int64, int32, number or avro:<${schemaNames.join('|')}>, not "${raw}"`);
}

type Encode = (topic: string, value: unknown) => Promise<Buffer | null>;

function encoderFor(format: ValueFormat, registry: () => SchemaRegistryClient): Encode {
  const sync = (serde: { serialize(topic: string, value: never): Buffer }) => async (topic: string, value: unknown) => serde.serialize(topic, value as never);
  const byFormat: Record<Exclude<ValueFormat, `avro:${string}`>, Encode> = {
    string: async (topic, value) => {
      if (typeof value !== 'string') throw new TypeError('value must be a string');
      return Serdes.string().serialize(topic, value);
    },
    json: sync(Serdes.json()),
    int64: sync(Serdes.int64()),
    int32: sync(Serdes.int32()),
    number: sync(Serdes.number()),
  };
  const plain = (byFormat as Record<string, Encode>)[format];
  let avro: ReturnType<typeof recordSerde> | undefined;
  const encode: Encode =
    plain ??
    ((topic, value) => {
      avro ??= recordSerde(registry(), format.slice('avro:'.length) as SchemaName);
      return avro.serialize(topic, value as never);
    });
  return async (topic, value) => (value === null ? null : encode(topic, value));
}

export interface BackfillOptions {
  readonly topic: string;
  readonly file: string;
  readonly format: ValueFormat;
  readonly dryRun: boolean;
  readonly progress: (total: number) => Progress;
  readonly signal?: AbortSignal;
}

export interface BackfillResult {
  readonly topic: string;
  readonly records: number;
  readonly tombstones: number;
  readonly perPartition: Record<string, number>;
  readonly written: boolean;
  readonly ms: number;
}

/**
 * Writes the file's records to `topic`: keys as UTF-8, values encoded as `format`, each to the partition the
 * producer's default partitioner (murmur2, as the engine's tasks and kafkajs use) gives its key, or the line's
 * own `partition`. Checks every line first (JSON, encoding, size against the topic's max.message.bytes, partition
 * in range) and writes nothing when one is bad; then produces in batches with an idempotent producer.
 */
export async function backfill(kafka: Kafka, admin: Admin, registry: () => SchemaRegistryClient, options: BackfillOptions): Promise<BackfillResult> {
  const started = Date.now();
  const partitions = await admin.fetchTopicOffsets(options.topic).catch(() => undefined);
  if (!partitions) throw notFound(`topic ${options.topic} does not exist — for a store's changelog, start the app version once so it creates its internal topics`);
  const maxBytes = await maxMessageBytes(admin, options.topic);
  const count = partitions.length;
  const encode = encoderFor(options.format, registry);
  const perPartition: Record<string, number> = Object.create(null) as Record<string, number>;
  let records = 0;
  let tombstones = 0;
  const place = async (line: BackfillLine): Promise<Message & { partition: number }> => {
    let value: Buffer | null;
    try {
      value = await encode(options.topic, line.value);
    } catch (error) {
      throw usageError(`${options.file}:${line.line}: value does not encode as ${options.format} (${(error as Error).message})`);
    }
    const key = Buffer.from(line.key, 'utf8');
    const bytes = key.length + (value?.length ?? 0) + 128;
    if (bytes > maxBytes) throw usageError(`${options.file}:${line.line}: record of ${bytes} bytes exceeds ${options.topic}'s max.message.bytes ${maxBytes}`);
    const partition = line.partition ?? partitionForKey(key, count);
    if (partition >= count) throw usageError(`${options.file}:${line.line}: partition ${partition} out of range (${options.topic} has ${count})`);
    return { key, value, partition };
  };
  // pass 1: validate everything, count
  for await (const line of readBackfillFile(options.file)) {
    const message = await place(line);
    records++;
    if (message.value === null) tombstones++;
    perPartition[String(message.partition)] = (perPartition[String(message.partition)] ?? 0) + 1;
  }
  if (options.dryRun || records === 0) return { topic: options.topic, records, tombstones, perPartition, written: false, ms: Date.now() - started };
  // pass 2: produce
  const bar = options.progress(records);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  let sent = 0;
  try {
    let batch: (Message & { partition: number })[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await producer.send({ topic: options.topic, acks: -1, messages: batch });
      sent += batch.length;
      batch = [];
      bar.update(sent);
    };
    for await (const line of readBackfillFile(options.file)) {
      if (options.signal?.aborted) throw new Error(`interrupted after ${sent} of ${records} records (the rest is not written; rerunning writes the file again, later records win)`);
      batch.push(await place(line));
      if (batch.length >= 500) await flush();
    }
    await flush();
  } finally {
    bar.stop();
    await producer.disconnect();
  }
  return { topic: options.topic, records: sent, tombstones, perPartition, written: true, ms: Date.now() - started };
}

async function maxMessageBytes(admin: Admin, topic: string): Promise<number> {
  const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }], includeSynonyms: false });
  const value = Number(resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
  return Number.isFinite(value) && value > 0 ? value : 1_048_588;
}
