import type { Admin, KafkaMessage } from 'kafkajs';
import type { StreamRecord } from '../../api/record';
import { Serdes } from '../../serdes/serdes';
import type { RecordCollector } from '../task/contract';
import type { SinkNodeSpec } from '../topology/spec';
import { headersOf } from './record-collector';
import { createTopicsAndWait } from './topic-creation';
import { headersBytes, recordBatchBytes } from './topic-limits';

/**
 * Where a record failed: its source serdes (`deserialization`), a processor (`processing`), or a
 * record derived from it that cannot be produced (`production`: too large for its topic, or its
 * serializer threw).
 */
export type FailureStage = 'deserialization' | 'processing' | 'production';

/** A record that failed, with where it came from and why. */
export interface FailedRecord {
  readonly stage: FailureStage;
  readonly taskId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The record as fetched: original key, value, headers and timestamp bytes. */
  readonly message: KafkaMessage;
  readonly error: unknown;
}

/** Headers added to a dead-lettered record (the original headers are kept). */
export const DEAD_LETTER_HEADERS = {
  stage: 'dlq.stage',
  reason: 'dlq.reason',
  exceptionClass: 'dlq.exception.class',
  exceptionMessage: 'dlq.exception.message',
  topic: 'dlq.topic',
  partition: 'dlq.partition',
  offset: 'dlq.offset',
  taskId: 'dlq.task.id',
  timestamp: 'dlq.timestamp',
  /** Set (to the value's size) when the value was left out because the record would not fit the dead-letter topic. */
  valueDropped: 'dlq.value.dropped.bytes',
} as const;

const sinks = new Map<string, SinkNodeSpec>();

/** A sink that writes bytes as they are, so the dead-letter record is the original record. */
function rawSink(topic: string): SinkNodeSpec {
  let sink = sinks.get(topic);
  if (!sink) {
    sink = { kind: 'sink', name: `dead-letter:${topic}`, topic: { kind: 'external', name: topic }, keySerde: Serdes.buffer(), valueSerde: Serdes.buffer() };
    sinks.set(topic, sink);
  }
  return sink;
}

/**
 * The dead-letter record of a failure: the original key, value, headers and timestamp plus the
 * `dlq.*` headers. When `maxBytes` (the dead-letter topic's limit) is given and the record would
 * not fit, the value is left out and `dlq.value.dropped.bytes` says how large it was.
 */
export function deadLetterRecord(failure: FailedRecord, now: number, maxBytes?: number): StreamRecord<Buffer | null, Buffer | null> {
  const error = failure.error as { message?: unknown; name?: unknown; constructor?: { name?: string } } | undefined;
  const message = typeof error?.message === 'string' ? error.message : String(failure.error);
  const className = (error && typeof error === 'object' && error.constructor?.name) || typeof failure.error;
  const h = DEAD_LETTER_HEADERS;
  const reason = `${failure.stage} failed: ${message}`;
  const record = {
    key: failure.message.key ?? null,
    value: failure.message.value ?? null,
    timestamp: Number(failure.message.timestamp),
    headers: {
      ...headersOf(failure.message.headers),
      [h.stage]: Buffer.from(failure.stage),
      [h.reason]: Buffer.from(reason),
      [h.exceptionClass]: Buffer.from(String(className)),
      [h.exceptionMessage]: Buffer.from(message),
      [h.topic]: Buffer.from(failure.topic),
      [h.partition]: Buffer.from(String(failure.partition)),
      [h.offset]: Buffer.from(failure.offset),
      [h.taskId]: Buffer.from(failure.taskId),
      [h.timestamp]: Buffer.from(String(now)),
    } as Record<string, Buffer>,
  };
  if (maxBytes !== undefined && record.value !== null) {
    const bytes = recordBatchBytes(record.key?.length ?? 0, record.value.length, headersBytes(record.headers) + 64);
    if (bytes > maxBytes) {
      record.headers[h.valueDropped] = Buffer.from(String(record.value.length));
      record.value = null;
    }
  }
  return record;
}

/** Hands the dead-letter record to the task's collector (flushed before the offsets commit). */
export function sendToDeadLetter(collector: RecordCollector, topic: string, failure: FailedRecord, now = Date.now(), maxBytes?: number): void {
  collector.send(topic, deadLetterRecord(failure, now, maxBytes), rawSink(topic));
}

/** Room for the `dlq.*` headers on top of the largest input record. */
export const DEAD_LETTER_HEADROOM_BYTES = 64 * 1024;

/**
 * Creates the dead-letter topics that do not exist yet (one partition, default retention), with
 * `max.message.bytes` = `maxMessageBytes` when given (the largest input record plus headroom for
 * the `dlq.*` headers, so every input record fits with its reason).
 */
export async function ensureDeadLetterTopics(admin: Admin, topics: readonly string[], maxMessageBytes?: number): Promise<void> {
  if (topics.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  const configEntries = maxMessageBytes === undefined ? undefined : [{ name: 'max.message.bytes', value: String(maxMessageBytes) }];
  await createTopicsAndWait(admin, missing.map((topic) => ({ topic, numPartitions: 1, ...(configEntries ? { configEntries } : {}) })));
}
