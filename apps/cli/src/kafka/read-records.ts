import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { notFound } from '../exit-codes';

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly message: KafkaMessage;
}

export interface ReadOptions {
  readonly topic: string;
  /** Partitions to read (default all). */
  readonly partitions?: readonly number[];
  /** Start at the first record at or after this time (epoch ms); default the start of the retained log. */
  readonly fromTime?: number;
  /** Explicit start offsets per partition (win over fromTime). */
  readonly fromOffsets?: ReadonlyMap<number, number>;
  /** Keep reading past the end seen at the start, until `signal` aborts or `onRecord` says stop. */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
  /** Called as records are scanned, with the number scanned and the number in the range (0 when following). */
  readonly onProgress?: (scanned: number, total: number) => void;
}

/**
 * Reads `topic` from the chosen start to the end seen when the read began (or on and on with `follow`),
 * calling `onRecord` in offset order per partition; `onRecord` returning false stops the read.
 * Uses a throw-away consumer group that commits nothing and is deleted afterwards.
 */
export async function readRecords(kafka: Kafka, admin: Admin, options: ReadOptions, onRecord: (record: RawRecord) => boolean | Promise<boolean>): Promise<{ scanned: number }> {
  const { topic } = options;
  let log: { partition: number; low: string; high: string }[];
  try {
    log = await admin.fetchTopicOffsets(topic);
  } catch (error) {
    throw notFound(`topic ${topic} cannot be read (${(error as Error).message})`);
  }
  const wanted = options.partitions ? new Set(options.partitions) : undefined;
  const missing = options.partitions?.filter((p) => !log.some((l) => l.partition === p)) ?? [];
  if (missing.length > 0) throw notFound(`topic ${topic} has no partition ${missing.join(', ')}`);
  const byTime = options.fromTime === undefined ? undefined : new Map((await admin.fetchTopicOffsetsByTimestamp(topic, options.fromTime)).map((p) => [p.partition, Number(p.offset)]));
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  for (const entry of log) {
    const low = Number(entry.low);
    const high = Number(entry.high);
    const from = options.fromOffsets?.get(entry.partition) ?? byTime?.get(entry.partition) ?? low;
    start.set(entry.partition, Math.min(high, Math.max(low, from < 0 ? high : from)));
    end.set(entry.partition, wanted && !wanted.has(entry.partition) ? start.get(entry.partition) ?? high : high);
    if (wanted && !wanted.has(entry.partition)) start.set(entry.partition, high);
  }
  const total = [...end].reduce((sum, [p, high]) => sum + Math.max(0, high - (start.get(p) ?? high)), 0);
  const pending = new Set([...end].filter(([p, high]) => (start.get(p) ?? high) < high).map(([p]) => p));
  if (pending.size === 0 && !options.follow) return { scanned: 0 };

  const groupId = `platform-cli-read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  let scanned = 0;
  let stop = false;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const finished = new Promise<void>((resolve, reject) => {
      const onAbort = () => resolve();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const partition = batch.partition;
            const from = start.get(partition) ?? 0;
            const high = end.get(partition) ?? 0;
            for (const message of batch.messages) {
              if (stop || !isRunning() || isStale() || options.signal?.aborted) break;
              const offset = Number(message.offset);
              if (offset < from) continue; // fetched before the seek took effect
              if (!options.follow && offset >= high) break;
              scanned++;
              if (!(await onRecord({ topic, partition, offset, message }))) stop = true;
              resolveOffset(message.offset);
              if (scanned % 500 === 0) {
                options.onProgress?.(scanned, total);
                await heartbeat();
              }
            }
            options.onProgress?.(scanned, total);
            if (stop) resolve();
          },
        })
        .catch(reject);
      // Also batches of only transaction markers (which never reach eachBatch) end here: the partition is done
      // once the batch's last offset reaches the end seen at the start.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (options.follow) return;
        if (Number(payload.lastOffset) + 1 >= (end.get(payload.partition) ?? 0)) pending.delete(payload.partition);
        if (pending.size === 0) resolve();
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [partition, offset] of start) consumer.seek({ topic, partition, offset: String(offset) });
      });
    });
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return { scanned };
}
