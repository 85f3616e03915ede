import type { Admin, KafkaMessage } from 'kafkajs';
import type { StreamRecord } from '../../api/record';
import { Serdes } from '../../serdes/serdes';
import type { RecordCollector } from '../task/contract';
import type { SinkNodeSpec } from '../topology/spec';
import { headersOf } from './record-collector';
import { createTopicsAndWait } from './topic-creation';

export type FailureStage = 'deserialization' | 'processing';

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

export function deadLetterRecord(failure: FailedRecord, now: number): StreamRecord<Buffer | null, Buffer | null> {
  const error = failure.error as { message?: unknown; name?: unknown; constructor?: { name?: string } } | undefined;
  const message = typeof error?.message === 'string' ? error.message : String(failure.error);
  const className = (error && typeof error === 'object' && error.constructor?.name) || typeof failure.error;
  const h = DEAD_LETTER_HEADERS;
  const reason = `${failure.stage} failed: ${message}`;
  return {
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
    },
  };
}

/** Hands the dead-letter record to the task's collector (flushed before the offsets commit). */
export function sendToDeadLetter(collector: RecordCollector, topic: string, failure: FailedRecord, now = Date.now()): void {
  collector.send(topic, deadLetterRecord(failure, now), rawSink(topic));
}

/** Creates the dead-letter topics that do not exist yet (one partition, default retention). */
export async function ensureDeadLetterTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  await createTopicsAndWait(admin, missing.map((topic) => ({ topic, numPartitions: 1 })));
}
