import type { Admin, IHeaders, Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '@platform/streams';
import { notFound, refused } from '../exit-codes';
import { parseGroup } from './app-names';
import { headersText } from './decode';
import { readRecords, type RawRecord } from './read-records';

/** A dead-letter topic of an app version and how many records it holds. */
export interface DeadLetterTopic {
  readonly topic: string;
  readonly app: string;
  readonly version: number;
  readonly records: number;
}

/** One dead-lettered record: where it came from and why it failed. */
export interface DeadLetter {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly stage: string;
  readonly reason: string;
  readonly exceptionClass: string;
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: number } | undefined;
  readonly failedAt: string | undefined;
  /** Bytes of the original value when it was left out (too large for the dead-letter topic): such a record cannot be replayed. */
  readonly valueDroppedBytes: number | undefined;
}

const H = DEAD_LETTER_HEADERS;
/** Header added to a replayed record: `<dlq topic>:<partition>:<offset>` it came from. */
export const REPLAYED_FROM_HEADER = 'dlq.replayed.from';

/** Every `<id>-v<N>-dlq` topic of the namespace, with record counts. */
export async function listDeadLetterTopics(admin: Admin, namespace: string | undefined): Promise<DeadLetterTopic[]> {
  const result: DeadLetterTopic[] = [];
  for (const topic of (await admin.listTopics()).sort()) {
    if (!topic.endsWith('-dlq')) continue;
    const ref = parseGroup(topic.slice(0, -'-dlq'.length), namespace);
    if (!ref) continue;
    const offsets = await admin.fetchTopicOffsets(topic);
    result.push({ topic, app: ref.app, version: ref.version, records: offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0) });
  }
  return result;
}

export function deadLetterOf(record: RawRecord): DeadLetter {
  const h = headersText(record.message.headers);
  const sourceTopic = h[H.topic];
  const dropped = h[H.valueDropped];
  return {
    partition: record.partition,
    offset: record.offset,
    key: record.message.key ? record.message.key.toString('utf8') : null,
    stage: h[H.stage] ?? 'unknown',
    reason: h[H.reason] ?? '(no dlq.reason header)',
    exceptionClass: h[H.exceptionClass] ?? '',
    source: sourceTopic ? { topic: sourceTopic, partition: Number(h[H.partition] ?? -1), offset: Number(h[H.offset] ?? -1) } : undefined,
    failedAt: h[H.timestamp] ? new Date(Number(h[H.timestamp])).toISOString() : undefined,
    valueDroppedBytes: dropped === undefined ? undefined : Number(dropped),
  };
}

/** A record chosen for replay: `<partition>:<offset>`, or `<offset>` on partition 0. */
export interface RecordRef {
  readonly partition: number;
  readonly offset: number;
}

export function parseRecordRefs(raw: string): RecordRef[] | undefined {
  const refs: RecordRef[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(?:(\d{1,6}):)?(\d{1,15})$/.exec(part);
    if (!m) return undefined;
    refs.push({ partition: Number(m[1] ?? 0), offset: Number(m[2]) });
  }
  return refs.length > 0 && refs.length <= 10_000 ? refs : undefined;
}

export interface ReplayResult {
  readonly replayed: readonly { readonly from: RecordRef; readonly to: { topic: string; partition: number; offset: string } }[];
}

/**
 * Produces the chosen dead letters again, to their source topic (from `dlq.topic`) or to `to`: original
 * key, value, timestamp and headers (and the source partition, so placement by conversation holds), without the `dlq.*` headers, plus `dlq.replayed.from`. Refuses a
 * record whose value was dropped, and fails when a chosen record is not in the topic.
 */
export async function replayDeadLetters(kafka: Kafka, admin: Admin, topic: string, refs: readonly RecordRef[], to?: string, signal?: AbortSignal): Promise<ReplayResult> {
  const wanted = new Map(refs.map((r) => [`${r.partition}:${r.offset}`, r]));
  const found = new Map<string, RawRecord>();
  const partitions = [...new Set(refs.map((r) => r.partition))];
  const fromOffsets = new Map<number, number>(partitions.map((p) => [p, Math.min(...refs.filter((r) => r.partition === p).map((r) => r.offset))]));
  await readRecords(kafka, admin, { topic, partitions, fromOffsets, ...(signal ? { signal } : {}) }, (record) => {
    const id = `${record.partition}:${record.offset}`;
    if (wanted.has(id)) found.set(id, record);
    return found.size < wanted.size;
  });
  const absent = [...wanted.keys()].filter((id) => !found.has(id));
  if (absent.length > 0) throw notFound(`${topic} has no record at ${absent.join(', ')} (partition:offset)`);
  const letters = [...found.values()].map((record) => ({ record, letter: deadLetterOf(record) }));
  const dropped = letters.filter(({ letter }) => letter.valueDroppedBytes !== undefined);
  if (dropped.length > 0) throw refused(`record(s) ${dropped.map(({ record }) => `${record.partition}:${record.offset}`).join(', ')} lost their value in the dead-letter topic (too large); they cannot be replayed`);
  const noTarget = letters.filter(({ letter }) => !to && !letter.source);
  if (noTarget.length > 0) throw refused(`record(s) ${noTarget.map(({ record }) => `${record.partition}:${record.offset}`).join(', ')} have no dlq.topic header — pass --to <topic>`);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const replayed: ReplayResult['replayed'][number][] = [];
    for (const { record, letter } of letters) {
      const target = to ?? (letter.source as NonNullable<DeadLetter['source']>).topic;
      const headers: IHeaders = {};
      for (const [name, value] of Object.entries(record.message.headers ?? {})) {
        if (!name.startsWith('dlq.') && value !== undefined) headers[name] = value;
      }
      headers[REPLAYED_FROM_HEADER] = `${topic}:${record.partition}:${record.offset}`;
      const [meta] = await producer.send({ topic: target, acks: -1, messages: [{ ...(to ? {} : { partition: letter.source?.partition }), key: record.message.key, value: record.message.value, timestamp: record.message.timestamp, headers }] });
      replayed.push({ from: { partition: record.partition, offset: record.offset }, to: { topic: target, partition: meta?.partition ?? -1, offset: meta?.baseOffset ?? '' } });
    }
    return { replayed };
  } finally {
    await producer.disconnect();
  }
}
